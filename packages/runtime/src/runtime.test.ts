import { type PolicyInput, type Task, createRouter, isConvergentError } from "@convergent/router";
import { describe, expect, it, vi } from "vitest";
import { createMemoryStore } from "./memoryStore.js";
import { createRuntime } from "./runtime.js";
import { functionSandbox, manualClock, scriptedAgent } from "./testing/doubles.js";
import { createMemoryLogger } from "./logger.js";
import type { AttemptInput } from "./agent.js";

const policy: PolicyInput = {
  id: "test",
  version: 1,
  reviewers: [
    { id: "ada", roles: ["reviewer", "finance"] },
    { id: "lin", roles: ["reviewer"] },
    { id: "sam", roles: ["support"] },
  ],
  budgets: { maxAttempts: 6 },
  checkpoints: { deadlineSec: 3600, onTimeout: { action: "escalate", roles: ["finance"] } },
};

/** A convergent task: a guess at a number, scored by distance, fast feedback, full closure. */
const guessTask = (id = "g-1", target = 42): Task => ({
  id,
  kind: "math.guess",
  title: `Find ${target}`,
  input: { target },
  signals: { feedbackLatencySec: 1, ruleClosure: 1, driftHalfLifeSec: null, horizonSec: 600 },
  stakes: { cost: 10, reversible: true },
});

const distance = functionSandbox({
  name: "distance",
  kinds: ["math.*"],
  closure: 1,
  score: (output, input) => Math.abs((output as { guess: number }).guess - ((input.task.input as { target: number }).target)),
});

function setup(options: { agentOutputs?: number[]; policy?: PolicyInput; clock?: ReturnType<typeof manualClock> } = {}) {
  const clock = options.clock ?? manualClock();
  const store = createMemoryStore({ clock });
  const router = createRouter({ policy: options.policy ?? policy });
  const agent = scriptedAgent({ kinds: ["math.*"], outputs: (options.agentOutputs ?? [10, 30, 40, 42]).map((guess) => ({ guess })) });
  const logger = createMemoryLogger();
  const runtime = createRuntime({ router, store, agents: [agent], sandboxes: [distance], clock, logger });
  return { clock, store, router, agent, runtime, logger };
}

