// The bid loop: the market's late reports, why the default controller diverges, the monitor's escalation and the direction that fixes it.
import type { JsonValue, Task } from "@convergent/router";
import type { Feedback } from "@convergent/runtime";
import { describe, expect, it } from "vitest";
import { createBidControllerAgent, defaultGain } from "./bidTuning/agent.js";
import { bidTuningInputSchema, marketReport } from "./bidTuning/market.js";
import { parseReport } from "./bidTuning/report.js";
import { createMarketSimulatorSandbox } from "./bidTuning/sandbox.js";
import { demoRuntime, demoTask, errorCurve, reviewerFor } from "./testing.js";

const task = demoTask("ads.bid-tuning");
const input = bidTuningInputSchema.parse(task.input);

/**
 * Runs the agent against the market for `attempts` attempts with no monitor and no budget — the loop as it would
 * run unattended — and returns the misses (log points, signed: + = CPA above target).
 */
async function openLoop(t: Task, attempts: number, direction: string | null = null): Promise<number[]> {
  const agent = createBidControllerAgent();
  const market = createMarketSimulatorSandbox();
  const feedback: Feedback[] = [];
  let previous: JsonValue | null = null;
  const misses: number[] = [];
  for (let n = 1; n <= attempts; n++) {
    const { output } = await agent.attempt({ task: t, attempt: n, direction, feedback, previousOutput: previous, idempotencyKey: `k${n}` });
    const verdict = await market.verify({ task: t, attempt: n, output, idempotencyKey: `v${n}` });
    const report = parseReport(verdict.feedback)!;
    misses.push(100 * Math.log(report.cpa / input.targetCpa));
    feedback.push({ attempt: n, source: "sandbox", message: verdict.feedback, error: verdict.error });
    previous = output;
  }
  return misses;
}

/** The largest |miss| in each consecutive window of `size` attempts. */
function envelope(misses: readonly number[], size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + size <= misses.length; i += size) out.push(Math.max(...misses.slice(i, i + size).map(Math.abs)));
  return out;
}

describe("the market simulator", () => {
  it("reports late: the CPA after attempt n reflects the bid of attempt n − 1, in a market that drifts", () => {
    const first = marketReport(input, [1.0], 1);
    expect(first).toMatchObject({ reflectsAttempt: 0, reflectsBid: 1.5, liveBid: 1.0 });
    expect(first.cpa).toBeCloseTo(30 * 1.01, 9);
    const third = marketReport(input, [1.0, 0.8, 0.9], 3);
    expect(third).toMatchObject({ reflectsAttempt: 2, reflectsBid: 0.8, liveBid: 0.9 });
    expect(third.cpa).toBeCloseTo(20 * 1.01 ** 3 * 0.8, 9);
  });

  it("passes with error 0 exactly when the reported CPA is within the tolerance", async () => {
    const market = createMarketSimulatorSandbox();
    const onTarget = 1.5 * (20 / 30) / 1.01 ** 2;
    const pass = await market.verify({ task, attempt: 2, output: { bids: [onTarget, 1] }, idempotencyKey: "k" });
    expect(pass).toMatchObject({ passed: true, error: 0 });
    const edge = await market.verify({ task, attempt: 2, output: { bids: [onTarget * 1.06, 1] }, idempotencyKey: "k" });
    expect(edge.passed).toBe(false);
    expect(edge.error).toBeCloseTo(100 * Math.log(1.06), 6);
    expect(parseReport(edge.feedback)).toEqual({ cpa: 21.2, reflectsAttempt: 1 });
  });

  it("keeps the campaign at its old bid when the bid log cannot be read", async () => {
    const verdict = await createMarketSimulatorSandbox().verify({ task, attempt: 2, output: { bids: [1] }, idempotencyKey: "k" });
    expect(verdict.passed).toBe(false);
    expect(verdict.feedback).toMatch(/^output\.bids: has 1 bids, expected one per attempt \(2\); the campaign keeps the bid it had before the task/);
    expect(verdict.error).toBeCloseTo(100 * Math.log((30 * 1.01 ** 2) / 20), 6);
  });

  it("rejects a task input it cannot simulate, naming the field", async () => {
    await expect(createMarketSimulatorSandbox().verify({ task: { ...task, input: { ...input, currentBid: -1 } }, attempt: 1, output: { bids: [1] }, idempotencyKey: "k" })).rejects.toThrow(
      "ads.bid-tuning task demo-bid-spring: input.currentBid: must be > 0",
    );
    await expect(createBidControllerAgent().attempt({ task: { ...task, input: { targetCpa: 20, currentBid: 1 } }, attempt: 1, direction: null, feedback: [], previousOutput: null, idempotencyKey: "k" })).rejects.toThrow(
      "input.currentCpa: required (expected a number)",
    );
  });
});

