// The policy ConvergeBench routes under: what a careful operator knows about each kind of work (typical minutes,
// people's error and catch rates, agent spend), never the latent truth of a task.
import type { PolicyInput } from "@convergent/router";
import { type Range, dollarsPerToken, qualityFamilies } from "./families.js";

const geometricMid = ([a, b]: Range) => Math.sqrt(a * b);
const mid = ([a, b]: Range) => (a + b) / 2;
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Options of {@link qualityPolicy}. */
export interface QualityPolicyOptions {
  /** What a reviewer's minute costs (the router's knob on the cost–failure curve); 1 by default. */
  readonly reviewerPerMinute?: number;
  /** Agent attempts a run may make; 8 by default. */
  readonly maxAttempts?: number;
}

/**
 * The policy of the router under test: the default policy plus per-kind typical costs. The operator's figures are the
 * middle of each family's range, so tasks still differ from them.
 *
 * @example
 * ```ts
 * const router = createRouter({ policy: qualityPolicy({ reviewerPerMinute: 2 }) });
 * ```
 */
export function qualityPolicy(options: QualityPolicyOptions = {}): PolicyInput {
  const perMinute = options.reviewerPerMinute ?? 1;
  return {
    id: "convergebench",
    version: 1,
    description: "ConvergeBench: the default policy with each kind's typical minutes, people's error rates and agent spend.",
    costs: { currency: "USD", reviewerPerMinute: perMinute, agentPerAttempt: 0.05 },
    budgets: { maxAttempts: options.maxAttempts ?? 8 },
    kinds: qualityFamilies.flatMap((f) =>
      f.kinds.map((kind) => ({
        kind,
        costs: {
          humanTaskMinutes: round(geometricMid(f.humanMinutes), 1),
          reviewMinutes: round(geometricMid(f.reviewMinutes), 1),
          agentPerAttempt: round(geometricMid(f.tokens) * dollarsPerToken, 4),
        },
        human: { errorRate: round(mid(f.humanError), 3), reviewCatchRate: round(mid(f.reviewCatch), 3) },
      })),
    ),
  };
}
