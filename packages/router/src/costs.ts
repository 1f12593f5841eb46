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
 * Expected costs per route, each linear in the effective stakes S, with p the agent's failure probability, v the
 * share of those failures the sandbox and the monitor see (the run escalates to a person instead of failing
 * silently), q the review catch rate and e the human error rate:
 * - autonomous: agent + p·v·(task minutes + e·S) + p·(1−v)·S
 * - supervised: agent + review + (p·v + p·(1−v)·q)·(task minutes + e·S) + p·(1−v)·(1−q)·S
 * - human: task minutes + e·S
 * With v = 0 (the default) every agent failure goes unnoticed unless a reviewer catches it. A failure that shows
 * escalates only when a person's time plus their errors cost less than the stakes (otherwise v counts as 0).
 */
export function estimateRoutes(
  params: CostParams,
  agentFailure: number,
  humanError: number,
  attempts: number,
  effectiveStakes: number,
  visibleShare = 0,
): Record<Route, RouteEstimate> {
  const rate = params.reviewerPerMinute;
  const agentCost = params.agentPerAttempt * attempts;
  const q = params.reviewCatchRate;
  // A failure that shows escalates to a person only while that costs less than letting it fail: a visible
  // failure is then never dearer than a silent one, so more closure never makes a route dearer.
  const escalate = rate * params.humanTaskMinutes + humanError * effectiveStakes <= effectiveStakes;
  const visible = escalate ? agentFailure * visibleShare : 0;
  const hidden = agentFailure - visible;
  const caught = hidden * q;
  const autonomousMinutes = visible * params.humanTaskMinutes;
  const autonomousFailure = hidden + visible * humanError;
  const supervisedMinutes = params.reviewMinutes + (visible + caught) * params.humanTaskMinutes;
  const supervisedFailure = hidden * (1 - q) + (visible + caught) * humanError;
  return {
    autonomous: route(autonomousFailure, agentCost, autonomousMinutes, rate, effectiveStakes),
    supervised: route(supervisedFailure, agentCost, supervisedMinutes, rate, effectiveStakes),
    human: route(humanError, 0, params.humanTaskMinutes, rate, effectiveStakes),
  };
}

/**
 * The share of an agent's failures that show while it runs, from the convergence model: the checkable error
 * left after the feedback cycles (c·ρᵏ) shows in the sandbox's verdicts, so the run escalates to a person; the
 * unchecked part (1 − c) never shows. Without a feedback cycle nothing shows.
 */
export function visibleFailureShare(ruleClosure: number, residualError: number, cycles: number): number {
  if (cycles < 1) return 0;
  const visible = ruleClosure * residualError;
  const total = 1 - ruleClosure + visible;
  return total <= 0 ? 0 : visible / total;
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
