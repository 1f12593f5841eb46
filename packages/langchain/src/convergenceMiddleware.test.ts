import { type PolicyInput, createRouter } from "@convergent/router";
import { createMemoryStore, createRuntime } from "@convergent/runtime";
import { manualClock } from "@convergent/runtime/testing";
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { Command, MemorySaver } from "@langchain/langgraph";
import { FakeToolCallingModel, createAgent, fakeModel, tool } from "langchain";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type ConvergenceMiddlewareOptions, type ConvergenceRequest, convergenceMiddleware } from "./convergenceMiddleware.js";
import { decisionsFromCheckpoints } from "./toolCallCheckpoints.js";

const policy: PolicyInput = {
  id: "tool-calls",
  version: 1,
  reviewers: [
    { id: "ada", roles: ["support"] },
    { id: "lin", roles: ["finance"] },
  ],
  checkpoints: { assigneeRoles: ["support"] },
  rules: [
    { id: "emails-reviewed", when: { kind: "tool.send_email" }, route: "supervised", requireRoles: ["support"] },
    { id: "refunds-to-finance", when: { kind: "payments.refund" }, requireRoles: ["finance"] },
  ],
};

/** The routing of the three tools: search converges (fast, closed feedback); refunds are costly and final. */
const routing: ConvergenceMiddlewareOptions["tools"] = {
  search_docs: { signals: { feedbackLatencySec: 1, ruleClosure: 0.95, driftHalfLifeSec: null, horizonSec: 600 }, stakes: { cost: 1, reversible: true } },
  refund_payment: (call) => ({ kind: "payments.refund", stakes: { cost: Number(call.args.amount) * 10, reversible: false } }),
};

function tools() {
  const ran: { name: string; args: unknown }[] = [];
  const searchDocs = tool(
    async (args: { query: string }) => {
      ran.push({ name: "search_docs", args });
      return `3 documents about ${args.query}`;
    },
    { name: "search_docs", description: "Search the help center", schema: z.object({ query: z.string() }) },
  );
  const sendEmail = tool(
    async (args: { to: string; body: string }) => {
      ran.push({ name: "send_email", args });
      return `sent to ${args.to}`;
    },
    { name: "send_email", description: "Email a customer", schema: z.object({ to: z.string().email(), body: z.string().min(1) }) },
  );
  const refundPayment = tool(
    async (args: { order: string; amount: number }) => {
      ran.push({ name: "refund_payment", args });
      return `refunded ${args.amount} on ${args.order}`;
    },
    { name: "refund_payment", description: "Refund an order", schema: z.object({ order: z.string(), amount: z.number().positive() }) },
  );
  return { ran, list: [searchDocs, sendEmail, refundPayment] };
}

function setup(model: ReturnType<typeof fakeModel> | FakeToolCallingModel, extra: Partial<ConvergenceMiddlewareOptions> = {}, checkpointer = new MemorySaver()) {
  const t = tools();
  const router = createRouter({ policy });
  const middleware = convergenceMiddleware({ router, tools: routing, ...extra });
  const agent = createAgent({ model, tools: t.list, middleware: [middleware], checkpointer });
  return { agent, ran: t.ran, checkpointer, router };
}

const config = (thread: string) => ({ configurable: { thread_id: thread } });

function requestOf(result: { __interrupt__?: readonly { value?: unknown }[] }): ConvergenceRequest {
  const value = result.__interrupt__?.[0]?.value;
  expect(value).toBeDefined();
  return value as ConvergenceRequest;
}

function toolResults(messages: readonly BaseMessage[]): Record<string, { content: string; status: string | undefined }> {
  const out: Record<string, { content: string; status: string | undefined }> = {};
  for (const m of messages) if (ToolMessage.isInstance(m)) out[m.tool_call_id] = { content: String(m.content), status: m.status };
  return out;
}