describe("autonomous runs", () => {
  it("loops attempt → verify → feedback until the sandbox passes, journaling every step", async () => {
    const { runtime, store, agent, router } = setup();
    const run = await runtime.submit(guessTask());
    expect(run).toMatchObject({ status: "succeeded", route: "autonomous", attempts: 4, output: { guess: 42 }, openCheckpoints: [] });
    const journal = await store.readRun(run.runId);
    expect(journal.map((e) => e.type)).toEqual([
      "run.submitted",
      "run.routed",
      ...Array(4).fill(["attempt.started", "attempt.recorded", "attempt.verified"]).flat(),
      "run.completed",
    ]);
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
    // The agent got the sandbox's feedback of every earlier attempt and a stable idempotency key.
    expect(agent.calls[3]!.feedback.map((f) => f.message)).toEqual(["off by 32", "off by 12", "off by 2"]);
    expect(agent.calls.map((c) => c.idempotencyKey)).toEqual([1, 2, 3, 4].map((n) => `${run.runId}:attempt:${n}`));
    expect(router.calibration.agentCounts("math.guess")).toEqual({ successes: 1, failures: 0 });
    // The outcome carries the model's estimate at routing time; the store keeps what the router learned.
    const snapshot = await store.calibrationSnapshot();
    expect(snapshot.entries).toEqual([
      { kind: "math.guess", route: "autonomous", successes: 1, failures: 0, modelled: [expect.objectContaining({ outcomes: 1, failures: 0 })] },
    ]);
    // The store keeps outcomes; the signals tasks declared (for imputation) live in the router's own snapshot.
    const { signals: declared, ...outcomes } = router.calibration.snapshot() as { signals?: unknown };
    expect(snapshot).toEqual(outcomes);
    expect(declared).toBeDefined();
  });

  it("escalates a diverging run to a person, with the error curve, before the budget is spent", async () => {
    const { runtime, store } = setup({ agentOutputs: [40, 37, 30, 20, 0] });
    const run = await runtime.submit(guessTask());
    expect(run.status).toBe("waiting");
    const journal = await store.readRun(run.runId);
    const escalated = journal.find((e) => e.type === "run.escalated")!;
    // A jump from 2 to 5 is read as divergence after two attempts.
    expect(escalated.data).toMatchObject({ reason: "diverging", errorCurve: [2, 5] });
    expect(run.attempts).toBe(2);
    const [cp] = run.openCheckpoints;
    expect(cp).toMatchObject({ kind: "takeover", purpose: "escalation", assigneeRoles: ["reviewer"] });
    expect(cp!.reasons[0]).toMatch(/^Escalated: errors grow ×/);
    expect((cp!.context as { errorCurve: number[] }).errorCurve).toEqual([2, 5]);
  });

  it("escalates a run too slow to pass within its budget when the sandbox says what passes", async () => {
    const slowAgent = scriptedAgent({ kinds: ["math.*"], outputs: [2, 12, 20, 26, 30, 33].map((guess) => ({ guess })) });
    const counting = functionSandbox({ name: "distance", kinds: ["math.*"], closure: 1, passError: 0.5, score: (output) => Math.abs((output as { guess: number }).guess - 42) });
    const runtime = createRuntime({ router: createRouter({ policy }), store: createMemoryStore(), agents: [slowAgent], sandboxes: [counting] });
    const run = await runtime.submit(guessTask("slow-1"));
    // Errors 40 → 30 (×0.75): even at twice that pace (×0.375), the 4 attempts left end at 0.59, above 0.5.
    expect(run).toMatchObject({ status: "waiting", attempts: 2 });
    expect(run.openCheckpoints[0]!.reasons[0]).toBe(
      "Escalated: errors fall ×0.75 per attempt: even a little faster, they would still be above 0.5 after the 4 attempts the budget allows.",
    );
  });

  it("escalates a plateau, and a person's direction starts a new round the agent works inside", async () => {
    const { runtime, agent } = setup({ agentOutputs: [40, 40, 40, 40, 40, 41, 42] });
    const run = await runtime.submit(guessTask());
    expect(run.status).toBe("waiting");
    const cp = run.openCheckpoints[0]!;
    const answered = await runtime.answer(cp.id, { type: "direction", constraints: "Move up one at a time" }, "lin");
    expect(answered.run).toMatchObject({ status: "succeeded", output: { guess: 42 } });
    const last = agent.calls.at(-1)!;
    expect(last.direction).toBe("Move up one at a time");
    expect(last.feedback.some((f) => f.source === "reviewer" && f.message === "Direction: Move up one at a time")).toBe(true);
  });

  it("escalates when the attempt budget is used up, never starting an attempt past it", async () => {
    const { runtime, store } = setup({ agentOutputs: [0, 10, 20, 25, 30, 33, 36, 38], policy: { ...policy, budgets: { maxAttempts: 3 } } });
    const run = await runtime.submit(guessTask());
    const journal = await store.readRun(run.runId);
    expect(journal.filter((e) => e.type === "attempt.started")).toHaveLength(3);
    expect(journal.find((e) => e.type === "run.escalated")!.data).toMatchObject({ reason: "budget:attempts" });
  });

  it("escalates on cost before reserving an attempt that would overspend", async () => {
    const { router, store } = setup({ policy: { ...policy, budgets: { maxAttempts: 10, maxCost: 0.12 }, costs: { agentPerAttempt: 0.05 } } });
    const pricey = scriptedAgent({ kinds: ["math.*"], outputs: [0, 10, 20, 30, 42].map((guess) => ({ guess })), usage: { tokens: 100, cost: 0.05 } });
    const runtime = createRuntime({ router, store, agents: [pricey], sandboxes: [distance] });
    const run = await runtime.submit(guessTask());
    const journal = await store.readRun(run.runId);
    expect(journal.find((e) => e.type === "run.escalated")!.data).toMatchObject({ reason: "budget:cost" });
    expect(run.attempts).toBe(2);
    expect(run.cost).toBeCloseTo(0.1, 9);
  });

  it("escalates with its reason when no agent is registered for the kind", async () => {
    const { runtime } = setup();
    const run = await runtime.submit({ ...guessTask(), kind: "chem.synthesis" });
    expect(run.status).toBe("waiting");
    expect(run.openCheckpoints[0]!.reasons[0]).toBe("Escalated: no agent is registered for chem.synthesis.");
  });

  it("escalates, never crashes, when an agent throws or returns something invalid", async () => {
    const { router, store } = setup();
    const broken = scriptedAgent({ kinds: ["math.*"], respond: () => ({ output: { guess: Number.NaN } }) });
    const runtime = createRuntime({ router, store, agents: [broken], sandboxes: [distance] });
    const run = await runtime.submit(guessTask());
    expect(run.status).toBe("waiting");
    const journal = await store.readRun(run.runId);
    expect(journal.find((e) => e.type === "attempt.failed")!.data).toMatchObject({ stage: "agent", error: "agent scripted returned an invalid result: output: must be JSON data" });
    // One failure is fed back for another try; the second in a row goes to a person.
    expect(journal.filter((e) => e.type === "attempt.failed")).toHaveLength(2);
    expect(journal.find((e) => e.type === "run.escalated")!.data).toMatchObject({ reason: "agent-error" });
  });

  it("gives an agent's failure back as feedback, and the next attempt can succeed", async () => {
    const { router, store } = setup();
    let calls = 0;
    const flaky = scriptedAgent({
      kinds: ["math.*"],
      respond: (input) => {
        calls++;
        if (calls === 1) throw new Error("the model's reply was not valid JSON");
        expect(input.feedback).toEqual([{ attempt: 1, source: "runtime", message: "the attempt failed: agent scripted failed: the model's reply was not valid JSON" }]);
        return { output: { guess: 42 } };
      },
    });
    const runtime = createRuntime({ router, store, agents: [flaky], sandboxes: [distance] });
    const run = await runtime.submit(guessTask("flaky-1"));
    expect(run).toMatchObject({ status: "succeeded", attempts: 2, output: { guess: 42 } });
  });
});

