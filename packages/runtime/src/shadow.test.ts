// Shadow runs: while a person does a task, the agent works on it blind; its result is never used, only judged.
import { type PolicyInput, type Task, createRouter } from "@convergent/router";
import { describe, expect, it } from "vitest";
import type { AttemptInput } from "./agent.js";
import { createMemoryStore } from "./memoryStore.js";
import { createRuntime } from "./runtime.js";
import { functionSandbox, manualClock, scriptedAgent } from "./testing/doubles.js";

const policy: PolicyInput = {
  id: "shadowing",
  version: 1,
  budgets: { maxAttempts: 6 },
  shadow: { share: 1 },
  rules: [{ id: "people-only", when: { kind: "math.secret" }, route: "human" }],
};

/** Converges in a sandbox that checks half of what matters, at stakes that make the cost decision give it to a person. */
const task = (id = "s-1", kind = "math.guess"): Task => ({
  id,
  kind,
  title: "Find 42",
  input: { target: 42 },
  signals: { feedbackLatencySec: 1, ruleClosure: 0.5, driftHalfLifeSec: null, horizonSec: 600 },
  stakes: { cost: 5000, reversible: false },
});

const distance = functionSandbox({
  name: "distance",
  kinds: ["math.*"],
  closure: 0.5,
  score: (output, input) => Math.abs((output as { guess: number }).guess - (input.task.input as { target: number }).target),
});

function setup(options: { outputs?: number[]; agrees?: (a: unknown, b: unknown) => boolean; respond?: (input: AttemptInput) => Promise<{ output: { guess: number } }>; policy?: PolicyInput } = {}) {
  const clock = manualClock();
  const store = createMemoryStore({ clock });
  const router = createRouter({ policy: options.policy ?? policy });
  const scripted = scriptedAgent({
    kinds: ["math.*"],
    outputs: (options.outputs ?? [10, 30, 40, 42]).map((guess) => ({ guess })),
    ...(options.respond === undefined ? {} : { respond: options.respond }),
  });
  const agent = options.agrees === undefined ? scripted : Object.assign(scripted, { agrees: options.agrees });
  const runtime = createRuntime({ router, store, agents: [agent], sandboxes: [distance], clock });
  return { store, router, agent, runtime };
}

