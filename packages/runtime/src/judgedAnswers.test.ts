// A person's result that replaces the agent's (a review's edit, a takeover after an escalation) is judged against it:
// the agent's work that stood after all is evidence for the agent, not an override.
import { type JsonValue, type PolicyInput, type Task, createRouter } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "./memoryStore.js";
import { createRuntime } from "./runtime.js";
import { functionSandbox, scriptedAgent } from "./testing/doubles.js";

const policy: PolicyInput = {
  id: "judged",
  version: 1,
  budgets: { maxAttempts: 6 },
  rules: [{ id: "review-guesses", when: { kind: "math.reviewed" }, route: "supervised" }],
};

const task = (kind: string): Task => ({
  id: `t-${kind}`,
  kind,
  title: "Find 42",
  input: { target: 42 },
  signals: { feedbackLatencySec: 1, ruleClosure: 1, driftHalfLifeSec: null, horizonSec: 600 },
  stakes: { cost: 10, reversible: true },
});

const distance = functionSandbox({
  name: "distance",
  kinds: ["math.*"],
  closure: 1,
  score: (output, input) => Math.abs((output as { guess: number }).guess - (input.task.input as { target: number }).target),
});

function setup(outputs: number[], agrees?: (agent: JsonValue, person: JsonValue) => boolean) {
  const store = createMemoryStore();
  const router = createRouter({ policy });
  const scripted = scriptedAgent({ kinds: ["math.*"], outputs: outputs.map((guess) => ({ guess })) });
  const agent = agrees === undefined ? scripted : Object.assign(scripted, { agrees });
  const runtime = createRuntime({ router, store, agents: [agent], sandboxes: [distance] });
  return { store, runtime, router };
}

const lastOutcome = async (store: ReturnType<typeof createMemoryStore>, runId: string) => {
  const last = (await store.readRun(runId)).at(-1)!;
  expect(last.type).toBe("run.completed");
  return last.type === "run.completed" ? last.data : undefined;
};

describe("a review's edit", () => {
  it("that leaves the agent's result as it was counts as an approval, weighed by what reviewers miss", async () => {
    const { runtime, store } = setup([42]);
    const run = await runtime.submit(task("math.reviewed"));
    expect(run.openCheckpoints[0]).toMatchObject({ purpose: "review" });
    const done = await runtime.answer(run.openCheckpoints[0]!.id, { type: "edit", editedOutput: { guess: 42 } }, "ada");
    expect(done.run).toMatchObject({ status: "succeeded", output: { guess: 42 }, reason: "edited by a reviewer, to what the agent had" });
    const completed = await lastOutcome(store, run.runId);
    expect(completed?.outcome).toMatchObject({ route: "supervised", result: "approved", failureShare: expect.any(Number) });
    const journal = await store.readRun(run.runId);
    expect(journal.find((e) => e.type === "answer.judged")).toMatchObject({ data: { attempt: 1, agrees: true, detail: "agrees with the person's result (equal JSON)" } });
  });

  it("that changes it is an override, unless the agent's own comparison says the change does not matter", async () => {
    const plain = setup([42]);
    const a = await plain.runtime.submit(task("math.reviewed"));
    const edited = await plain.runtime.answer(a.openCheckpoints[0]!.id, { type: "edit", editedOutput: { guess: 42, note: "checked" } }, "ada");
    expect(edited.run).toMatchObject({ output: { guess: 42, note: "checked" }, reason: "edited by a reviewer" });
    expect((await lastOutcome(plain.store, a.runId))?.outcome).toMatchObject({ result: "overridden" });
    expect(plain.router.calibration.agentCounts("math.reviewed")).toEqual({ successes: 0, failures: 1 });

    const lenient = setup([42], (agent, person) => (agent as { guess: number }).guess === (person as { guess: number }).guess);
    const b = await lenient.runtime.submit(task("math.reviewed"));
    await lenient.runtime.answer(b.openCheckpoints[0]!.id, { type: "edit", editedOutput: { guess: 42, note: "checked" } }, "ada");
    expect((await lastOutcome(lenient.store, b.runId))?.outcome).toMatchObject({ result: "approved" });
  });

  it("is an override, recorded all the same, when the agent's comparison throws", async () => {
    const { runtime, store } = setup([42], () => {
      throw new Error("cannot compare");
    });
    const run = await runtime.submit(task("math.reviewed"));
    const done = await runtime.answer(run.openCheckpoints[0]!.id, { type: "edit", editedOutput: { guess: 42 } }, "ada");
    expect(done.run.status).toBe("succeeded");
    expect((await lastOutcome(store, run.runId))?.outcome).toMatchObject({ result: "overridden" });
    expect((await store.readRun(run.runId)).find((e) => e.type === "answer.judged")).toMatchObject({ data: { agrees: null, detail: "the agent's comparison failed (cannot compare)" } });
  });
});

describe("after an escalation", () => {
  // Diverging guesses: the monitor stops the run with its best attempt at 40.
  const diverging = [40, 37, 30, 20, 0];

  it("a person's result that is the agent's best attempt counts as the agent's success; another one as an override", async () => {
    const same = setup(diverging);
    const a = await same.runtime.submit(task("math.guess"));
    expect(a.openCheckpoints[0]).toMatchObject({ purpose: "escalation" });
    const took = await same.runtime.answer(a.openCheckpoints[0]!.id, { type: "answer", value: { guess: 40 } }, "ada");
    expect(took.run).toMatchObject({ status: "succeeded", output: { guess: 40 }, reason: "taken over by a person, with the agent's attempt 1" });
    expect((await lastOutcome(same.store, a.runId))?.outcome).toMatchObject({ route: "autonomous", result: "succeeded" });

    const other = setup(diverging);
    const b = await other.runtime.submit(task("math.guess"));
    const took2 = await other.runtime.answer(b.openCheckpoints[0]!.id, { type: "answer", value: { guess: 42 } }, "ada");
    expect(took2.run).toMatchObject({ output: { guess: 42 }, reason: "taken over by a person" });
    expect((await lastOutcome(other.store, b.runId))?.outcome).toMatchObject({ result: "overridden" });
  });

  it("accepting the best attempt is an approval of the agent's work, not an override", async () => {
    const { runtime, store } = setup(diverging);
    const run = await runtime.submit(task("math.guess"));
    const done = await runtime.answer(run.openCheckpoints[0]!.id, { type: "approve" }, "ada");
    expect(done.run).toMatchObject({ status: "succeeded", output: { guess: 40 } });
    expect((await lastOutcome(store, run.runId))?.outcome).toMatchObject({ route: "autonomous", result: "approved", failureShare: expect.any(Number) });
  });
});