describe("supervised and human runs", () => {
  const reply: Task = {
    id: "s-1",
    kind: "math.guess",
    title: "Find 42 carefully",
    input: { target: 42 },
    signals: { feedbackLatencySec: 1, ruleClosure: 1, driftHalfLifeSec: null, horizonSec: 600 },
    stakes: { cost: 10, reversible: true },
  };

  it("passes each attempt through an approve checkpoint; a rejection's reason is the agent's next feedback", async () => {
    const { runtime, agent, store, router } = setup({
      agentOutputs: [42, 42],
      policy: { ...policy, rules: [{ id: "eyes", when: { kind: "math.*" }, route: "supervised" }] },
    });
    const run = await runtime.submit(reply);
    expect(run).toMatchObject({ status: "waiting", route: "supervised" });
    const review = run.openCheckpoints[0]!;
    expect(review).toMatchObject({ kind: "approve", purpose: "review", attempt: 1 });
    const rejected = await runtime.answer(review.id, { type: "reject", message: "Show your working" }, "ada");
    expect(rejected.run.status).toBe("waiting");
    expect(agent.calls[1]!.feedback.at(-1)).toEqual({ attempt: 1, source: "reviewer", message: "Show your working" });
    const approved = await runtime.answer(rejected.run.openCheckpoints[0]!.id, { type: "approve" }, "ada");
    expect(approved.run).toMatchObject({ status: "succeeded", output: { guess: 42 } });
    // The run succeeded, but calibration learns an approval: reviewers miss part of what is wrong.
    const journal = await store.readRun(run.runId);
    const routed = journal.find((e) => e.type === "run.routed")!;
    const share = (routed.data as { decision: { calibration: { approvedFailure: number } } }).decision.calibration.approvedFailure;
    // p(1 − q) / (p(1 − q) + 1 − p) at the decision's calibrated p and the default catch rate q = 0.8.
    const p = (routed.data as { decision: { calibration: { agentFailure: number } } }).decision.calibration.agentFailure;
    expect(share).toBeCloseTo((p * 0.2) / (p * 0.2 + 1 - p), 12);
    const completed = journal.find((e) => e.type === "run.completed")!;
    expect((completed.data as { outcome: unknown }).outcome).toMatchObject({ route: "supervised", result: "approved", failureShare: share });
    expect(router.calibration.agentCounts("math.guess")).toEqual({ successes: 1 - share, failures: share });
    expect((await store.calibrationSnapshot()).entries).toEqual([
      { kind: "math.guess", route: "supervised", successes: 1 - share, failures: share, modelled: [expect.objectContaining({ outcomes: 1, failures: share })] },
    ]);
  });

  it("sends a human-route task to a person, whose result completes the run", async () => {
    const { runtime, router } = setup();
    const run = await runtime.submit({ id: "h-1", kind: "hiring.decide", title: "Decide on the candidate", stakes: { cost: 300000, reversible: false } });
    expect(run).toMatchObject({ status: "waiting", route: "human" });
    const task = run.openCheckpoints[0]!;
    expect(task).toMatchObject({ kind: "takeover", purpose: "task" });
    await expect(runtime.answer(task.id, { type: "approve" }, "ada")).rejects.toMatchObject({ code: "INVALID_ANSWER" });
    const done = await runtime.answer(task.id, { type: "answer", value: { hire: true } }, "ada");
    expect(done.run).toMatchObject({ status: "succeeded", output: { hire: true } });
    expect(router.calibration.humanCounts("hiring.decide")).toEqual({ successes: 1, failures: 0 });
  });

  it("keeps a person on a task a rule forces to people, even in direction mode", async () => {
    const { runtime, agent } = setup({ policy: { ...policy, rules: [{ id: "people-only", when: { kind: "math.*" }, route: "human" }] } });
    const run = await runtime.submit(guessTask("d-2"), { mode: "direction" });
    expect(run.openCheckpoints[0]).toMatchObject({ purpose: "task" });
    expect(agent.calls).toHaveLength(0);
  });

  it("keeps a person on a task whose rules leave no supervised route, even in direction mode", async () => {
    const { runtime, agent } = setup({ policy: { ...policy, rules: [{ id: "no-agents", when: { kind: "math.*" }, forbid: ["autonomous", "supervised"] }] } });
    const run = await runtime.submit(guessTask("d-4"), { mode: "direction" });
    expect(run.route).toBe("human");
    expect(run.openCheckpoints[0]).toMatchObject({ purpose: "task" });
    expect(agent.calls).toHaveLength(0);
  });

  it("lets an agent work under direction on a task routed to people by cost, with a review before it counts", async () => {
    const { runtime } = setup({ agentOutputs: [42] });
    const run = await runtime.submit({ ...guessTask("d-3"), signals: {}, stakes: { cost: 50_000, reversible: false } }, { mode: "direction" });
    expect(run.route).toBe("human");
    const directed = await runtime.answer(run.openCheckpoints[0]!.id, { type: "direction", constraints: "Stay below 50" }, "lin");
    expect(directed.run.openCheckpoints[0]).toMatchObject({ purpose: "review", attempt: 1 });
  });

  it("asks for direction first in direction mode, then lets the agent work inside it, then asks for acceptance", async () => {
    const { runtime, agent } = setup({ agentOutputs: [42] });
    const run = await runtime.submit(guessTask("d-1"), { mode: "direction", acceptance: true });
    const direction = run.openCheckpoints[0]!;
    expect(direction).toMatchObject({ kind: "direction", purpose: "direction" });
    const afterDirection = await runtime.answer(direction.id, { type: "direction", constraints: "Stay below 50" }, "lin");
    expect(agent.calls[0]!.direction).toBe("Stay below 50");
    const acceptance = afterDirection.run.openCheckpoints[0]!;
    expect(acceptance).toMatchObject({ kind: "approve", purpose: "acceptance", attempt: 1 });
    const done = await runtime.answer(acceptance.id, { type: "approve" }, "lin");
    expect(done.run.status).toBe("succeeded");
  });

  it("asks a person in person mode even when the task routes autonomous, and journals the decision", async () => {
    const { runtime, agent } = setup({ agentOutputs: [42] });
    const run = await runtime.submit(guessTask("p-1"), { mode: "person" });
    expect(run.route).toBe("autonomous");
    expect(run.openCheckpoints[0]).toMatchObject({ kind: "takeover", purpose: "task" });
    expect(agent.calls).toHaveLength(0);
    const state = await runtime.inspect(run.runId);
    expect(state?.decision?.route).toBe("autonomous");
    const done = await runtime.answer(run.openCheckpoints[0]!.id, { type: "answer", value: 41 }, "ada");
    expect(done.run).toMatchObject({ status: "succeeded", output: 41 });
  });
});

