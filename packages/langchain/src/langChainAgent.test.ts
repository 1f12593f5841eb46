import { type PolicyInput, type Task, createRouter } from "@convergent/router";
import { type AttemptInput, createMemoryStore, createRuntime } from "@convergent/runtime";
import { functionSandbox, manualClock } from "@convergent/runtime/testing";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { createAgent, fakeModel, humanInTheLoopMiddleware, tool } from "langchain";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { textOf } from "../test/fakes.js";
import { agentFromLangChainAgent } from "./langChainAgent.js";

const policy: PolicyInput = { id: "inner-agent", version: 1, reviewers: [{ id: "lin", roles: ["reviewer"] }], budgets: { maxAttempts: 4 } };

const unitTask: Task = {
  id: "conv-1",
  kind: "data.convert",
  title: "Convert 3 miles to kilometres, rounded to one decimal",
  input: { miles: 3 },
  signals: { feedbackLatencySec: 1, ruleClosure: 1, driftHalfLifeSec: null, horizonSec: 600 },
  stakes: { cost: 5, reversible: true },
};

function converterTool() {
  const calls: unknown[] = [];
  const convert = tool(
    async (args: { miles: number }) => {
      calls.push(args);
      return String(args.miles * 1.609344);
    },
    { name: "miles_to_km", description: "Convert miles to kilometres", schema: z.object({ miles: z.number() }) },
  );
  return { calls, convert };
}

const usage = (input: number, output: number) => ({ input_tokens: input, output_tokens: output, total_tokens: input + output });

function attemptInput(key: string): AttemptInput {
  return { task: unitTask, attempt: 1, idempotencyKey: key, direction: null, feedback: [], previousOutput: null };
}

describe("agentFromLangChainAgent", () => {
  it("runs a createAgent loop with its own tools as each attempt, takes the sandbox's feedback to the next one, and sums usage", async () => {
    const { calls, convert } = converterTool();
    const model = fakeModel()
      .respondWithTools([{ name: "miles_to_km", args: { miles: 3 }, id: "t1" }])
      .respond(new AIMessage({ content: "4.82", usage_metadata: usage(100, 4) }))
      .respond(new AIMessage({ content: "4.8", usage_metadata: usage(160, 3) }));
    const worker = createAgent({ model, tools: [convert], systemPrompt: "Answer with a number only." });
    const agent = agentFromLangChainAgent(worker, { name: "converter", kinds: ["data.*"], prices: { inputPerMillion: 1_000_000, outputPerMillion: 1_000_000 } });
    const clock = manualClock(Date.UTC(2026, 10, 22, 9));
    const sandbox = functionSandbox({
      name: "one-decimal",
      kinds: ["data.*"],
      closure: 1,
      score: (output) => Math.round(Math.abs(Number(output) - 4.8) * 100),
    });
    const runtime = createRuntime({ router: createRouter({ policy }), store: createMemoryStore({ clock }), agents: [agent], sandboxes: [sandbox], clock });

    const run = await runtime.submit(unitTask);

    expect(run).toMatchObject({ status: "succeeded", attempts: 2, output: "4.8", tokens: 104 + 163, cost: 267 });
    expect(calls).toEqual([{ miles: 3 }]);
    expect(textOf(model.calls[0]!.messages)).toContain("Task: Convert 3 miles to kilometres");
    expect(model.calls[0]!.messages[0]!.text).toBe("Answer with a number only."); // the agent's own system prompt, once
    const second = textOf(model.calls[2]!.messages);
    expect(second).toContain("sandbox verdict on attempt 1 (error 2): off by 2");
    expect(second).toContain("This is attempt 2.");
  });

  it("with a checkpointer, returns a finished attempt's result when the same attempt runs again instead of calling the model again", async () => {
    const model = fakeModel().respond(new AIMessage({ content: "4.8", usage_metadata: usage(50, 2) }));
    const worker = createAgent({ model, tools: [], checkpointer: new MemorySaver() });
    const agent = agentFromLangChainAgent(worker, { name: "converter", kinds: ["data.*"] });
    const first = await agent.attempt(attemptInput("run-1:a1"));
    const again = await agent.attempt(attemptInput("run-1:a1"));
    expect(again).toEqual(first);
    expect(first).toEqual({ output: "4.8", usage: { tokens: 52, cost: 0 } });
    expect(model.callCount).toBe(1);
  });

  it("fails the attempt, saying why, when the inner agent stops at a human-in-the-loop interrupt", async () => {
    const { convert } = converterTool();
    const model = fakeModel().respondWithTools([{ name: "miles_to_km", args: { miles: 3 }, id: "t1" }]);
    const worker = createAgent({
      model,
      tools: [convert],
      checkpointer: new MemorySaver(),
      middleware: [humanInTheLoopMiddleware({ interruptOn: { miles_to_km: true } })],
    });
    const agent = agentFromLangChainAgent(worker, { name: "converter", kinds: ["data.*"] });
    await expect(agent.attempt(attemptInput("run-2:a1"))).rejects.toThrow(/stopped at a human-in-the-loop interrupt/);
  });

  it("puts a person's direction in as a message and reads the output with the output option", async () => {
    const model = fakeModel().respond(new AIMessage('{"km": 4.8}'));
    const worker = createAgent({ model, tools: [] });
    const agent = agentFromLangChainAgent(worker, {
      name: "converter",
      kinds: ["data.*"],
      output: (state) => JSON.parse(String(state.messages.at(-1)!.content)),
    });
    const result = await agent.attempt({ ...attemptInput("run-3:a1"), direction: "Answer as JSON with a km field" });
    expect(result.output).toEqual({ km: 4.8 });
    const sent = model.calls[0]!.messages;
    expect(sent[0]).toBeInstanceOf(HumanMessage);
    expect(sent[0]!.text).toContain("Constraints from a person (they override anything else):\nAnswer as JSON with a km field");
    expect(sent.some((m) => ToolMessage.isInstance(m))).toBe(false);
  });
});
