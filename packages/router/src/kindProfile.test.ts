import { describe, expect, it } from "vitest";
import { resolveKind } from "./kindProfile.js";
import { validatePolicy } from "./policy.js";

describe("resolveKind", () => {
  const policy = validatePolicy({
    id: "kinds",
    version: 1,
    costs: { humanTaskMinutes: 30 },
    budgets: { maxAttempts: 8, maxWallSec: 600 },
    kinds: [
      { kind: "legal.*", costs: { humanTaskMinutes: 120 }, budgets: { maxAttempts: 3 }, shadow: { share: 0.5 } },
      { kind: "legal.review", costs: { reviewMinutes: 20 }, human: { errorRate: 0.02 }, model: { initialFailure: 0.8 }, budgets: { maxWallSec: 60 } },
    ],
  });

  it("applies every matching entry in order, field by field, and leaves other kinds at the policy's values", () => {
    const legal = resolveKind(policy, "legal.review");
    expect(legal.costs).toMatchObject({ humanTaskMinutes: 120, reviewMinutes: 20, currency: policy.costs.currency });
    expect(legal.budgets).toEqual({ ...policy.budgets, maxAttempts: 3, maxWallSec: 60 });
    expect(legal).toMatchObject({ initialFailure: 0.8, human: { errorRate: 0.02 }, shadow: { share: 0.5, untilOutcomes: 100 } });
    expect(resolveKind(policy, "legal.draft")).toMatchObject({ costs: { humanTaskMinutes: 120, reviewMinutes: policy.costs.reviewMinutes }, budgets: { maxAttempts: 3, maxWallSec: 600 } });
    expect(resolveKind(policy, "code.fix")).toEqual({ costs: policy.costs, human: policy.human, initialFailure: policy.model.initialFailure, shadow: policy.shadow, budgets: policy.budgets });
  });
});