const email = { name: "send_email", args: { to: "kim@example.com", body: "Your refund is on its way." }, id: "call-email" };
const refund = { name: "refund_payment", args: { order: "A-42", amount: 900 }, id: "call-refund" };
const search = { name: "search_docs", args: { query: "refund policy" }, id: "call-search" };

describe("convergenceMiddleware in a createAgent loop", () => {
  it("runs calls routed autonomous without asking anyone", async () => {
    const model = fakeModel().respondWithTools([search]).respond(new AIMessage("Refunds take 5 days."));
    const { agent, ran } = setup(model);
    const result = await agent.invoke({ messages: [new HumanMessage("How do refunds work?")] }, config("auto"));
    expect(result.__interrupt__).toBeUndefined();
    expect(ran).toEqual([{ name: "search_docs", args: { query: "refund policy" } }]);
    expect(toolResults(result.messages)["call-search"]?.content).toBe("3 documents about refund policy");
  });

  it("holds supervised and human calls in one interrupt of LangChain HITL's shape, with ids and the routing", async () => {
    const model = fakeModel().respondWithTools([search, email, refund]).respond(new AIMessage("Done."));
    const { agent, ran } = setup(model);
    const result = await agent.invoke({ messages: [new HumanMessage("Refund order A-42 and tell Kim")] }, config("held"));

    const request = requestOf(result);
    expect(ran).toEqual([]); // the whole turn waits, the autonomous search included
    expect(request.actionRequests.map((a) => [a.name, a.toolCallId, a.route])).toEqual([
      ["send_email", "call-email", "supervised"],
      ["refund_payment", "call-refund", "human"],
    ]);
    expect(request.actionRequests[0]!.args).toEqual(email.args);
    expect(request.actionRequests[0]!.description).toContain("Routed supervised (rule emails-reviewed)");
    expect(request.actionRequests[1]!.routing).toMatchObject({ kind: "payments.refund", route: "human", assigneeRoles: ["finance"] });
    expect(request.actionRequests[1]!.routing.reasons[0]).toBe("Human: expected cost 480 USD (vs supervised 1,097 USD).");
    expect(request.reviewConfigs).toEqual([
      expect.objectContaining({ actionName: "send_email", toolCallId: "call-email", allowedDecisions: ["approve", "edit", "reject", "respond"] }),
      expect.objectContaining({ actionName: "refund_payment", toolCallId: "call-refund", allowedDecisions: ["edit", "respond", "reject"] }),
    ]);
    expect(request.reviewConfigs[0]!.argsSchema).toMatchObject({ type: "object", properties: { to: { type: "string" }, body: { type: "string" } } });
  });

  it("resumes with decisions by id: an approved call runs even though another is rejected, and the model sees both results", async () => {
    const model = fakeModel().respondWithTools([search, email, refund]).respond(new AIMessage("Emailed Kim; the refund waits for finance."));
    const { agent, ran } = setup(model);
    await agent.invoke({ messages: [new HumanMessage("Refund order A-42 and tell Kim")] }, config("mixed"));

    const result = await agent.invoke(
      new Command({
        resume: {
          decisions: [
            { type: "reject", toolCallId: "call-refund", message: "Refunds over 500 need a ticket" },
            { type: "approve", toolCallId: "call-email" },
          ],
        },
      }),
      config("mixed"),
    );

    expect(result.__interrupt__).toBeUndefined();
    expect(ran.map((r) => r.name).sort()).toEqual(["search_docs", "send_email"]);
    const results = toolResults(result.messages);
    expect(results["call-email"]).toEqual({ content: "sent to kim@example.com", status: "success" });
    expect(results["call-refund"]?.status).toBe("error");
    expect(results["call-refund"]?.content).toContain("Refunds over 500 need a ticket");
    expect(results["call-refund"]?.content).toContain("do not repeat it unchanged");
    // The model's second call saw every result.
    const seen = model.calls[1]!.messages.filter((m) => ToolMessage.isInstance(m)).map((m) => (m as ToolMessage).tool_call_id);
    expect(seen.sort()).toEqual(["call-email", "call-refund", "call-search"]);
  });

  it("runs an edited call with the person's arguments, and gives a person's response to the model instead of running the tool", async () => {
    const model = fakeModel().respondWithTools([email, refund]).respond(new AIMessage("Done."));
    const { agent, ran } = setup(model);
    await agent.invoke({ messages: [new HumanMessage("Refund and tell Kim")] }, config("edit"));
    const result = await agent.invoke(
      new Command({
        resume: {
          decisions: [
            { type: "edit", editedAction: { name: "send_email", args: { to: "kim@example.com", body: "Finance will call you today." } } },
            { type: "respond", message: "Refunded by hand in the payments console: ticket FIN-7." },
          ],
        },
      }),
      config("edit"),
    );
    expect(ran).toEqual([{ name: "send_email", args: { to: "kim@example.com", body: "Finance will call you today." } }]);
    const results = toolResults(result.messages);
    expect(results["call-refund"]).toEqual({ content: "Refunded by hand in the payments console: ticket FIN-7.", status: "success" });
    const reply = result.messages.find((m) => AIMessage.isInstance(m) && (m as AIMessage).tool_calls?.length) as AIMessage;
    expect(reply.tool_calls?.find((c) => c.id === "call-email")?.args).toEqual({ to: "kim@example.com", body: "Finance will call you today." });
  });

  it("refuses an edit that does not fit the tool's schema, names it, and keeps the calls held until a valid resume", async () => {
    const model = fakeModel().respondWithTools([email]).respond(new AIMessage("Done."));
    const { agent, ran } = setup(model);
    await agent.invoke({ messages: [new HumanMessage("Tell Kim")] }, config("bad-edit"));

    const bad = await agent.invoke(
      new Command({ resume: { decisions: [{ type: "edit", editedAction: { name: "send_email", args: { to: "not an address", body: "" } } }] } }),
      config("bad-edit"),
    );
    const asked = requestOf(bad);
    expect(asked.errorCode).toBe("INVALID_ANSWER");
    expect(asked.error).toMatch(/resume\.decisions\[0\] \(tool call call-email \(send_email\)\)\.editedAction\.args do not fit the tool's schema: args\/(to|body)/);
    expect(asked.actionRequests.map((a) => a.toolCallId)).toEqual(["call-email"]);
    expect(ran).toEqual([]);

    const wrongCount = requestOf(await agent.invoke(new Command({ resume: { decisions: [{ type: "approve" }, { type: "approve" }] } }), config("bad-edit")));
    expect(wrongCount.error).toMatch(/2 decision\(s\) for 1 held tool call\(s\)/);
    const notDecisions = requestOf(await agent.invoke(new Command({ resume: "yes" }), config("bad-edit")));
    expect(notDecisions.error).toMatch(/the resume value is not \{ decisions: \[\.\.\.\] \}/);
    expect(ran).toEqual([]);

    const good = await agent.invoke(new Command({ resume: { decisions: [{ type: "approve" }] } }), config("bad-edit"));
    expect(good.__interrupt__).toBeUndefined();
    expect(ran).toHaveLength(1);
  });

  it("refuses a decision the route does not allow (approving a human-routed refund as it stands)", async () => {
    const model = fakeModel().respondWithTools([refund]).respond(new AIMessage("Done."));
    const { agent } = setup(model);
    await agent.invoke({ messages: [new HumanMessage("Refund")] }, config("not-allowed"));
    const asked = requestOf(await agent.invoke(new Command({ resume: { decisions: [{ type: "approve" }] } }), config("not-allowed")));
    expect(asked.error).toMatch(/"approve" is not allowed here; allowed: edit, respond, reject/);
  });

  it("sends a rejection to the model at once, and answers the same call made again with that rejection instead of asking or running it", async () => {
    const model = fakeModel()
      .respondWithTools([refund])
      .respondWithTools([{ ...refund, id: "call-refund-again" }])
      .respond(new AIMessage("I cannot refund this order."));
    const { agent, ran } = setup(model);
    await agent.invoke({ messages: [new HumanMessage("Refund order A-42")] }, config("repeat"));
    const result = await agent.invoke(new Command({ resume: { decisions: [{ type: "reject", message: "Order A-42 was never paid" }] } }), config("repeat"));

    expect(result.__interrupt__).toBeUndefined();
    expect(ran).toEqual([]);
    expect(model.callCount).toBe(3); // the model was told of the rejection, tried the same call, and gave up
    const results = toolResults(result.messages);
    expect(results["call-refund-again"]?.content).toContain("a reviewer already rejected this exact call");
    expect(results["call-refund-again"]?.content).toContain("Order A-42 was never paid");
  });

  it("resumes from the routing stored with the reply, even in a new process whose router would route differently", async () => {
    const checkpointer = new MemorySaver();
    const first = setup(fakeModel().respondWithTools([email]), {}, checkpointer);
    await first.agent.invoke({ messages: [new HumanMessage("Tell Kim")] }, config("stored"));

    // Another process: same checkpointer, a policy that would let every tool call run.
    const t = tools();
    const lenient = convergenceMiddleware({ router: createRouter({ policy: { id: "lenient", version: 1, reviewers: [{ id: "ada", roles: ["reviewer"] }], rules: [{ id: "all", when: { kind: "*.*" }, route: "autonomous" }] } }), tools: routing });
    const model = fakeModel().respond(new AIMessage("Not sent."));
    const second = createAgent({ model, tools: t.list, middleware: [lenient], checkpointer });
    const result = await second.invoke(new Command({ resume: { decisions: [{ type: "reject", toolCallId: "call-email", message: "Wrong customer" }] } }), config("stored"));
    expect(t.ran).toEqual([]);
    expect(toolResults(result.messages)["call-email"]?.content).toContain("Wrong customer");
  });

  it("works with LangChain's FakeToolCallingModel and an approve-all resume in the requests' order", async () => {
    const model = new FakeToolCallingModel({ toolCalls: [[email, search], []] });
    const { agent, ran } = setup(model);
    const held = await agent.invoke({ messages: [new HumanMessage("Tell Kim about refunds")] }, config("ftcm"));
    expect(requestOf(held).actionRequests.map((a) => a.name)).toEqual(["send_email"]);
    const result = await agent.invoke(new Command({ resume: { decisions: [{ type: "approve" }] } }), config("ftcm"));
    expect(result.__interrupt__).toBeUndefined();
    expect(ran.map((r) => r.name).sort()).toEqual(["search_docs", "send_email"]);
  });
});

describe("convergenceMiddleware recording checkpoints in a runtime", () => {
  function recorded(model: ReturnType<typeof fakeModel>) {
    const clock = manualClock(Date.UTC(2026, 10, 22, 9));
    const store = createMemoryStore({ clock });
    const runtime = createRuntime({ router: createRouter({ policy }), store, clock });
    const { agent, ran } = setup(model, { runtime });
    return { agent, ran, runtime, store };
  }

  it("opens a checkpoint per held call that the inbox shows to reviewers with the right role, and records the resume's decisions as answers", async () => {
    const model = fakeModel().respondWithTools([email, refund]).respond(new AIMessage("Done."));
    const { agent, runtime } = recorded(model);
    const held = await agent.invoke({ messages: [new HumanMessage("Refund and tell Kim")] }, config("rec"));
    const request = requestOf(held);
    expect(request.actionRequests.every((a) => a.checkpointId !== undefined && a.runId !== undefined)).toBe(true);

    expect((await runtime.inbox({ reviewer: "ada" })).map((c) => c.checkpoint.runId)).toEqual([request.actionRequests[0]!.runId]);
    expect((await runtime.inbox({ reviewer: "lin" })).map((c) => c.checkpoint.runId)).toEqual([request.actionRequests[1]!.runId]);
    const state = await runtime.inspect(request.actionRequests[1]!.runId!);
    expect(state?.decision).toMatchObject({ route: "human", kind: "payments.refund" });
    expect(state?.task?.input).toEqual({ tool: "refund_payment", args: refund.args, toolCallId: "call-refund" });

    // lin may not decide the email: FORBIDDEN, nothing recorded, the turn still held.
    const forbidden = await agent.invoke(
      new Command({ resume: { decisions: [{ type: "reject", reviewer: "lin", message: "no" }, { type: "reject", reviewer: "lin", message: "no" }] } }),
      config("rec"),
    );
    expect(requestOf(forbidden)).toMatchObject({ errorCode: "FORBIDDEN", error: expect.stringMatching(/lin may not answer .*: it needs the role support/) });
    expect(await runtime.inbox()).toHaveLength(2); // nothing recorded, not even lin's own refund

    await agent.invoke(
      new Command({
        resume: {
          decisions: [
            { type: "approve", reviewer: "ada" },
            { type: "reject", reviewer: "lin", message: "Needs a ticket" },
          ],
        },
      }),
      config("rec"),
    );
    expect(await runtime.inbox()).toHaveLength(0);
    const emailRun = await runtime.getRun(request.actionRequests[0]!.runId!);
    expect(emailRun).toMatchObject({ status: "succeeded", output: { decision: "approve", tool: "send_email", args: email.args } });
    const refundRun = await runtime.getRun(request.actionRequests[1]!.runId!);
    expect(refundRun).toMatchObject({ status: "cancelled", reason: "declined: Needs a ticket" });
  });

  it("resumes from answers given in Convergent (convergent answer / review), read back with decisionsFromCheckpoints", async () => {
    const model = fakeModel().respondWithTools([email, refund]).respond(new AIMessage("Done."));
    const { agent, ran, runtime } = recorded(model);
    const request = requestOf(await agent.invoke({ messages: [new HumanMessage("Refund and tell Kim")] }, config("cli")));
    const [emailCp, refundCp] = request.actionRequests.map((a) => a.checkpointId!);

    await runtime.answer(emailCp!, { type: "answer", value: { decision: "approve" } }, "ada");
    expect(await decisionsFromCheckpoints(runtime, request)).toBeUndefined(); // the refund is still open
    await runtime.answer(refundCp!, { type: "answer", value: "Refunded by phone, ticket FIN-9" }, "lin");

    const resume = await decisionsFromCheckpoints(runtime, request);
    expect(resume?.decisions).toEqual([
      { type: "approve", toolCallId: "call-email", reviewer: "ada" },
      { type: "respond", toolCallId: "call-refund", reviewer: "lin", message: "Refunded by phone, ticket FIN-9" },
    ]);
    const result = await agent.invoke(new Command({ resume }), config("cli"));
    expect(ran.map((r) => r.name)).toEqual(["send_email"]);
    expect(toolResults(result.messages)["call-refund"]?.content).toBe("Refunded by phone, ticket FIN-9");

    // A resume that contradicts what was answered in Convergent is a conflict naming who answered.
    const other = recorded(fakeModel().respondWithTools([email]).respond(new AIMessage("Done.")));
    const req2 = requestOf(await other.agent.invoke({ messages: [new HumanMessage("Tell Kim")] }, config("conflict")));
    await other.runtime.answer(req2.actionRequests[0]!.checkpointId!, { type: "reject", message: "Not now" }, "ada");
    const conflict = await other.agent.invoke(new Command({ resume: { decisions: [{ type: "approve", reviewer: "ada" }] } }), config("conflict"));
    expect(requestOf(conflict)).toMatchObject({ errorCode: "CONFLICT", error: expect.stringMatching(/already answered reject by ada/) });
    const followed = await other.agent.invoke(new Command({ resume: await decisionsFromCheckpoints(other.runtime, req2) }), config("conflict"));
    expect(followed.__interrupt__).toBeUndefined();
    expect(other.ran).toEqual([]);
  });
});
