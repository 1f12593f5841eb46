import { describe, expect, it } from "vitest";
import { type Route, type Task, createCalibration, createRouter, isConvergentError, posteriorFailure } from "./index.js";

const translate: Task = {
  id: "tr-1",
  kind: "i18n.translate-ui",
  title: "Translate checkout strings",
  signals: { feedbackLatencySec: 5, ruleClosure: 0.6, driftHalfLifeSec: 15_552_000, horizonSec: 3600 },
  stakes: { cost: 200, reversible: true },
};
const humanness: Record<Route, number> = { autonomous: 0, supervised: 1, human: 2 };

describe("calibration", () => {
  it("moves a kind toward autonomy after a run of successes and back after failures", () => {
    const router = createRouter();
    const start = router.decide(translate);
    expect(start.route).toBe("supervised");
    const agentFailure = () => router.decide(translate).estimates.autonomous.failureProbability;
    const before = agentFailure();

    for (let i = 0; i < 200; i++) router.recordOutcome({ kind: translate.kind, route: "supervised", outcome: "succeeded" });
    const afterSuccesses = router.decide(translate);
    expect(afterSuccesses.route).toBe("autonomous");
    expect(afterSuccesses.estimates.autonomous.failureProbability).toBeLessThan(before);
    expect(afterSuccesses.reasons.some((r) => r.startsWith("Calibrated on 200 agent outcomes of i18n.translate-ui"))).toBe(true);

    for (let i = 0; i < 120; i++) router.recordOutcome({ kind: translate.kind, route: "autonomous", outcome: "failed" });
    const afterFailures = router.decide(translate);
    expect(humanness[afterFailures.route]).toBeGreaterThan(humanness.autonomous);
    expect(afterFailures.estimates.autonomous.failureProbability).toBeGreaterThan(afterSuccesses.estimates.autonomous.failureProbability);
  });

  it("learns only for the kind it observed", () => {
    const router = createRouter();
    for (let i = 0; i < 40; i++) router.recordOutcome({ kind: "other.kind", route: "autonomous", outcome: "succeeded" });
    expect(router.decide(translate).route).toBe("supervised");
    expect(router.decide(translate).calibration.agentObservations).toBe(0);
  });

  it("counts overridden results as failures of their route and human outcomes for people", () => {
    const c = createCalibration();
    c.recordOutcome({ kind: "k", route: "supervised", outcome: "overridden" });
    c.recordOutcome({ kind: "k", route: "autonomous", outcome: "succeeded" });
    c.recordOutcome({ kind: "k", route: "human", outcome: "failed" });
    expect(c.agentCounts("k")).toEqual({ successes: 1, failures: 1 });
    expect(c.humanCounts("k")).toEqual({ successes: 0, failures: 1 });
  });

  it("snapshots and restores as JSON, with a content id that decisions name", () => {
    const a = createCalibration();
    const router = createRouter({ calibration: a });
    const emptyId = router.decide(translate).calibration.snapshotId;
    a.recordOutcome({ kind: translate.kind, route: "autonomous", outcome: "succeeded" });
    a.recordOutcome({ kind: translate.kind, route: "human", outcome: "failed" });
    const snapshot = JSON.parse(JSON.stringify(a.snapshot()));
    expect(snapshot.entries).toEqual([
      { kind: translate.kind, route: "autonomous", successes: 1, failures: 0 },
      { kind: translate.kind, route: "human", successes: 0, failures: 1 },
    ]);
    const b = createCalibration(snapshot);
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(b.snapshotId).not.toBe(emptyId);
    expect(createRouter({ calibration: b }).decide(translate)).toEqual(router.decide(translate));
  });

  it("absorbs a snapshot's counts on top of its own", () => {
    const c = createCalibration();
    c.recordOutcome({ kind: "k", route: "autonomous", outcome: "succeeded" });
    c.absorb({ version: 1, id: "x", entries: [{ kind: "k", route: "autonomous", successes: 2, failures: 3 }] });
    expect(c.agentCounts("k")).toEqual({ successes: 3, failures: 3 });
    expect(() => c.absorb({ version: 2 })).toThrow(/Invalid calibration snapshot/);
  });

  it("rejects a malformed snapshot naming the field", () => {
    try {
      createCalibration({ version: 1, id: "x", entries: [{ kind: "k", route: "robot", successes: -1, failures: 0 }] });
      expect.unreachable();
    } catch (error) {
      expect(isConvergentError(error) && error.code).toBe("INVALID_CALIBRATION");
      expect((error as Error).message).toContain('entries[0].route: expected one of "autonomous", "supervised", "human", received "robot"');
      expect((error as Error).message).toContain("entries[0].successes: must be ≥ 0");
    }
  });

  it("rejects a malformed outcome", () => {
    const c = createCalibration();
    expect(() => c.recordOutcome({ kind: "k", route: "autonomous", outcome: "maybe" as never })).toThrow(/outcome: expected one of/);
    expect(c.agentCounts("k")).toEqual({ successes: 0, failures: 0 });
  });

  it("uses a pessimistic bound when the policy is risk-averse", () => {
    const neutral = createRouter({ policy: { id: "n", version: 1 } }).decide(translate);
    const averse = createRouter({ policy: { id: "a", version: 1, risk: { mode: "averse", credibleLevel: 0.95 } } }).decide(translate);
    expect(averse.estimates.autonomous.failureProbability).toBeGreaterThan(neutral.estimates.autonomous.failureProbability);
    const mean = posteriorFailure(0.2, 10, { successes: 30, failures: 2 }, 0);
    expect(mean.probability).toBeCloseTo((10 * 0.2 + 2) / 42, 12);
    const bound = posteriorFailure(0.2, 10, { successes: 30, failures: 2 }, 1.645);
    expect(bound.probability).toBeGreaterThan(mean.probability);
    // More evidence narrows the bound toward the mean.
    const more = posteriorFailure(0.2, 10, { successes: 300, failures: 20 }, 1.645);
    expect(more.probability - ((10 * 0.2 + 20) / 330)).toBeLessThan(bound.probability - mean.probability);
  });
});
