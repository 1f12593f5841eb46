// The route cost formulas: the share of failures that show while the agent runs, and when they escalate.
import { describe, expect, it } from "vitest";
import { type CostParams, estimateRoutes, visibleFailureShare } from "./index.js";

const params: CostParams = { reviewerPerMinute: 1, reviewMinutes: 5, humanTaskMinutes: 30, agentPerAttempt: 0.05, humanErrorRate: 0.05, reviewCatchRate: 0.8 };

describe("visibleFailureShare", () => {
  it("is the checkable residual's share of the failure, and 0 without a feedback cycle or a checkable criterion", () => {
    expect(visibleFailureShare(0.8, 0.5, 3)).toBeCloseTo(0.4 / 0.6, 12);
    expect(visibleFailureShare(0.8, 0.5, 0)).toBe(0);
    expect(visibleFailureShare(0, 1, 4)).toBe(0);
    expect(visibleFailureShare(1, 0, 4)).toBe(0);
  });
});

describe("estimateRoutes", () => {
  it("charges a failure that shows a person's takeover instead of the stakes", () => {
    const plain = estimateRoutes(params, 0.4, 0.05, 2, 10_000);
    const shows = estimateRoutes(params, 0.4, 0.05, 2, 10_000, 0.75);
    expect(plain.autonomous.total).toBeCloseTo(0.1 + 0.4 * 10_000, 9);
    // 0.3 of the runs escalate (30 min, 5% human error), 0.1 fail silently.
    expect(shows.autonomous.humanMinutes).toBeCloseTo(0.3 * 30, 9);
    expect(shows.autonomous.failureProbability).toBeCloseTo(0.1 + 0.3 * 0.05, 12);
    expect(shows.autonomous.total).toBeCloseTo(0.1 + 9 + 0.115 * 10_000, 9);
    expect(shows.supervised.failureProbability).toBeCloseTo(0.1 * 0.2 + (0.3 + 0.08) * 0.05, 12);
    expect(shows.human).toEqual(plain.human);
  });

  it("lets a visible failure fail when a person costs more than the stakes", () => {
    expect(estimateRoutes(params, 0.4, 0.05, 2, 20, 0.75)).toEqual(estimateRoutes(params, 0.4, 0.05, 2, 20));
  });
});
