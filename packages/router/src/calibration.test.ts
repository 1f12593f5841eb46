import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Route, type Task, approvedFailure, createCalibration, createRouter, isConvergentError, monotoneMap, posteriorFailure } from "./index.js";

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
    expect(() => c.absorb({ version: 3 })).toThrow(/Invalid calibration snapshot/);
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

describe("model-relative calibration", () => {
  const kind = "data.transform";

  it("corrects the model by the kind's ratio of failures to expectation, keeping tasks of the kind apart", () => {
    const c = createCalibration();
    // The model says 0.2 and 0.6; agents fail half as often as it says.
    for (let i = 0; i < 200; i++) {
      c.recordOutcome({ kind, route: "autonomous", outcome: i % 10 === 0 ? "failed" : "succeeded", modelFailure: 0.2 });
      c.recordOutcome({ kind, route: "supervised", outcome: i % 10 < 3 ? "overridden" : "succeeded", modelFailure: 0.6 });
    }
    const low = c.agentPrior(kind, 0.2, 10).prior;
    const high = c.agentPrior(kind, 0.6, 10).prior;
    expect(low).toBeCloseTo(0.1, 1);
    expect(high).toBeCloseTo(0.3, 1);
    expect(high).toBeGreaterThan(low);
    // Every outcome carried the model's estimate, so none is left for the Beta update.
    expect(c.agentPrior(kind, 0.2, 10).counts).toEqual({ successes: 0, failures: 0 });
  });

  it("lets other kinds' outcomes raise the estimate of a kind that never ran an agent, but not lower it", () => {
    const safer = createCalibration();
    for (let i = 0; i < 300; i++) safer.recordOutcome({ kind, route: "autonomous", outcome: i % 4 === 0 ? "failed" : "succeeded", modelFailure: 0.9 });
    expect(safer.agentPrior(kind, 0.9, 10).prior).toBeCloseTo(0.25, 1);
    expect(safer.agentPrior("legal.nda", 0.9, 10)).toEqual({ prior: 0.9, counts: { successes: 0, failures: 0 } });
    const riskier = createCalibration();
    for (let i = 0; i < 300; i++) riskier.recordOutcome({ kind, route: "autonomous", outcome: i % 2 === 0 ? "failed" : "succeeded", modelFailure: 0.2 });
    expect(riskier.agentPrior("legal.nda", 0.2, 10).prior).toBeCloseTo(0.5, 1);
  });

  it("forgets a kind's old outcomes with its memory, so a kind that changed is relearnt", () => {
    const run = (memory: number) => {
      const c = createCalibration(undefined, { memory });
      for (let i = 0; i < 400; i++) c.recordOutcome({ kind, route: "autonomous", outcome: i % 10 === 0 ? "failed" : "succeeded", modelFailure: 0.3 });
      // The kind changes: now half the runs fail.
      for (let i = 0; i < 100; i++) c.recordOutcome({ kind, route: "autonomous", outcome: i % 2 === 0 ? "failed" : "succeeded", modelFailure: 0.3 });
      return c.agentPrior(kind, 0.3, 10).prior;
    };
    expect(run(50)).toBeGreaterThan(0.35);
    expect(run(Infinity)).toBeLessThan(0.25);
  });

  it("rejects a memory that is not a positive number of outcomes", () => {
    expect(() => createCalibration(undefined, { memory: 0 })).toThrow(/memory must be a positive number/);
  });

  it("leaves the model alone without model-carrying outcomes", () => {
    const c = createCalibration();
    c.recordOutcome({ kind, route: "autonomous", outcome: "failed" });
    expect(c.agentPrior(kind, 0.37, 10)).toEqual({ prior: 0.37, counts: { successes: 0, failures: 1 } });
  });

  it("learns the share of autonomous failures that show while running from overridden and failed runs", () => {
    const c = createCalibration();
    expect(c.visibleShare(kind, 0.1, 10)).toBe(0.1);
    for (let i = 0; i < 90; i++) c.recordOutcome({ kind, route: "autonomous", outcome: "overridden" });
    for (let i = 0; i < 10; i++) c.recordOutcome({ kind, route: "autonomous", outcome: "failed" });
    expect(c.visibleShare(kind, 0.1, 10)).toBeGreaterThan(0.8);
    // Another kind borrows the pooled share until it has failures of its own.
    expect(c.visibleShare("ops.incident", 0.1, 10)).toBeGreaterThan(0.8);
  });

  it("keeps the model-relative bins and overridden counts through a snapshot", () => {
    // A restored calibration has no order of its outcomes, so compare without forgetting.
    const a = createCalibration(undefined, { memory: Infinity });
    a.recordOutcome({ kind, route: "autonomous", outcome: "overridden", modelFailure: 0.42 });
    a.recordOutcome({ kind, route: "autonomous", outcome: "succeeded", modelFailure: 0.05 });
    const snapshot = JSON.parse(JSON.stringify(a.snapshot()));
    expect(snapshot.entries).toEqual([
      {
        kind,
        route: "autonomous",
        successes: 1,
        failures: 1,
        overridden: 1,
        modelled: [
          { bin: 0, outcomes: 1, failures: 0, expected: 0.05 },
          { bin: 4, outcomes: 1, failures: 1, expected: 0.42 },
        ],
      },
    ]);
    const b = createCalibration(snapshot, { memory: Infinity });
    expect(b.snapshotId).toBe(a.snapshotId);
    expect(b.agentPrior(kind, 0.42, 10)).toEqual(a.agentPrior(kind, 0.42, 10));
    expect(b.visibleShare(kind, 0.5, 10)).toBe(a.visibleShare(kind, 0.5, 10));
  });

  it("counts outcomes without the model's estimate after ones with it, and a restored calibration decides alike", () => {
    // The defect: after one model-carrying outcome, later outcomes without an estimate never reached the Beta counts.
    const a = createCalibration();
    a.recordOutcome({ kind, route: "autonomous", outcome: "succeeded", modelFailure: 0.3 });
    expect(a.agentPrior(kind, 0.3, 10).counts).toEqual({ successes: 0, failures: 0 });
    for (let i = 0; i < 5; i++) a.recordOutcome({ kind, route: "supervised", outcome: "failed" });
    expect(a.agentCounts(kind)).toEqual({ successes: 1, failures: 5 });
    expect(a.agentPrior(kind, 0.3, 10).counts).toEqual({ successes: 0, failures: 5 });
    a.recordOutcome({ kind, route: "autonomous", outcome: "overridden", modelFailure: 0.6 });
    a.recordOutcome({ kind, route: "autonomous", outcome: "succeeded" });
    expect(a.agentPrior(kind, 0.3, 10).counts).toEqual({ successes: 1, failures: 5 });

    const b = createCalibration(JSON.parse(JSON.stringify(a.snapshot())));
    expect(b.snapshotId).toBe(a.snapshotId);
    for (const m of [0.05, 0.3, 0.6, 0.95]) expect(b.agentPrior(kind, m, 10)).toEqual(a.agentPrior(kind, m, 10));
    expect(b.visibleShare(kind, 0.2, 10)).toBe(a.visibleShare(kind, 0.2, 10));
  });

  it("restores exactly what it saved, forgetting included, over any interleaving of outcomes", () => {
    const outcome = fc.record({
      kind: fc.constantFrom("data.transform", "data.load", "code.fix"),
      route: fc.constantFrom<Route>("autonomous", "supervised", "human"),
      outcome: fc.constantFrom("succeeded" as const, "failed" as const, "overridden" as const),
      modelFailure: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (outcomes, m) => {
        const a = createCalibration(undefined, { memory: 7 });
        for (const o of outcomes) a.recordOutcome(o.modelFailure === undefined ? { kind: o.kind, route: o.route, outcome: o.outcome } : o);
        const b = createCalibration(JSON.parse(JSON.stringify(a.snapshot())), { memory: 7 });
        expect(b.snapshotId).toBe(a.snapshotId);
        for (const kind of ["data.transform", "data.load", "code.fix", "ops.page"]) {
          const pa = a.agentPrior(kind, m, 10);
          const pb = b.agentPrior(kind, m, 10);
          expect(pb.counts).toEqual(pa.counts);
          expect(pb.prior).toBeCloseTo(pa.prior, 9);
          expect(b.visibleShare(kind, 0.3, 10)).toBeCloseTo(a.visibleShare(kind, 0.3, 10), 9);
          expect(b.agentCounts(kind)).toEqual(a.agentCounts(kind));
          expect(b.humanCounts(kind)).toEqual(a.humanCounts(kind));
          // Counts without an estimate are what the Beta update sees: every agent outcome minus the model-carrying ones.
          const agent = outcomes.filter((o) => o.kind === kind && o.route !== "human");
          const plain = agent.filter((o) => o.modelFailure === undefined);
          expect(pa.counts).toEqual({ successes: plain.filter((o) => o.outcome === "succeeded").length, failures: plain.filter((o) => o.outcome !== "succeeded").length });
        }
      }),
    );
  });

  it("gives decisions the model's estimate to pass back with the outcome", () => {
    const router = createRouter();
    const d = router.decide(translate);
    // Of what the first attempt gets wrong (initialFailure), feedback repairs the checkable part (the score).
    expect(d.calibration.modelFailure).toBeCloseTo(router.policy.model.initialFailure * (1 - d.convergence.score), 12);
    expect(d.calibration.agentFailure).toBeCloseTo(d.calibration.modelFailure, 12);
  });
});

