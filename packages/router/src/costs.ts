// Expected cost of each route (DESIGN.md §4): agent tokens, reviewer minutes, and failures weighted by stakes.
import type { Route } from "./taskSchema.js";

/** Cost parameters in force for one kind. */
export interface CostParams {
  readonly reviewerPerMinute: number;
  readonly reviewMinutes: number;
  readonly humanTaskMinutes: number;
  readonly agentPerAttempt: number;
  readonly humanErrorRate: number;
  readonly reviewCatchRate: number;
}

/** What one route is expected to cost for one task. */
export interface RouteEstimate {
  /** Probability that a failure goes undetected on this route. */
  readonly failureProbability: number;
  /** Agent spend (attempts × cost per attempt). */
  readonly agentCost: number;
  /** Minutes of people's time. */
  readonly humanMinutes: number;
  /** failureProbability × effective stakes. */
  readonly failureCost: number;
  /** The expected total the router compares. */
  readonly total: number;
}

/**
 * Expected costs per route, each linear in the effective stakes S:
 * - autonomous: agent + p·S
 * - supervised: agent + review + p·q·(rework by a person) + (p·(1−q) + p·q·e)·S
 * - human: task minutes + e·S
 * with p the agent's failure probability, q the review catch rate and e the human error rate.
 */
export function estimateRoutes(
  params: CostParams,
  agentFailure: number,
  humanError: number,
  attempts: number,
  effectiveStakes: number,
): Record<Route, RouteEstimate> {
  const rate = params.reviewerPerMinute;
  const agentCost = params.agentPerAttempt * attempts;
  const q = params.reviewCatchRate;
  const caught = agentFailure * q;
  const supervisedMinutes = params.reviewMinutes + caught * params.humanTaskMinutes;
  const supervisedFailure = agentFailure * (1 - q) + caught * humanError;
  return {
    autonomous: route(agentFailure, agentCost, 0, rate, effectiveStakes),
    supervised: route(supervisedFailure, agentCost, supervisedMinutes, rate, effectiveStakes),
    human: route(humanError, 0, params.humanTaskMinutes, rate, effectiveStakes),
  };
}

function route(failureProbability: number, agentCost: number, humanMinutes: number, rate: number, stakes: number): RouteEstimate {
  const failureCost = failureProbability * stakes;
  return { failureProbability, agentCost, humanMinutes, failureCost, total: agentCost + humanMinutes * rate + failureCost };
}

/**
 * Expected agent attempts: enough feedback cycles for the error to fall to `targetError`, capped by the
 * attempt budget; the whole budget when the loop does not converge.
 */
export function expectedAttempts(errorFactor: number | null, targetError: number, maxAttempts: number): number {
  if (errorFactor === null || errorFactor >= 1) return maxAttempts;
  if (errorFactor <= 0) return 1;
  const needed = Math.ceil(Math.log(targetError) / Math.log(errorFactor));
  return needed < 1 ? 1 : needed > maxAttempts ? maxAttempts : needed;
}