describe("why the bid loop diverges", () => {
  it("unattended, the default controller's swings grow attempt after attempt", async () => {
    const misses = await openLoop(task, 15);
    // The sign flips (an oscillation) and the peaks grow: ×1.18 per attempt, √1.4.
    expect(misses.slice(0, 6).map(Math.round)).toEqual([42, -14, -71, -51, 51, 122]);
    const peaks = envelope(misses, 5);
    expect(peaks[1]! / peaks[0]!).toBeGreaterThan(1.5);
    expect(peaks[2]! / peaks[1]!).toBeGreaterThan(1.5);
  });

  it("with instant reports the same controller converges: the latency is what breaks it", async () => {
    const instant = { ...task, input: { ...input, reportLag: 0 } };
    const misses = await openLoop(instant, 8);
    expect(Math.abs(misses.at(-1)!)).toBeLessThan(100 * Math.log(1.05));
    for (let i = 1; i < 5; i++) expect(Math.abs(misses[i]!)).toBeLessThan(Math.abs(misses[i - 1]!));
  });

  it("with halved corrections the unattended loop settles", async () => {
    const misses = await openLoop(task, 15, "Halve your corrections");
    const peaks = envelope(misses, 5);
    expect(peaks[2]!).toBeLessThan(peaks[0]! / 4);
    expect(Math.abs(misses.at(-1)!)).toBeLessThan(10);
  });
});

describe("the bid controller on a real runtime", () => {
  it("is escalated as diverging by the monitor, then converges after the direction “halve your corrections”", async () => {
    const { runtime, store } = demoRuntime([createBidControllerAgent()], [createMarketSimulatorSandbox()]);
    const run = await runtime.submit(task);
    expect(run).toMatchObject({ status: "waiting", route: "autonomous", attempts: 3 });
    const journal = await store.readRun(run.runId);
    const escalated = journal.find((e) => e.type === "run.escalated")!;
    expect(escalated.data).toMatchObject({ reason: "diverging" });
    expect((escalated.data as { errorCurve: readonly number[] }).errorCurve.map(Math.round)).toEqual([42, 14, 71]);
    const checkpoint = run.openCheckpoints[0]!;
    expect(checkpoint).toMatchObject({ kind: "takeover", purpose: "escalation" });
    expect(checkpoint.reasons[0]).toMatch(/^Escalated: errors grow ×1\.31 per attempt/);

    const answered = await runtime.answer(checkpoint.id, { type: "direction", constraints: "Halve your corrections." }, reviewerFor(checkpoint.assigneeRoles));
    expect(answered.run).toMatchObject({ status: "succeeded", attempts: 5, tokens: 0 });
    expect((await errorCurve(store, run.runId)).map(Math.round)).toEqual([42, 14, 71, 51, 0]);
    const output = answered.run.output as { gain: number; direction: { applied: string[]; ignored: string[] } };
    expect(output.gain).toBe(defaultGain / 2);
    expect(output.direction).toMatchObject({ applied: ["gain 1.4 → 0.7 (halved)"], ignored: [] });
  });

  it("also converges when told to account for the lag, without touching the gain", async () => {
    const { runtime, store } = demoRuntime([createBidControllerAgent()], [createMarketSimulatorSandbox()]);
    const run = await runtime.submit(task);
    const checkpoint = run.openCheckpoints[0]!;
    const answered = await runtime.answer(checkpoint.id, { type: "direction", constraints: "Account for the reporting lag" }, reviewerFor(checkpoint.assigneeRoles));
    expect(answered.run.status).toBe("succeeded");
    const curve = (await errorCurve(store, run.runId)).slice(3);
    for (let i = 1; i < curve.length; i++) expect(curve[i]).toBeLessThan(curve[i - 1]!);
  });

  it("understands simple directions, applies them and says what it ignored", async () => {
    const attempt = (direction: string) =>
      createBidControllerAgent().attempt({ task, attempt: 1, direction, feedback: [], previousOutput: null, idempotencyKey: "k" }).then((r) => r.output as { bid: number; gain: number; direction: { applied: string[]; ignored: string[] } });
    expect((await attempt("reduce your corrections by 30%")).gain).toBeCloseTo(0.98, 9);
    expect((await attempt("use a gain of 0.5")).gain).toBe(0.5);
    expect((await attempt("quarter the corrections")).gain).toBe(0.35);
    const capped = await attempt("Never bid above $0.80 and please be careful");
    expect(capped.bid).toBe(0.8);
    expect(capped.direction).toEqual({ text: "Never bid above $0.80 and please be careful", applied: ["never bid above $0.80"], ignored: ["please be careful"] });
    const floored = await attempt("never bid below $1.20");
    expect(floored.bid).toBe(1.2);
    expect((await attempt("make it pop")).direction).toMatchObject({ applied: [], ignored: ["make it pop"] });
  });
});
