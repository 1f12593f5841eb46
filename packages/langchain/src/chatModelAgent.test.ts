import { type PolicyInput, type Task, createRouter } from "@convergent/router";
import { createMemoryStore, createRuntime } from "@convergent/runtime";
import { functionSandbox, manualClock } from "@convergent/runtime/testing";
import { AIMessage } from "@langchain/core/messages";
import { fakeModel } from "langchain";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { structuredFakeModel, textOf, toolReply } from "../test/fakes.js";
import { agentFromChatModel } from "./chatModelAgent.js";

const policy: PolicyInput = {
  id: "langchain-test",
  version: 1,
  reviewers: [{ id: "lin", roles: ["reviewer"] }],
  budgets: { maxAttempts: 4 },
};

/** A convergent task (routed autonomous): guess the target. */
const guessTask: Task = {
  id: "g-1",
  kind: "math.guess",
  title: "Find the target number",
  input: { target: 42 },
  signals: { feedbackLatencySec: 1, ruleClosure: 1, driftHalfLifeSec: null, horizonSec: 600 },
  stakes: { cost: 10, reversible: true },
};

function guessOf(output: unknown): number {
  if (typeof output === "string") return Number(output.trim());
  return (output as { guess: number }).guess;
}

function setup(agent: ReturnType<typeof agentFromChatModel>) {
  const clock = manualClock(Date.UTC(2026, 0, 1, 9));
  const sandbox = functionSandbox({
    name: "distance",
    kinds: ["math.*"],
    closure: 1,
    score: (output, input) => Math.abs(guessOf(output) - (input.task.input as { target: number }).target),
  });
  const store = createMemoryStore({ clock });
  const runtime = createRuntime({ router: createRouter({ policy }), store, agents: [agent], sandboxes: [sandbox], clock });
  return { runtime, store };
}

describe("agentFromChatModel", () => {
  it("retries with the sandbox's feedback and the previous output until the sandbox passes, recording tokens", async () => {
    const model = fakeModel()
      .respond(new AIMessage({ content: "40", usage_metadata: { input_tokens: 50, output_tokens: 2, total_tokens: 52 } }))
      .respond(new AIMessage({ content: "42", usage_metadata: { input_tokens: 80, output_tokens: 2, total_tokens: 82 } }));
    const agent = agentFromChatModel(model, { name: "guesser", kinds: ["math.*"], prices: { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 } });
    const { runtime, store } = setup(agent);

    const run = await runtime.submit(guessTask);

    expect(run).toMatchObject({ status: "succeeded", attempts: 2, output: "42", tokens: 134 });
    expect(model.callCount).toBe(2);
    const first = textOf(model.calls[0]!.messages);
    expect(first).toContain("Task: Find the target number");
    expect(first).toContain('"target": 42');
    expect(first).not.toContain("Feedback so far");
    const second = textOf(model.calls[1]!.messages);
    expect(second).toContain("sandbox verdict on attempt 1 (error 2): off by 2");
    expect(second).toContain('"40"');

    const recorded = (await store.readRun(run.runId)).filter((e) => e.type === "attempt.recorded");
    expect(recorded.map((e) => e.type === "attempt.recorded" && e.data.usage)).toEqual([
      { tokens: 52, cost: 50 * 1 + 2 * 2 },
      { tokens: 82, cost: 80 * 1 + 2 * 2 },
    ]);
  });

  it("puts the person's direction in the messages as constraints when the run is directed", async () => {
    const model = fakeModel().respond(new AIMessage("41")).respond(new AIMessage("42"));
    const { runtime } = setup(agentFromChatModel(model, { name: "guesser", kinds: ["math.*"] }));

    const run = await runtime.submit(guessTask, { mode: "direction" });
    expect(model.callCount).toBe(0);
    const answered = await runtime.answer(run.openCheckpoints[0]!.id, { type: "direction", constraints: "Answer with digits only" }, "lin");

    expect(answered.run).toMatchObject({ status: "succeeded", attempts: 2, output: "42", tokens: 0 });
    for (const call of model.calls) expect(textOf(call.messages)).toContain("Constraints from a person (they override anything else):\nAnswer with digits only");
    expect(textOf(model.calls[1]!.messages)).toContain("off by 1");
  });

  it("parses structured output against outputSchema and reads usage from the raw reply", async () => {
    const model = structuredFakeModel()
      .respond(toolReply("output", { guess: 30 }, { input: 10, output: 5 }))
      .respond(toolReply("output", { guess: 42 }, { input: 20, output: 5 }));
    const agent = agentFromChatModel(model, { name: "guesser", kinds: ["math.*"], outputSchema: z.object({ guess: z.number() }) });
    const { runtime } = setup(agent);

    const run = await runtime.submit(guessTask);

    expect(run).toMatchObject({ status: "succeeded", attempts: 2, output: { guess: 42 }, tokens: 40, cost: 0 });
    expect(textOf(model.calls[1]!.messages)).toContain("off by 12");
  });

  it("fails the attempt with the model's message when the model throws", async () => {
    const model = fakeModel().respond(new Error("rate limited: retry in 20s"));
    const agent = agentFromChatModel(model, { name: "guesser", kinds: ["math.*"] });
    await expect(agent.attempt({ task: guessTask, attempt: 1, direction: null, feedback: [], previousOutput: null, idempotencyKey: "k" })).rejects.toThrow(
      "rate limited: retry in 20s",
    );
  });

  it("rejects a structured reply that does not match outputSchema, saying where", async () => {
    const model = structuredFakeModel().respond(toolReply("output", { guess: "forty-two" }));
    const agent = agentFromChatModel(model, { name: "guesser", kinds: ["math.*"], outputSchema: z.object({ guess: z.number() }) });
    await expect(agent.attempt({ task: guessTask, attempt: 1, direction: null, feedback: [], previousOutput: null, idempotencyKey: "k" })).rejects.toThrow(
      /guesser: the model's output does not match outputSchema: guess: /,
    );
  });
});