describe("monotoneMap", () => {
  it("is the identity without outcomes and never falls as the model's estimate rises", () => {
    expect(monotoneMap([], 10)(0.3)).toBe(0.3);
    // Found by the property below: a subnormal model estimate once lost the map's value to underflow.
    const tiny = monotoneMap([{ outcomes: 4, failures: 4, expected: 4 * 1e-323 }, { outcomes: 7, failures: 7, expected: 1.4 }], 10);
    expect(tiny(1e-323)).toBeCloseTo(4 / 14, 12); // the first point's own value (was 0.5)
    expect(tiny(1e-323)).toBeLessThanOrEqual(tiny(1.5e-323));
    fc.assert(
      fc.property(
        fc.array(fc.record({ outcomes: fc.integer({ min: 0, max: 50 }), failures: fc.integer({ min: 0, max: 50 }), x: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 10, maxLength: 10 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (raw, a, b) => {
          const bins = raw.map((r, i) => {
            const outcomes = r.outcomes;
            const x = (i + r.x * 0.999) / 10;
            return { outcomes, failures: Math.min(r.failures, outcomes), expected: outcomes * x };
          });
          const map = monotoneMap(bins, 10);
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(map(lo)).toBeLessThanOrEqual(map(hi) + 1e-12);
          expect(map(hi)).toBeLessThanOrEqual(1);
          expect(map(lo)).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});

describe("approved outcomes", () => {
  it("weigh a reviewer's approval by what reviewers miss (Bayes), so catches plus approvals add back up to the true rate", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.double({ min: 0, max: 0.99, noNaN: true }), (p, q) => {
        const share = approvedFailure(p, q);
        expect(share).toBeGreaterThanOrEqual(0);
        expect(share).toBeLessThanOrEqual(p + 1e-12);
        // At the true rate p: a share p·q is caught (a failure each), the rest approved (share each).
        expect(p * q + (1 - p * q) * share).toBeCloseTo(p, 12);
      }),
    );
    expect(approvedFailure(0.4, 1)).toBe(0);
    expect(approvedFailure(0.4, 0)).toBeCloseTo(0.4, 12);
    // Inputs a hair outside [0, 1] (fractional counts round) still give a share an outcome accepts.
    fc.assert(
      fc.property(fc.double({ min: -0.1, max: 1.1, noNaN: true }), fc.double({ min: -0.1, max: 1.1, noNaN: true }), (p, q) => {
        const share = approvedFailure(p, q);
        expect(share >= 0 && share <= 1).toBe(true);
      }),
    );
  });

  it("always hand decisions a share their approval is accepted with, over any mix of outcomes (found by the worlds bench)", () => {
    const outcome = fc.record({
      route: fc.constantFrom<Route>("autonomous", "supervised"),
      outcome: fc.constantFrom("succeeded" as const, "failed" as const, "overridden" as const, "approved" as const),
      modelFailure: fc.double({ min: 0, max: 1, noNaN: true }),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 80 }), fc.double({ min: 0, max: 1, noNaN: true }), (outcomes, q) => {
        const router = createRouter({ policy: { id: "shares", version: 1, human: { reviewCatchRate: q } } });
        for (const o of outcomes) {
          const d = router.decide(translate);
          router.recordOutcome({
            kind: translate.kind,
            route: o.route,
            outcome: o.outcome,
            modelFailure: o.modelFailure,
            ...(o.outcome === "approved" ? { failureShare: o.share } : {}),
          });
          const share = d.calibration.approvedFailure;
          expect(share >= 0 && share <= 1).toBe(true);
          expect(d.calibration.agentFailure >= 0 && d.calibration.agentFailure <= 1).toBe(true);
        }
        const last = router.decide(translate);
        router.recordOutcome({ kind: translate.kind, route: "supervised", outcome: "approved", failureShare: last.calibration.approvedFailure });
      }),
    );
  });

  it("count as a share of a failure, survive a snapshot, and are refused without their share or on a human route", () => {
    const c = createCalibration();
    c.recordOutcome({ kind: "k", route: "supervised", outcome: "approved", failureShare: 0.25 });
    c.recordOutcome({ kind: "k", route: "supervised", outcome: "overridden" });
    expect(c.agentCounts("k")).toEqual({ successes: 0.75, failures: 1.25 });
    expect(createCalibration(JSON.parse(JSON.stringify(c.snapshot()))).agentCounts("k")).toEqual({ successes: 0.75, failures: 1.25 });
    const refused = (o: unknown) => {
      try {
        c.recordOutcome(o as never);
      } catch (error) {
        return isConvergentError(error) ? error.message : String(error);
      }
      return "accepted";
    };
    expect(refused({ kind: "k", route: "supervised", outcome: "approved" })).toMatch(/failureShare: an approved outcome needs failureShare/);
    expect(refused({ kind: "k", route: "human", outcome: "approved", failureShare: 0.1 })).toMatch(/route: approved is a reviewer's verdict/);
    expect(refused({ kind: "k", route: "supervised", outcome: "succeeded", failureShare: 0.1 })).toMatch(/failureShare: only approved outcomes/);
    expect(c.agentCounts("k")).toEqual({ successes: 0.75, failures: 1.25 });
  });

  it("learn the true failure rate of a kind whose truth never arrives, where counting approvals as successes or ignoring them does not", () => {
    const kind = "docs.summarise";
    const task = (i: number): Task => ({ id: `d-${i}`, kind, title: "Summarise", signals: { feedbackLatencySec: null, ruleClosure: 0.2 }, stakes: { cost: 500, reversible: true } });
    const truth = 0.4;
    const learn = (approval: "weighed" | "success" | "unknown") => {
      const router = createRouter({ policy: { id: "approvals", version: 1, human: { reviewCatchRate: 0.6 } } });
      let seed = 7;
      const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
      for (let i = 0; i < 3000; i++) {
        const d = router.decide(task(i));
        const wrong = random() < truth;
        const caught = wrong && random() < 0.6;
        if (caught) router.recordOutcome({ kind, route: "supervised", outcome: "overridden" });
        else if (approval === "weighed") router.recordOutcome({ kind, route: "supervised", outcome: "approved", failureShare: d.calibration.approvedFailure });
        else if (approval === "success") router.recordOutcome({ kind, route: "supervised", outcome: "succeeded" });
      }
      return router.decide(task(-1)).calibration.agentFailure;
    };
    expect(Math.abs(learn("weighed") - truth)).toBeLessThan(0.05);
    expect(learn("success")).toBeLessThan(truth - 0.1);
    expect(learn("unknown")).toBeGreaterThan(truth + 0.3);
  });
});