describe("answers", () => {
  async function waitingRun() {
    const ctx = setup();
    const run = await ctx.runtime.submit({ id: "h-2", kind: "legal.review", title: "Review the NDA", stakes: { cost: 5000, reversible: false } });
    return { ...ctx, run, cp: run.openCheckpoints[0]! };
  }

  it("accepts exactly one answer: a second, different one gets a conflict naming who answered and when", async () => {
    const { runtime, cp } = await waitingRun();
    await runtime.answer(cp.id, { type: "answer", value: "ok" }, "ada");
    const second = runtime.answer(cp.id, { type: "reject", message: "no" }, "lin");
    await expect(second).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(second).rejects.toThrow(/already answered by ada at \d{4}-\d\d-\d\dT.* \(answer\); the first answer stands/);
  });

  it("gives a retry with the same idempotency key the first result", async () => {
    const { runtime, cp } = await waitingRun();
    const first = await runtime.answer(cp.id, { type: "answer", value: "ok" }, "ada", { idempotencyKey: "k-1" });
    const retry = await runtime.answer(cp.id, { type: "answer", value: "ok" }, "ada", { idempotencyKey: "k-1" });
    expect(retry).toMatchObject({ duplicate: true, answeredAt: first.answeredAt, answer: first.answer, reviewer: first.reviewer });
    expect(retry.run.status).toBe("succeeded");
  });

  it("refuses a retry that reuses an idempotency key for a different answer", async () => {
    const { runtime, cp } = await waitingRun();
    await runtime.answer(cp.id, { type: "answer", value: "ok" }, "ada", { idempotencyKey: "k-1" });
    await expect(runtime.answer(cp.id, { type: "answer", value: "other" }, "ada", { idempotencyKey: "k-1" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(runtime.answer(cp.id, { type: "answer", value: "ok" }, "lin", { idempotencyKey: "k-1" })).rejects.toThrow(/idempotency key k-1 was used for ada's answer/);
  });

  it("checks reviewers against the policy the run was routed under, whichever runtime answers", async () => {
    const { store, cp } = await waitingRun();
    // A runtime built on the default policy (which lists no reviewers) must not open the run to anyone.
    const other = createRuntime({ router: createRouter(), store });
    await expect(other.answer(cp.id, { type: "answer", value: "x" }, "sam")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(other.answer(cp.id, { type: "answer", value: "x" }, "mallory")).rejects.toThrow(/not among the reviewers of policy test v1/);
    expect((await other.answer(cp.id, { type: "answer", value: "x" }, "ada")).run.status).toBe("succeeded");
  });

  it("lists the checkpoints a reviewer may answer, by each run's policy", async () => {
    const { runtime } = await waitingRun();
    await runtime.submit({ id: "h-3", kind: "payments.refund", title: "Refund", tags: ["finance"], stakes: { cost: 5000, reversible: false } });
    expect((await runtime.inbox()).length).toBe(2);
    expect((await runtime.inbox({ reviewer: "lin" })).map((c) => c.taskId).sort()).toEqual(["h-2", "h-3"]);
    expect((await runtime.inbox({ reviewer: "sam" })).map((c) => c.taskId)).toEqual([]);
    expect((await runtime.inbox({ reviewer: "ada", limit: 1 })).length).toBe(1);
  });

  it("decides on the journal, not on a stale index read: an answer that lands in between wins", async () => {
    const { runtime, store, cp, run, router } = await waitingRun();
    const stale = (await store.getCheckpoint(cp.id))!;
    await runtime.answer(cp.id, { type: "answer", value: "first" }, "ada");
    // Another process read the index before that answer landed.
    const lagging: typeof store = { ...store, getCheckpoint: async () => stale };
    const late = createRuntime({ router, store: lagging });
    await expect(late.answer(cp.id, { type: "answer", value: "second" }, "lin")).rejects.toThrow(/already answered by ada/);
    const journal = await store.readRun(run.runId);
    expect(journal.filter((e) => e.type === "checkpoint.answered")).toHaveLength(1);
  });

  it("accepts exactly one of many concurrent answers", async () => {
    const { runtime, store, cp, run } = await waitingRun();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => runtime.answer(cp.id, { type: "answer", value: `v${i}` }, i % 2 === 0 ? "ada" : "lin")),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected.every((r) => isConvergentError(r.reason) && r.reason.code === "CONFLICT")).toBe(true);
    const journal = await store.readRun(run.runId);
    expect(journal.filter((e) => e.type === "checkpoint.answered")).toHaveLength(1);
  });

  it("leaves the checkpoint open and says what was wrong with an invalid answer", async () => {
    const { runtime, store, cp } = await waitingRun();
    await expect(runtime.answer(cp.id, { type: "answer" }, "ada")).rejects.toThrow(/invalid answer to .* \(a takeover checkpoint; the checkpoint stays open\):\nvalue: /);
    await expect(runtime.answer(cp.id, { type: "reject", message: "   " }, "ada")).rejects.toThrow("message: must not be empty");
    expect((await store.getCheckpoint(cp.id))!.status).toBe("open");
  });

  it("lets a reviewer answer only what their roles allow", async () => {
    const { runtime, store, cp } = await waitingRun();
    await expect(runtime.answer(cp.id, { type: "answer", value: "x" }, "sam")).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: `sam may not answer ${cp.id}: it needs the role reviewer, and sam has support`,
    });
    await expect(runtime.answer(cp.id, { type: "answer", value: "x" }, "mallory")).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await store.getCheckpoint(cp.id))!.status).toBe("open");
  });

  it("takes a reviewer object's roles from the policy's reviewers, never from the caller", async () => {
    const { runtime, store, cp } = await waitingRun();
    await expect(runtime.answer(cp.id, { type: "answer", value: "x" }, { id: "sam", roles: ["reviewer"] })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(runtime.answer(cp.id, { type: "answer", value: "x" }, { id: "mallory", roles: ["reviewer"] })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(runtime.answer(cp.id, { type: "answer", value: "x" }, { id: "", roles: ["reviewer"] })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect((await store.getCheckpoint(cp.id))!.status).toBe("open");
    const done = await runtime.answer(cp.id, { type: "answer", value: "x" }, { id: "lin", roles: [] });
    expect(done.reviewer).toEqual({ id: "lin", roles: ["reviewer"] });
  });

  it("holds the roles a rule requires even when the policy lists no reviewers to check them against", async () => {
    const clock = manualClock();
    const open: PolicyInput = { id: "open", version: 1, rules: [{ id: "finance-eyes", when: { kind: "payments.*" }, route: "human", requireRoles: ["finance"] }] };
    const runtime = createRuntime({ router: createRouter({ policy: open }), store: createMemoryStore({ clock }), clock });
    const run = await runtime.submit({ id: "o-2", kind: "payments.refund", title: "Refund", stakes: { cost: 40_000, reversible: false } });
    const cp = run.openCheckpoints[0]!;
    await expect(runtime.answer(cp.id, { type: "answer", value: "ok" }, "intern")).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("a rule requires the role finance, and policy open v1 lists no reviewers"),
    });
    expect(await runtime.inbox({ reviewer: "intern" })).toEqual([]);
    const done = await runtime.answer(cp.id, { type: "answer", value: "ok" }, { id: "lin", roles: ["finance"] });
    expect(done.run.status).toBe("succeeded");
  });

  it("lets anyone named answer when the policy lists no reviewers", async () => {
    const clock = manualClock();
    const runtime = createRuntime({ router: createRouter(), store: createMemoryStore({ clock }), clock });
    const run = await runtime.submit({ id: "o-1", kind: "legal.review", title: "Review", stakes: { cost: 5000, reversible: false } });
    const done = await runtime.answer(run.openCheckpoints[0]!.id, { type: "answer", value: "fine" }, "anyone");
    expect(done.reviewer).toEqual({ id: "anyone", roles: [] });
    expect(done.run.status).toBe("succeeded");
  });
});

