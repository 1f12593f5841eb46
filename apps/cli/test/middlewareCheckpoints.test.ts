// A LangChain createAgent with convergenceMiddleware records its held tool calls in a SQLite store; the real
// `convergent inbox` and `convergent answer` processes see and answer them; the thread resumes from those answers.
import { type ConvergenceRequest, convergenceMiddleware, decisionsFromCheckpoints } from "@convergent/langchain";
import { createRouter } from "@convergent/router";
import { type RunEvent, createRuntime } from "@convergent/runtime";
import { createSqliteStore } from "@convergent/store-sqlite";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { Command, MemorySaver } from "@langchain/langgraph";
import { createAgent, fakeModel, tool } from "langchain";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { cli, jsonLines, workspace } from "./helpers.js";

const policy = {
  id: "support-tools",
  version: 1,
  reviewers: [
    { id: "lin", roles: ["finance"] },
    { id: "sam", roles: ["support"] },
  ],
  checkpoints: { assigneeRoles: ["support"] },
  rules: [{ id: "refunds-to-finance", when: { kind: "payments.refund" }, requireRoles: ["finance"] }],
};

let ws: ReturnType<typeof workspace> | undefined;
afterEach(() => ws?.cleanup());

describe("convergenceMiddleware checkpoints in the CLI", () => {
  it("shows a held tool call in `convergent inbox`, takes its answer from `convergent answer`, and resumes the agent with it", async () => {
    ws = workspace();
    const storeUrl = `sqlite:${ws.path("c.db")}`;
    const store = createSqliteStore({ path: ws.path("c.db") });
    const runtime = createRuntime({ router: createRouter({ policy }), store });
    const refunds: unknown[] = [];
    const refundPayment = tool(
      async (args: { order: string; amount: number }) => {
        refunds.push(args);
        return `refunded ${args.amount} on ${args.order}`;
      },
      { name: "refund_payment", description: "Refund an order", schema: z.object({ order: z.string(), amount: z.number().positive() }) },
    );
    const model = fakeModel()
      .respondWithTools([{ name: "refund_payment", args: { order: "A-42", amount: 900 }, id: "call-9" }])
      .respond(new AIMessage("Refunded 90 on A-42."));
    const agent = createAgent({
      model,
      tools: [refundPayment],
      checkpointer: new MemorySaver(),
      middleware: [
        convergenceMiddleware({
          router: createRouter({ policy }),
          runtime,
          tools: { refund_payment: (call) => ({ kind: "payments.refund", stakes: { cost: Number(call.args.amount) * 10, reversible: false } }) },
        }),
      ],
    });
    const config = { configurable: { thread_id: "ticket-7" } };

    const held = await agent.invoke({ messages: [new HumanMessage("Refund order A-42")] }, config);
    const request = held.__interrupt__?.[0]?.value as ConvergenceRequest;
    const checkpointId = request.actionRequests[0]!.checkpointId!;

    // Another process lists the inbox: the call is there for finance, not for support.
    const inbox = cli(["inbox", "--json", "--as", "lin", "--store", storeUrl], { cwd: ws.dir });
    expect(inbox.stderr).toBe("");
    const lines = jsonLines<{ checkpoint: { id: string; assigneeRoles: string[] }; title: string; accepts: string[] }>(inbox.stdout);
    expect(lines.map((l) => [l.checkpoint.id, l.title, l.accepts, l.checkpoint.assigneeRoles])).toEqual([
      [checkpointId, 'Call refund_payment with {"order":"A-42","amount":900}', ["answer", "reject"], ["finance"]],
    ]);
    expect(jsonLines(cli(["inbox", "--json", "--as", "sam", "--store", storeUrl], { cwd: ws.dir }).stdout)).toEqual([]);

    // A third process answers it: finance edits the amount.
    const value = { decision: "edit", tool: "refund_payment", args: { order: "A-42", amount: 90 } };
    const answered = cli(["answer", checkpointId, "--as", "lin", "--json", JSON.stringify({ type: "answer", value }), "--store", storeUrl], { cwd: ws.dir });
    expect(answered.stderr).toBe("");
    expect(answered.code).toBe(0);

    const resume = await decisionsFromCheckpoints(runtime, request);
    expect(resume?.decisions).toEqual([{ type: "edit", toolCallId: "call-9", reviewer: "lin", editedAction: { name: "refund_payment", args: { order: "A-42", amount: 90 } } }]);
    const done = await agent.invoke(new Command({ resume }), config);
    expect(refunds).toEqual([{ order: "A-42", amount: 90 }]);
    expect(done.messages.filter((m) => ToolMessage.isInstance(m)).map((m) => m.content)).toEqual(["refunded 90 on A-42"]);

    // The journal says who decided what, when, and why.
    const journal: readonly RunEvent[] = await store.readRun(request.actionRequests[0]!.runId!);
    const routed = journal.find((e) => e.type === "run.routed");
    expect(routed?.type === "run.routed" && routed.data.decision).toMatchObject({ route: "human", kind: "payments.refund", assigneeRoles: ["finance"] });
    const answer = journal.find((e) => e.type === "checkpoint.answered");
    expect(answer?.type === "checkpoint.answered" && answer.data).toMatchObject({ checkpointId, reviewer: { id: "lin" }, answer: { type: "answer", value } });
    await store.close();
  }, 60_000);
});