describe("shadow runs", () => {
  it("give the person the task at once, then let the agent work on it blind until its sandbox passes", async () => {
    const { runtime, store, agent } = setup();
    const run = await runtime.submit(task());
    expect(run).toMatchObject({ route: "human", status: "waiting", attempts: 0, output: null });
    expect(run.shadow).toEqual({ status: "passed", attempts: 4, detail: "sandbox distance passed attempt 4", agrees: null, judgement: null });
    const journal = await store.readRun(run.runId);
    expect(journal.map((e) => e.type)).toEqual([
      "run.submitted",
      "run.routed",
      "checkpoint.opened",
      "shadow.started",
      ...Array(4).fill("shadow.attempted"),
      "shadow.ended",
    ]);
    // The person's checkpoint opened before the agent was called: it says a shadow runs, and shows nothing of its work.
    const [checkpoint] = run.openCheckpoints;
    expect(checkpoint).toMatchObject({ purpose: "task", context: { output: null, attempts: [] } });
    expect(checkpoint!.reasons.join(" ")).toMatch(/A shadow run: the agent also does this task, blind/);
    expect(JSON.stringify(checkpoint)).not.toMatch(/"guess"/);
    // The agent knew it was a shadow attempt, had its sandbox's feedback, and keys of its own.
    expect(agent.calls.map((c) => c.shadow)).toEqual([true, true, true, true]);
    expect(agent.calls[3]!.feedback.map((f) => f.message)).toEqual(["off by 32", "off by 12", "off by 2"]);
    expect(agent.calls.map((c) => c.idempotencyKey)).toEqual([1, 2, 3, 4].map((n) => `${run.runId}:shadow:${n}`));
    expect((await store.getRun(run.runId))!.status).toBe("waiting");
  });

  it("teach the kind's agent estimate from how the agent's result compares with the person's", async () => {
    const { runtime, store, router } = setup();
    const run = await runtime.submit(task());
    const answered = await runtime.answer(run.openCheckpoints[0]!.id, { type: "answer", value: { guess: 42 } }, "ada");
    // The person's result is the run's; the agent's agreed with it, which counts as its success.
    expect(answered.run).toMatchObject({ status: "succeeded", output: { guess: 42 }, shadow: { status: "passed", agrees: true } });
    expect(router.calibration.agentCounts("math.guess")).toEqual({ successes: 1, failures: 0 });
    expect(router.calibration.humanCounts("math.guess")).toEqual({ successes: 1, failures: 0 });
    const journal = await store.readRun(run.runId);
    expect(journal.slice(-3).map((e) => e.type)).toEqual(["checkpoint.answered", "shadow.judged", "run.completed"]);
    expect(journal.at(-2)).toMatchObject({ data: { agrees: true, outcome: { route: "autonomous", result: "succeeded" } } });
    // The store keeps both outcomes of the run: the person's and the agent's.
    const snapshot = await store.calibrationSnapshot();
    expect(snapshot.entries.map((e) => [e.route, e.successes, e.failures])).toEqual([
      ["autonomous", 1, 0],
      ["human", 1, 0],
    ]);
  });

  it("count a result that differs from the person's as a failure nothing would have shown, unless the agent's own comparison says they agree", async () => {
    const differs = setup();
    const a = await differs.runtime.submit(task());
    const done = await differs.runtime.answer(a.openCheckpoints[0]!.id, { type: "answer", value: { guess: 42, note: "checked by hand" } }, "ada");
    expect(done.run.shadow).toMatchObject({ agrees: false, judgement: expect.stringContaining("differs from the person's result (equal JSON)") });
    expect(differs.router.calibration.agentCounts("math.guess")).toEqual({ successes: 0, failures: 1 });
    expect((await differs.store.calibrationSnapshot()).entries.find((e) => e.route === "autonomous")).toMatchObject({ failures: 1, overridden: 0 });

    const judged = setup({ agrees: (agent, person) => (agent as { guess: number }).guess === (person as { guess: number }).guess });
    const b = await judged.runtime.submit(task());
    const ok = await judged.runtime.answer(b.openCheckpoints[0]!.id, { type: "answer", value: { guess: 42, note: "checked by hand" } }, "ada");
    expect(ok.run.shadow).toMatchObject({ agrees: true, judgement: expect.stringContaining("agent scripted's comparison") });
    expect(judged.router.calibration.agentCounts("math.guess")).toEqual({ successes: 1, failures: 0 });
  });

  it("count a shadow run the monitor stopped as a failure a person would have seen", async () => {
    const { runtime, router } = setup({ outputs: [40, 37, 30, 20, 0] });
    const run = await runtime.submit(task());
    expect(run.shadow).toMatchObject({ status: "stopped", detail: expect.stringMatching(/grow/) });
    const done = await runtime.answer(run.openCheckpoints[0]!.id, { type: "answer", value: { guess: 42 } }, "ada");
    expect(done.run).toMatchObject({ status: "succeeded", output: { guess: 42 }, shadow: { status: "stopped", agrees: null } });
    const entry = router.calibration.snapshot().entries.find((e) => e.route === "autonomous");
    expect(entry).toMatchObject({ failures: 1, overridden: 1 });
  });

  it("never make the person's result wait: an answer during the shadow run ends the run, and the shadow's late result is dropped", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const { runtime, store, router } = setup({
      respond: async () => {
        calls++;
        await gate;
        return { output: { guess: 42 } };
      },
    });
    const submitted = runtime.submit(task());
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    // While the agent works, the run is running (so resume() finds it after a crash) and its checkpoint is open.
    const [listed] = await store.listRuns({ status: "running" });
    expect(listed).toBeDefined();
    const [open] = await store.listCheckpoints({ status: "open" });
    const answered = await runtime.answer(open!.checkpoint.id, { type: "answer", value: { guess: 41 } }, "ada");
    expect(answered.run).toMatchObject({ status: "succeeded", output: { guess: 41 }, shadow: { status: "running", agrees: null } });
    release();
    const after = await submitted;
    expect(after).toMatchObject({ status: "succeeded", output: { guess: 41 } });
    const journal = await store.readRun(after.runId);
    expect(journal.at(-1)!.type).toBe("run.completed");
    expect(journal.map((e) => e.type)).not.toContain("shadow.judged");
    expect(router.calibration.agentCounts("math.guess")).toEqual({ successes: 0, failures: 0 });
  });

  it("stop when the agent fails twice in a row, as a run would", async () => {
    const store = createMemoryStore();
    const failing = scriptedAgent({ kinds: ["math.*"], respond: () => Promise.reject(new Error("model unavailable")) });
    const runtime = createRuntime({ router: createRouter({ policy }), store, agents: [failing], sandboxes: [distance] });
    const run = await runtime.submit(task());
    expect(run.shadow).toMatchObject({ status: "stopped", attempts: 2, detail: expect.stringContaining("the agent failed twice in a row") });
    expect(failing.calls[1]!.feedback.map((f) => f.source)).toEqual(["runtime"]);
  });

  it("resume after a crash mid-shadow: the run stays running until its shadow ends", async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    const router = createRouter({ policy });
    const decision = router.decide(task("s-2"));
    expect(decision.shadow).toBe(true);
    // What a process that died during the first shadow attempt left: the task with a person, the shadow started.
    await store.append("run-crashed", 0, [
      { type: "run.submitted", data: { task: task("s-2"), mode: "auto", acceptance: false } },
      { type: "run.routed", data: { decision, policy: router.policy } },
      {
        type: "checkpoint.opened",
        data: {
          checkpoint: {
            id: "run-crashed:cp1",
            runId: "run-crashed",
            kind: "takeover",
            purpose: "task",
            attempt: null,
            question: "Find 42",
            reasons: [],
            context: null,
            assigneeRoles: ["reviewer"],
            deadline: clock.now() + 3_600_000,
            onTimeout: { action: "fail" },
            openedAt: clock.now(),
          },
        },
      },
      { type: "shadow.started", data: { maxAttempts: 6 } },
    ]);
    expect((await store.getRun("run-crashed"))!.status).toBe("running");
    const next = createRuntime({ router: createRouter({ policy }), store, agents: [scriptedAgent({ kinds: ["math.*"], outputs: [{ guess: 42 }] })], sandboxes: [distance], clock });
    const resumed = await next.resume();
    expect(resumed.find((r) => r.runId === "run-crashed")).toMatchObject({ status: "waiting", shadow: { status: "passed", attempts: 1 } });
    expect((await store.getRun("run-crashed"))!.status).toBe("waiting");
    expect((await store.listCheckpoints({ status: "open" })).map((c) => c.checkpoint.id)).toEqual(["run-crashed:cp1"]);
  });

  it("are never run where a rule forced the person, nor when the policy shadows nothing or the kind has its evidence", async () => {
    const { runtime, agent } = setup();
    const forced = await runtime.submit(task("s-3", "math.secret"));
    expect(forced).toMatchObject({ route: "human", shadow: null });
    expect(agent.calls).toHaveLength(0);

    const none = setup({ policy: { ...policy, shadow: { share: 0 } } });
    expect((await none.runtime.submit(task("s-4"))).shadow).toBeNull();

    const enough = setup({ policy: { ...policy, shadow: { share: 1, untilOutcomes: 1 } } });
    const first = await enough.runtime.submit(task("s-5"));
    await enough.runtime.answer(first.openCheckpoints[0]!.id, { type: "answer", value: { guess: 42 } }, "ada");
    // One agent outcome of the kind is all this policy wanted: the next task is not shadowed.
    expect((await enough.runtime.submit(task("s-6"))).shadow).toBeNull();
  });

  it("are skipped, with a word in the journal, when no agent works on the kind", async () => {
    const store = createMemoryStore();
    const runtime = createRuntime({ router: createRouter({ policy }), store, sandboxes: [distance] });
    const run = await runtime.submit(task());
    expect(run).toMatchObject({ status: "waiting", shadow: { status: "skipped", attempts: 0, detail: "no agent is registered for math.guess" } });
    const done = await runtime.answer(run.openCheckpoints[0]!.id, { type: "answer", value: { guess: 42 } }, "ada");
    expect(done.run.status).toBe("succeeded");
    expect((await store.readRun(run.runId)).map((e) => e.type)).not.toContain("shadow.judged");
  });
});
