// The gate itself: no tool name, response format or missing id lets a call of the agent's tools past routing.
import { type PolicyInput, createRouter } from "@convergent/router";
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { Command, MemorySaver } from "@langchain/langgraph";
import fc from "fast-check";
import { createAgent, fakeModel, tool, toolStrategy } from "langchain";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type ConvergenceMiddlewareOptions, type ConvergenceRequest, convergenceMiddleware } from "./convergenceMiddleware.js";

/** The policy: its only rule sends every kind to people. */
const everythingToPeople: PolicyInput = { id: "people-only", version: 1, rules: [{ id: "all-human", when: { kind: "*" }, route: "human" }] };

/** One tool with the given name that records each run. */
function recordingTool(name: string) {
  const ran: unknown[] = [];
  const t = tool(
    async (args: { to: string; amount: number }) => {
      ran.push(args);
      return `wired ${args.amount} to ${args.to}`;
    },
    { name, description: "Wire money", schema: z.object({ to: z.string(), amount: z.number() }) },
  );
  return { ran, tool: t };
}

function agentWith(name: string, model: Parameters<typeof createAgent>[0]["model"], options: Partial<ConvergenceMiddlewareOptions> = {}, responseFormat?: unknown) {
  const { ran, tool: t } = recordingTool(name);
  const middleware = convergenceMiddleware({
    router: createRouter({ policy: everythingToPeople }),
    tools: { [name]: { kind: "payments.wire", stakes: { cost: 1_000_000, reversible: false } } },
    ...options,
  });
  const agent = createAgent({
    model,
    tools: [t],
    middleware: [middleware],
    checkpointer: new MemorySaver(),
    ...(responseFormat === undefined ? {} : { responseFormat: responseFormat as never }),
  });
  return { agent, ran };
}

const config = (thread: string) => ({ configurable: { thread_id: thread } });
const wire = { to: "DE89 3704 0044 0532 0130 00", amount: 1_000_000 };

function requestOf(result: { __interrupt__?: readonly { value?: unknown }[] }): ConvergenceRequest | undefined {
  return result.__interrupt__?.[0]?.value as ConvergenceRequest | undefined;
}

function structuredOf(result: object): unknown {
  return (result as { structuredResponse?: unknown }).structuredResponse;
}

function toolMessages(messages: readonly BaseMessage[]): ToolMessage[] {
  return messages.filter((m) => ToolMessage.isInstance(m)) as ToolMessage[];
}

describe("convergenceMiddleware's gate", () => {
  it.each(["extract-payment", "wire_money"])("holds a call of %s forced to people, with LangChain's interrupt shape, and does not run it", async (name) => {
    const model = fakeModel().respondWithTools([{ name, args: wire, id: "call-wire" }]).respond(new AIMessage("Wired."));
    const { agent, ran } = agentWith(name, model);
    const result = await agent.invoke({ messages: [new HumanMessage("Pay the supplier")] }, config(name));

    expect(ran).toEqual([]);
    expect(toolMessages(result.messages)).toEqual([]);
    const request = requestOf(result)!;
    expect(request.actionRequests).toEqual([
      expect.objectContaining({ name, args: wire, description: expect.stringContaining(`Tool: ${name}`), toolCallId: "call-wire", route: "human" }),
    ]);
    expect(request.actionRequests[0]!.routing).toMatchObject({ kind: "payments.wire", forcedBy: "all-human" });
    expect(request.reviewConfigs).toEqual([expect.objectContaining({ actionName: name, allowedDecisions: ["edit", "respond", "reject"] })]);
    expect(request.reviewConfigs[0]!.argsSchema).toMatchObject({ type: "object", properties: { to: expect.any(Object) } });

    // The person's edit is what runs, once.
    const edited = { to: wire.to, amount: 10 };
    const resumed = await agent.invoke(new Command({ resume: { decisions: [{ type: "edit", editedAction: { name, args: edited } }] } }), config(name));
    expect(resumed.__interrupt__).toBeUndefined();
    expect(ran).toEqual([edited]);
  });

  it("holds a call without an id, and a rejection keeps it from running", async () => {
    const model = fakeModel()
      .respond(new AIMessage({ content: "", tool_calls: [{ name: "extract-payment", args: wire, type: "tool_call" }] }))
      .respond(new AIMessage("Not wired."));
    const { agent, ran } = agentWith("extract-payment", model);
    const held = await agent.invoke({ messages: [new HumanMessage("Pay")] }, config("no-id"));
    const request = requestOf(held)!;
    expect(request.actionRequests).toHaveLength(1);
    const id = request.actionRequests[0]!.toolCallId;
    expect(id).toMatch(/^call-/);

    const result = await agent.invoke(new Command({ resume: { decisions: [{ type: "reject", message: "No wires today" }] } }), config("no-id"));
    expect(ran).toEqual([]);
    expect(toolMessages(result.messages).map((m) => [m.tool_call_id, m.status])).toEqual([[id, "error"]]);
    const reply = result.messages.find((m) => AIMessage.isInstance(m) && ((m as AIMessage).tool_calls?.length ?? 0) > 0) as AIMessage;
    expect(reply.tool_calls?.map((c) => c.id)).toEqual([id]);
  });

  it("routes a tool named like LangChain's own structured-output tools when the agent has no response format", async () => {
    const model = fakeModel().respondWithTools([{ name: "extract-1", args: wire, id: "call-1" }]).respond(new AIMessage("Done."));
    const { agent, ran } = agentWith("extract-1", model);
    const result = await agent.invoke({ messages: [new HumanMessage("Pay")] }, config("extract-1"));
    expect(requestOf(result)?.actionRequests.map((a) => a.name)).toEqual(["extract-1"]);
    expect(ran).toEqual([]);
  });

  it("routes a call to a tool the agent was not given (unlisted, so to people) rather than letting it through", async () => {
    const model = fakeModel().respondWithTools([{ name: "extract-Invoice", args: { total: 3 }, id: "call-x" }]).respond(new AIMessage("Done."));
    const { agent } = agentWith("wire_money", model);
    const result = await agent.invoke({ messages: [new HumanMessage("Extract")] }, config("unknown-tool"));
    expect(requestOf(result)?.actionRequests.map((a) => a.name)).toEqual(["extract-Invoice"]);
  });
});