describe("deadlines", () => {
  it("escalates an expired checkpoint to the on-timeout roles, by the store's clock", async () => {
    const { runtime, clock, store } = setup();
    const run = await runtime.submit({ id: "t-1", kind: "legal.review", title: "Review", stakes: { cost: 5000, reversible: false } });
    const cp = run.openCheckpoints[0]!;
    expect(await runtime.expireDue()).toBe(0);
    clock.advance(3600_000);
    expect(await runtime.expireDue()).toBe(1);
    const open = await store.listCheckpoints({ runId: run.runId });
    expect(open).toHaveLength(1);
    expect(open[0]!.checkpoint).toMatchObject({ assigneeRoles: ["finance"], onTimeout: { action: "fail" } });
    expect((await store.getCheckpoint(cp.id))!.status).toBe("expired");
    await expect(runtime.answer(cp.id, { type: "answer", value: "late" }, "ada")).rejects.toThrow(/expired at .* and no longer takes answers/);
    clock.advance(3600_000);
    await runtime.expireDue();
    expect((await runtime.getRun(run.runId))!.status).toBe("failed");
  });

  it("applies a default answer when the policy says so", async () => {
    const { runtime, clock } = setup({ policy: { ...policy, checkpoints: { deadlineSec: 60, onTimeout: { action: "default", answer: { type: "reject", message: "No answer in time" } } } } });
    const run = await runtime.submit({ id: "t-2", kind: "legal.review", title: "Review", stakes: { cost: 5000, reversible: false } });
    clock.advance(61_000);
    await runtime.expireDue();
    expect(await runtime.getRun(run.runId)).toMatchObject({ status: "cancelled", reason: "declined: No answer in time" });
  });
  it("never lets a default answer stand in for the people a rule asked for: the checkpoint fails at its deadline", async () => {
    const timeout = { deadlineSec: 60, onTimeout: { action: "default" as const, answer: { type: "answer" as const, value: "approved" } } };
    const { runtime, clock } = setup({ policy: { ...policy, checkpoints: timeout, rules: [{ id: "finance-eyes", when: { kind: "payments.*" }, route: "human", requireRoles: ["finance"] }] } });
    const run = await runtime.submit({ id: "t-3", kind: "payments.refund", title: "Refund", stakes: { cost: 40_000, reversible: false } });
    expect(run.openCheckpoints[0]!.onTimeout).toEqual({ action: "fail" });
    clock.advance(61_000);
    await runtime.expireDue();
    expect(await runtime.getRun(run.runId)).toMatchObject({ status: "failed" });
  });
});

