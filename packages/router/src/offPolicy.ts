// Off-policy evaluation: what a policy would have cost on a log of past runs, each with the route it took and how it
// ended — inverse-propensity and doubly-robust estimates with confidence intervals (DESIGN.md §4, simulation).
import { z } from "zod";
import { outcomeKinds } from "./calibration.js";
import type { Decision } from "./decisionSchema.js";
import type { Router } from "./router.js";
import { type Route, type Task, routeSchema } from "./taskSchema.js";

/**
 * One logged run: the task, the route it took, how it ended, and — when known — the probability that the logging
 * policy would take that route (1 for a deterministic router; an explored decision's is its exploration share) and
 * what the run cost in the policy's currency (agent spend, people's time and a failure's stakes).
 */
export const loggedRunSchema = z.strictObject({
  task: z.unknown().describe("The task, as `route` takes it."),
  route: routeSchema.describe("The route the run took."),
  result: z.enum(outcomeKinds).describe("overridden: a person rejected or replaced the result."),
  propensity: z.number().gt(0).max(1).default(1).describe("Probability the logging policy chose this route for this task."),
  cost: z.number().min(0).optional().describe("What the run cost; computed from the evaluated policy's prices when left out."),
});

/** One logged run, validated (its task too). */
export interface LoggedRun {
  readonly task: Task;
  readonly route: Route;
  readonly result: (typeof outcomeKinds)[number];
  readonly propensity: number;
  readonly cost?: number | undefined;
}

/** An estimate with its 95% confidence interval (normal approximation). */
export interface Estimate {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/** What a policy would have cost per task on a log, estimated three ways, beside what the log's runs cost. */
export interface OffPolicyReport {
  readonly policy: { readonly id: string; readonly version: number; readonly hash: string };
  readonly runs: number;
  /** Runs where the policy takes the logged route. */
  readonly matched: number;
  /** What the logged runs cost per task. */
  readonly logged: Estimate;
  /** The router's own expected cost of its routes (direct method; trusts the model). */
  readonly direct: Estimate;
  /** Inverse propensity: the logged cost of the runs it agrees with, reweighted (unbiased with full support; only the matched runs count). */
  readonly inversePropensity: Estimate;
  /** Doubly robust: the direct estimate corrected by the matched runs' residuals (unbiased if either the model or the propensities are right). */
  readonly doublyRobust: Estimate;
  /** Kish's effective sample size of the inverse-propensity weights. */
  readonly effectiveSampleSize: number;
  /** The policy's route mix on the log's tasks. */
  readonly routeMix: Readonly<Record<Route, number>>;
}

/**
 * What a logged run cost, from the evaluated policy's prices when the log does not say: agent spend on agent routes
 * (the expected attempts), people's minutes (the task on the human route, the review on the supervised one, the
 * task again after an override), and the stakes when it failed unnoticed.
 */
export function loggedCost(run: LoggedRun, decision: Decision, router: Router): number {
  if (run.cost !== undefined) return run.cost;
  const c = router.costsFor(run.task.kind);
  const rate = c.reviewerPerMinute;
  const redo = run.result === "overridden" ? c.humanTaskMinutes : 0;
  const failed = run.result === "failed" ? decision.stakes.effective : 0;
  switch (run.route) {
    case "human":
      return c.humanTaskMinutes * rate + failed;
    case "supervised":
      return decision.estimates.supervised.agentCost + (c.reviewMinutes + redo) * rate + failed;
    case "autonomous":
      return decision.estimates.autonomous.agentCost + redo * rate + failed;
  }
}

function estimate(values: readonly number[]): Estimate {
  const n = values.length;
  if (n === 0) return { mean: 0, low: 0, high: 0 };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  const half = n > 1 ? 1.959963984540054 * Math.sqrt(sq / (n - 1) / n) : 0;
  return { mean, low: mean - half, high: mean + half };
}

/**
 * Evaluates a router's policy on a log of runs it did not make. The router decides every logged task (it is not
 * taught the log's outcomes); each run's cost is compared where the policy agrees with the logged route, and the
 * router's expected costs stand in where it does not.
 *
 * @example
 * ```ts
 * const report = evaluateOffPolicy(createRouter({ policy: proposed }), runs);
 * report.doublyRobust; // { mean: 41.2, low: 37.9, high: 44.5 }
 * ```
 */
export function evaluateOffPolicy(router: Router, runs: Iterable<LoggedRun>): OffPolicyReport {
  const logged: number[] = [];
  const direct: number[] = [];
  const ips: number[] = [];
  const dr: number[] = [];
  const mix: Record<Route, number> = { autonomous: 0, supervised: 0, human: 0 };
  let matched = 0;
  let weights = 0;
  let squares = 0;
  for (const run of runs) {
    const decision = router.decide(run.task);
    const cost = loggedCost(run, decision, router);
    const mine = decision.route;
    mix[mine]++;
    const w = mine === run.route ? 1 / run.propensity : 0;
    if (w > 0) matched++;
    weights += w;
    squares += w * w;
    logged.push(cost);
    direct.push(decision.expectedCost[mine]);
    ips.push(w * cost);
    dr.push(decision.expectedCost[mine] + w * (cost - decision.expectedCost[run.route]));
  }
  return {
    policy: router.policyRef,
    runs: logged.length,
    matched,
    logged: estimate(logged),
    direct: estimate(direct),
    inversePropensity: estimate(ips),
    doublyRobust: estimate(dr),
    effectiveSampleSize: squares === 0 ? 0 : (weights * weights) / squares,
    routeMix: mix,
  };
}