describe("convergenceMiddleware with a structured-output agent", () => {
  const answer = z.object({ summary: z.string() });

  it.each([
    ["a schema titled like the agent's tool", answer.meta({ title: "wire_money" }), "wire_money"],
    ["a schema titled extract-…", answer.meta({ title: "extract-Answer" }), "extract-Answer"],
    ["a toolStrategy", toolStrategy(answer.meta({ title: "Answer" })), "Answer"],
  ])("answers without a checkpoint for %s", async (_, format, structuredName) => {
    const model = fakeModel()
      .respondWithTools([{ name: structuredName, args: { summary: "Nothing to pay" }, id: "call-answer" }])
      .respond(new AIMessage("unused"));
    const { agent, ran } = agentWith("wire_money", model, {}, format);
    const result = await agent.invoke({ messages: [new HumanMessage("Summarise")] }, config(`structured-${structuredName}`));
    expect(result.__interrupt__).toBeUndefined();
    expect(structuredOf(result)).toEqual({ summary: "Nothing to pay" });
    expect(ran).toEqual([]);
  });

  it("lets LangChain send a malformed structured answer back to the model without asking anyone", async () => {
    const model = fakeModel()
      .respondWithTools([{ name: "Answer", args: { summary: 42 }, id: "call-bad" }])
      .respondWithTools([{ name: "Answer", args: { summary: "Fixed" }, id: "call-good" }])
      .respond(new AIMessage("unused"));
    const { agent, ran } = agentWith("wire_money", model, {}, answer.meta({ title: "Answer" }));
    const result = await agent.invoke({ messages: [new HumanMessage("Summarise")] }, config("structured-retry"));
    expect(result.__interrupt__).toBeUndefined();
    expect(structuredOf(result)).toEqual({ summary: "Fixed" });
    expect(ran).toEqual([]);
  });

  it("still holds the agent's tool calls in a structured-output agent", async () => {
    const model = fakeModel()
      .respondWithTools([{ name: "wire_money", args: wire, id: "call-wire" }])
      .respond(new AIMessage("unused"));
    const { agent, ran } = agentWith("wire_money", model, {}, answer.meta({ title: "Answer" }));
    const result = await agent.invoke({ messages: [new HumanMessage("Pay")] }, config("structured-and-tool"));
    expect(requestOf(result)?.actionRequests.map((a) => a.name)).toEqual(["wire_money"]);
    expect(ran).toEqual([]);
  });
});

describe("convergenceMiddleware over arbitrary tool names", () => {
  const awkward = fc.constantFrom(
    "extract-",
    "extract-1",
    "extract-payment",
    "extract-and-send",
    "Answer",
    " ",
    "\u200b",
    "\u00a0pay",
    "送金",
    "💸",
    "tools",
    "model_request",
    "__start__",
    "__end__",
    "__proto__",
    "constructor",
    "toString",
    "*",
    "tool.*",
  );
  const names = fc.oneof(awkward, fc.string({ minLength: 1, maxLength: 24 }), fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }));

  it("holds every call to a registered tool forced to people, listed or not, and never runs it", async () => {
    let thread = 0;
    await fc.assert(
      fc.asyncProperty(names, fc.boolean(), async (name, listed) => {
        const model = fakeModel().respondWithTools([{ name, args: wire, id: "call-p" }]).respond(new AIMessage("Done."));
        const { agent, ran } = agentWith(name, model, listed ? {} : { tools: {} });
        const result = await agent.invoke({ messages: [new HumanMessage("Pay")] }, config(`prop-${thread++}`));
        expect(ran).toEqual([]);
        expect(toolMessages(result.messages)).toEqual([]);
        expect(requestOf(result)?.actionRequests.map((a) => [a.name, a.route])).toEqual([[name, "human"]]);
        if (listed) expect(requestOf(result)?.actionRequests[0]!.routing.kind).toBe("payments.wire");
      }),
      { numRuns: 60 },
    );
  });
});