describe("durability", () => {
  it("after a crash, runs a started-but-unrecorded attempt again with the same key, and never a recorded one", async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    const router = createRouter({ policy });
    // A first process recorded attempt 1 and started attempt 2, then died.
    const first = scriptedAgent({ kinds: ["math.*"], outputs: [{ guess: 10 }] });
    const dying = createRuntime({ router, store, agents: [first], sandboxes: [distance], clock, owner: "p1", leaseMs: 1000 });
    const runId = "run-crash";
    await store.append(runId, 0, [{ type: "run.submitted", data: { task: guessTask(), mode: "auto", acceptance: false } }]);
    const state = (await dying.inspect(runId))!;
    await store.append(runId, 1, [{ type: "run.routed", data: { decision: router.decide(guessTask()), policy: router.policy } }]);
    await store.append(runId, 2, [
      { type: "attempt.started", data: { attempt: 1, idempotencyKey: `${runId}:attempt:1`, reservedCost: 0.05 } },
      { type: "attempt.recorded", data: { attempt: 1, output: { guess: 10 }, usage: { tokens: 1, cost: 0.01 }, durationMs: 1 } },
      { type: "attempt.verified", data: { attempt: 1, verdict: { passed: false, error: 32, feedback: "off by 32" }, sandbox: "distance", durationMs: 1 } },
      { type: "attempt.started", data: { attempt: 2, idempotencyKey: `${runId}:attempt:2`, reservedCost: 0.05 } },
    ]);
    expect(state.next.step).toBe("route");
    await store.acquireLease(runId, "p1", 1000);
    // Another process resumes once the dead one's lease has run out.
    const second = scriptedAgent({ kinds: ["math.*"], respond: (input) => ({ output: { guess: input.attempt === 2 ? 42 : -1 } }) });
    const resumer = createRuntime({ router, store, agents: [second], sandboxes: [distance], clock, owner: "p2" });
    expect((await resumer.drive(runId)).status).toBe("running");
    clock.advance(1001);
    const resumed = await resumer.drive(runId);
    expect(resumed).toMatchObject({ status: "succeeded", output: { guess: 42 } });
    expect(second.calls.map((c) => [c.attempt, c.idempotencyKey])).toEqual([[2, `${runId}:attempt:2`]]);
    const journal = await store.readRun(runId);
    expect(journal.filter((e) => e.type === "attempt.started")).toHaveLength(2);
  });

  it("never forks a run when two runtimes drive it at once", async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    const router = createRouter({ policy });
    const make = (owner: string) =>
      createRuntime({ router, store, agents: [scriptedAgent({ kinds: ["math.*"], outputs: [10, 30, 40, 42].map((guess) => ({ guess })) })], sandboxes: [distance], clock, owner, leaseMs: 0 });
    const a = make("a");
    const b = make("b");
    await store.append("run-race", 0, [{ type: "run.submitted", data: { task: guessTask(), mode: "auto", acceptance: false } }]);
    const [ra, rb] = await Promise.all([a.drive("run-race"), b.drive("run-race")]);
    const journal = await store.readRun("run-race");
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
    expect(journal.filter((e) => e.type === "run.completed")).toHaveLength(1);
    expect(journal.filter((e) => e.type === "run.routed")).toHaveLength(1);
    expect([ra.status, rb.status]).toContain("succeeded");
  });
});

