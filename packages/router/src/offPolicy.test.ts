import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LoggedRun, type Route, type Task, createRouter, evaluateOffPolicy, routes } from "./index.js";
import { unitHash } from "./hash.js";

const translate = (id: string): Task => ({
  id,
  kind: "i18n.translate-ui",
  title: "Translate checkout strings",
  signals: { feedbackLatencySec: 5, ruleClosure: 0.6, driftHalfLifeSec: 15_552_000, horizonSec: 3600 },
  stakes: { cost: 200, reversible: true },
});

describe("evaluateOffPolicy", () => {
  it("reproduces the log exactly when the policy is the one that logged it", () => {
    const router = createRouter();
    const runs: LoggedRun[] = Array.from({ length: 50 }, (_, i) => {
      const task = translate(`t-${i}`);
      return { task, route: router.decide(task).route, result: "succeeded", propensity: 1, cost: 10 + (i % 7) };
    });
    const report = evaluateOffPolicy(createRouter(), runs);
    expect(report.matched).toBe(50);
    expect(report.effectiveSampleSize).toBeCloseTo(50, 9);
    expect(report.inversePropensity.mean).toBeCloseTo(report.logged.mean, 9);
    expect(report.doublyRobust.mean).toBeCloseTo(report.logged.mean, 9);
    expect(report.doublyRobust.low).toBeLessThan(report.doublyRobust.mean);
  });

  it("recovers what a policy costs from a log of random routes, within its confidence interval", () => {
    // The truth: each route costs this on these tasks, whatever the router's model says.
    const truth: Record<Route, number> = { autonomous: 60, supervised: 25, human: 40 };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
        const runs: LoggedRun[] = Array.from({ length: 3000 }, (_, i) => {
          const task = translate(`s${seed}-${i}`);
          const route = routes[Math.floor(unitHash(`${seed}:${i}`) * 3)]!;
          const noise = (unitHash(`noise:${seed}:${i}`) - 0.5) * 20;
          return { task, route, result: "succeeded", propensity: 1 / 3, cost: truth[route] + noise };
        });
        const report = evaluateOffPolicy(createRouter(), runs);
        const chosen = createRouter().decide(translate("x")).route;
        expect(report.routeMix[chosen]).toBe(3000);
        for (const e of [report.inversePropensity, report.doublyRobust]) {
          expect(e.low).toBeLessThanOrEqual(truth[chosen] + 1.5);
          expect(e.high).toBeGreaterThanOrEqual(truth[chosen] - 1.5);
        }
        // Doubly robust is the tighter of the two: the model removes most of the reweighting's variance.
        expect(report.doublyRobust.high - report.doublyRobust.low).toBeLessThan(report.inversePropensity.high - report.inversePropensity.low);
      }),
      { numRuns: 10 },
    );
  });

  it("prices a run from the policy when the log gives no cost", () => {
    const router = createRouter();
    const task = translate("t");
    const report = evaluateOffPolicy(router, [{ task, route: "human", result: "failed", propensity: 1 }]);
    const c = router.costsFor(task.kind);
    expect(report.logged.mean).toBeCloseTo(c.humanTaskMinutes * c.reviewerPerMinute + 200, 9);
  });
});