describe("convergenceMiddleware's gate across turns, ids and edits", () => {
  const policy: PolicyInput = {
    id: "mixed",
    version: 1,
    reviewers: [
      { id: "ada", roles: ["support"] },
      { id: "lin", roles: ["finance"] },
    ],
    checkpoints: { assigneeRoles: ["support"] },
    rules: [
      { id: "search-free", when: { kind: "docs.search" }, route: "autonomous" },
      { id: "small-refunds", when: { kind: "payments.refund", stakes: { cost: { lte: 1000 } } }, route: "supervised" },
      { id: "big-refunds", when: { kind: "payments.refund", stakes: { cost: { gt: 1000 } } }, route: "human", requireRoles: ["finance"] },
    ],
  };

  function refundAgent(model: Parameters<typeof createAgent>[0]["model"]) {
    const ran: string[] = [];
    const search = tool(
      async (args: { query: string }) => {
        ran.push(`search:${args.query}`);
        return "found";
      },
      { name: "search_docs", description: "Search", schema: z.object({ query: z.string() }) },
    );
    const refund = tool(
      async (args: { order: string; amount: number }) => {
        ran.push(`refund:${args.amount}`);
        return "refunded";
      },
      { name: "refund_payment", description: "Refund", schema: z.object({ order: z.string(), amount: z.number() }) },
    );
    const middleware = convergenceMiddleware({
      router: createRouter({ policy }),
      tools: {
        search_docs: { kind: "docs.search" },
        refund_payment: (call) => ({ kind: "payments.refund", stakes: { cost: Number(call.args.amount), reversible: false } }),
      },
    });
    return { ran, agent: createAgent({ model, tools: [search, refund], middleware: [middleware], checkpointer: new MemorySaver() }) };
  }

  it("routes a call whose id an earlier turn's result already carries", async () => {
    const model = fakeModel()
      .respondWithTools([{ name: "search_docs", args: { query: "policy" }, id: "0" }])
      .respondWithTools([{ name: "refund_payment", args: { order: "A-1", amount: 40_000 }, id: "0" }])
      .respond(new AIMessage("Done."));
    const { agent, ran } = refundAgent(model);
    const result = await agent.invoke({ messages: [new HumanMessage("Refund A-1")] }, config("reused-id"));
    expect(ran).toEqual(["search:policy"]);
    expect(requestOf(result)?.actionRequests.map((a) => [a.name, a.route])).toEqual([["refund_payment", "human"]]);
  });

  it("gives each of two calls sharing an id in one reply its own routing", async () => {
    const model = fakeModel()
      .respondWithTools([
        { name: "search_docs", args: { query: "policy" }, id: "d" },
        { name: "refund_payment", args: { order: "A-1", amount: 40_000 }, id: "d" },
      ])
      .respond(new AIMessage("Done."));
    const { agent, ran } = refundAgent(model);
    const held = await agent.invoke({ messages: [new HumanMessage("Refund A-1")] }, config("dup-id"));
    const request = requestOf(held)!;
    expect(request.actionRequests.map((a) => [a.name, a.route])).toEqual([["refund_payment", "human"]]);
    expect(request.actionRequests[0]!.toolCallId).not.toBe("d");
    expect(ran).toEqual([]);
    const result = await agent.invoke(new Command({ resume: { decisions: [{ type: "reject", message: "No" }] } }), config("dup-id"));
    expect(result.__interrupt__).toBeUndefined();
    expect(ran).toEqual(["search:policy"]);
  });

  it("refuses an edit that carries a call past the review it was held for, and runs nothing", async () => {
    const model = fakeModel()
      .respondWithTools([{ name: "refund_payment", args: { order: "A-1", amount: 20 }, id: "call-small" }])
      .respond(new AIMessage("Done."));
    const { agent, ran } = refundAgent(model);
    const held = await agent.invoke({ messages: [new HumanMessage("Refund A-1")] }, config("edit-up"));
    expect(requestOf(held)?.actionRequests.map((a) => a.route)).toEqual(["supervised"]);

    const raised = await agent.invoke(
      new Command({ resume: { decisions: [{ type: "edit", editedAction: { name: "refund_payment", args: { order: "A-1", amount: 40_000 } } }] } }),
      config("edit-up"),
    );
    expect(ran).toEqual([]);
    const again = requestOf(raised)!;
    expect(again.errorCode).toBe("FORBIDDEN");
    expect(again.error).toContain("routes human (rule big-refunds)");

    // An edit within the same review stands.
    const within = await agent.invoke(
      new Command({ resume: { decisions: [{ type: "edit", editedAction: { name: "refund_payment", args: { order: "A-1", amount: 15 } } }] } }),
      config("edit-up"),
    );
    expect(within.__interrupt__).toBeUndefined();
    expect(ran).toEqual(["refund:15"]);
  });
});