describe("leases", () => {
  it("renews its lease during a long agent call, so another process does not take the run over", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const clock = manualClock();
      const store = createMemoryStore({ clock });
      const router = createRouter({ policy });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let entered!: () => void;
      const inCall = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const slow = scriptedAgent({
        kinds: ["math.*"],
        respond: async () => {
          entered();
          await gate;
          return { output: { guess: 42 } };
        },
      });
      const a = createRuntime({ router, store, agents: [slow], sandboxes: [distance], clock, owner: "a", leaseMs: 300 });
      const other = scriptedAgent({ kinds: ["math.*"], outputs: [{ guess: 42 }] });
      const b = createRuntime({ router, store, agents: [other], sandboxes: [distance], clock, owner: "b", leaseMs: 300 });
      const driving = a.submit(guessTask("lease-1"));
      await inCall;
      const runId = (await store.listRuns())[0]!.runId;
      // 250 ms of store time pass: a renews (every leaseMs/3) before its lease would run out.
      clock.advance(250);
      await vi.advanceTimersByTimeAsync(100);
      clock.advance(250);
      expect((await b.drive(runId)).status).toBe("running");
      expect(other.calls).toHaveLength(0);
      release();
      expect((await driving).status).toBe("succeeded");
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("routing with registered sandboxes", () => {
  it("uses a sandbox's closure and its measured latency in the next decisions", async () => {
    const { runtime, store } = setup();
    const undeclared: Task = { id: "u-1", kind: "math.guess", title: "Find 42", input: { target: 42 }, stakes: { cost: 10, reversible: true }, signals: { driftHalfLifeSec: null } };
    const run = await runtime.submit(undeclared);
    const routed = (await store.readRun(run.runId)).find((e) => e.type === "run.routed")!;
    expect(routed.data.decision.signals.ruleClosure).toEqual({ value: 1, source: "sandbox", note: "sandbox distance" });
  });

  it("routes the first task of a kind with the sandbox's expected latency, before any measurement", async () => {
    const sandbox = functionSandbox({ name: "quick-check", kinds: ["math.*"], closure: 1, latencySec: 2, score: () => 0 });
    const runtime = createRuntime({ router: createRouter({ policy }), store: createMemoryStore(), agents: [scriptedAgent({ kinds: ["math.*"], outputs: [42] })], sandboxes: [sandbox] });
    const undeclared: Task = { id: "u-2", kind: "math.guess", title: "Find 42", stakes: { cost: 10, reversible: true }, signals: { driftHalfLifeSec: null } };
    const run = await runtime.submit(undeclared);
    const state = await runtime.inspect(run.runId);
    expect(state?.decision?.signals.feedbackLatencySec).toEqual({ value: 2, source: "sandbox", note: "sandbox quick-check (expected)" });
    expect(run.route).toBe("autonomous");
  });

  it("aborts an agent call when the round's wall-time budget runs out during it, failing the attempt", async () => {
    const seen: string[] = [];
    const slow = {
      name: "slow",
      kinds: ["math.*"],
      attempt: (input: AttemptInput) =>
        new Promise<never>((_, reject) => {
          input.signal?.addEventListener("abort", () => {
            seen.push(String((input.signal?.reason as Error | undefined)?.name));
            reject(new Error("gave up: the runtime aborted the call"));
          });
        }),
    };
    const runtime = createRuntime({
      router: createRouter({ policy: { ...policy, budgets: { maxAttempts: 1, maxWallSec: 0.05 } } }),
      store: createMemoryStore(),
      agents: [slow],
    });
    const run = await runtime.submit(guessTask("w-1"));
    expect(seen).toEqual(["TimeoutError"]);
    const failed = (await runtime.inspect(run.runId))?.attempts[0];
    expect(failed?.failed?.error).toContain("gave up: the runtime aborted the call");
  });

  it("aborts an agent call when another process takes the run over, and leaves the attempt to the new owner", async () => {
    const store = createMemoryStore();
    let leases = 0;
    const flaky = { ...store, acquireLease: async (runId: string, owner: string, ms: number) => (leases++ === 0 ? store.acquireLease(runId, owner, ms) : false) };
    const reasons: unknown[] = [];
    const waiting = {
      name: "waiting",
      kinds: ["math.*"],
      attempt: (input: AttemptInput) =>
        new Promise<never>((_, reject) => {
          input.signal?.addEventListener("abort", () => {
            reasons.push(input.signal?.reason);
            reject(new Error("aborted"));
          });
        }),
    };
    const runtime = createRuntime({ router: createRouter({ policy }), store: flaky, agents: [waiting], leaseMs: 30 });
    const run = await runtime.submit(guessTask("l-1"));
    expect(reasons).toHaveLength(1);
    expect(isConvergentError(reasons[0]) && reasons[0].code).toBe("CONFLICT");
    expect(run.status).toBe("running");
    const journal = (await store.readRun(run.runId)).map((e) => e.type);
    expect(journal.at(-1)).toBe("attempt.started"); // nothing recorded for an attempt this process no longer owns
  });

  it("asks the router's estimator for signals nobody gave, but not for what a registered sandbox gives", async () => {
    const asked: string[][] = [];
    const estimator = {
      name: "test-estimator",
      estimate: (_task: Task, missing: readonly string[]) => {
        asked.push([...missing]);
        return { driftHalfLifeSec: { value: null, reason: "arithmetic does not drift" }, horizonSec: { value: 600, reason: "a short task" } };
      },
    };
    const sandbox = functionSandbox({ name: "quick", kinds: ["math.*"], closure: 1, latencySec: 1, score: () => 0 });
    const runtime = createRuntime({
      router: createRouter({ policy, estimator }),
      store: createMemoryStore(),
      agents: [scriptedAgent({ kinds: ["math.*"], outputs: [42] })],
      sandboxes: [sandbox],
    });
    const run = await runtime.submit({ id: "e-1", kind: "math.guess", title: "Find 42", stakes: { cost: 10, reversible: true } });
    expect(asked).toEqual([["driftHalfLifeSec", "horizonSec"]]);
    const signals = (await runtime.inspect(run.runId))?.decision?.signals;
    expect(signals?.driftHalfLifeSec).toMatchObject({ value: null, source: "estimated" });
    expect(signals?.feedbackLatencySec).toMatchObject({ value: 1, source: "sandbox" });
    expect(run).toMatchObject({ route: "autonomous", status: "succeeded" });
  });

  it("routes on the conservative defaults, and logs why, when the estimator fails", async () => {
    const logger = createMemoryLogger();
    const estimator = { name: "down", estimate: () => Promise.reject(new Error("model unavailable")) };
    const runtime = createRuntime({ router: createRouter({ policy, estimator }), store: createMemoryStore(), agents: [], logger });
    const run = await runtime.submit({ id: "e-2", kind: "math.guess", title: "Find 42", stakes: { cost: 10, reversible: true } });
    expect(run.route).not.toBeNull();
    expect((await runtime.inspect(run.runId))?.decision?.signals.driftHalfLifeSec.source).toBe("default");
    expect(logger.records.find((r) => r.event === "router.estimator-failed")?.fields).toMatchObject({ taskId: "e-2", error: "model unavailable" });
  });

  it("logs every step with stable fields", async () => {
    const { runtime, logger } = setup();
    const run = await runtime.submit(guessTask());
    const completed = logger.records.find((r) => r.event === "run.completed")!;
    expect(completed.fields).toMatchObject({ runId: run.runId, taskId: "g-1", kind: "math.guess", route: "autonomous", status: "succeeded" });
    const routed = logger.records.find((r) => r.event === "run.routed")!;
    expect(routed.fields).toMatchObject({ runId: run.runId, route: "autonomous", policy: { id: "test", version: 1 } });
    expect((routed.fields["reasons"] as string[])[0]).toMatch(/^Autonomous: expected cost/);
    const human = await runtime.submit({ id: "h-9", kind: "legal.review", title: "Review", stakes: { cost: 5000, reversible: false } });
    await runtime.answer(human.openCheckpoints[0]!.id, { type: "answer", value: "ok" }, "ada");
    const answered = logger.records.find((r) => r.event === "checkpoint.answered")!;
    expect(answered.fields).toMatchObject({ runId: human.runId, taskId: "h-9", route: "human", checkpointId: human.openCheckpoints[0]!.id, reviewer: "ada", answer: "answer" });
  });
});
