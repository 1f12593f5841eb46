// Simulation: replay a policy over a stream of tasks and, against a second policy, show which routes change and why.
import type { Decision } from "./decisionSchema.js";
import type { Policy, PolicyInput } from "./policySchema.js";
import { type Router, createRouter } from "./router.js";
import type { Route, Task } from "./taskSchema.js";

/** What one policy does to a stream of tasks. */
export interface PolicySummary {
  readonly id: string;
  readonly version: number;
  readonly hash: string;
  readonly currency: string;
  /** Tasks decided. */
  readonly tasks: number;
  /** Tasks per route. */
  readonly routeMix: Record<Route, number>;
  /** Expected minutes of people's time. */
  readonly humanMinutes: number;
  /** Expected agent spend. */
  readonly agentCost: number;
  /** Expected cost of undetected failures (probability × effective stakes). */
  readonly expectedFailureCost: number;
  /** Expected total: agent + people's time + failures. */
  readonly expectedCost: number;
  /** Tasks that exploration moved one step more autonomous. */
  readonly explored: number;
}

/** A task whose route differs between the two policies, with both decisions' reasons. */
export interface RouteChange {
  readonly taskId: string;
  readonly kind: string;
  readonly from: Route;
  readonly to: Route;
  readonly reasons: { readonly from: readonly string[]; readonly to: readonly string[] };
}

/** The result of a simulation. */
export interface SimulationReport {
  /** One summary per policy: the first is the policy, the second (if any) the one it is compared against. */
  readonly policies: readonly PolicySummary[];
  /** Tasks whose route changes, at most `maxChanged` of them, in input order. */
  readonly changed: readonly RouteChange[];
  /** How many tasks change route in all. */
  readonly changedCount: number;
}

/** Options of {@link createSimulation} and {@link simulate}. */
export interface SimulateOptions {
  /** A second policy (or router) to compare against. */
  readonly against?: PolicyInput | Policy | Router;
  /** Most route changes kept with their reasons (all are counted); 1000 by default. */
  readonly maxChanged?: number;
}

/** A simulation fed one task at a time, so any number of tasks runs in flat memory. */
export interface Simulation {
  /** Decides one task under each policy and returns the decisions. */
  add(task: Task): readonly Decision[];
  /** The figures so far. */
  report(): SimulationReport;
}

function isRouter(value: unknown): value is Router {
  return typeof value === "object" && value !== null && typeof (value as Router).decide === "function";
}

function toRouter(value: PolicyInput | Policy | Router | undefined): Router {
  if (isRouter(value)) return value;
  return value === undefined ? createRouter() : createRouter({ policy: value });
}

interface Totals {
  tasks: number;
  routeMix: Record<Route, number>;
  humanMinutes: number;
  agentCost: number;
  expectedFailureCost: number;
  expectedCost: number;
  explored: number;
}

/** Starts a streaming simulation of `policy` (the default policy when undefined). */
export function createSimulation(policy: PolicyInput | Policy | Router | undefined, options: SimulateOptions = {}): Simulation {
  const routers = [toRouter(policy)];
  if (options.against !== undefined) routers.push(toRouter(options.against));
  const maxChanged = options.maxChanged ?? 1000;
  const totals: Totals[] = routers.map(() => ({
    tasks: 0,
    routeMix: { autonomous: 0, supervised: 0, human: 0 },
    humanMinutes: 0,
    agentCost: 0,
    expectedFailureCost: 0,
    expectedCost: 0,
    explored: 0,
  }));
  const changed: RouteChange[] = [];
  let changedCount = 0;

  return {
    add(task) {
      const decisions = routers.map((router, i) => {
        const d = router.decide(task);
        const t = totals[i]!;
        const e = d.estimates[d.route];
        t.tasks++;
        t.routeMix[d.route]++;
        t.humanMinutes += e.humanMinutes;
        t.agentCost += e.agentCost;
        t.expectedFailureCost += e.failureCost;
        t.expectedCost += e.total;
        if (d.explored) t.explored++;
        return d;
      });
      if (decisions.length === 2 && decisions[0]!.route !== decisions[1]!.route) {
        changedCount++;
        if (changed.length < maxChanged) {
          const [a, b] = decisions as [Decision, Decision];
          changed.push({ taskId: task.id, kind: task.kind, from: a.route, to: b.route, reasons: { from: a.reasons, to: b.reasons } });
        }
      }
      return decisions;
    },
    report() {
      return {
        policies: routers.map((router, i) => ({
          id: router.policyRef.id,
          version: router.policyRef.version,
          hash: router.policyRef.hash,
          currency: router.policy.costs.currency,
          ...totals[i]!,
          routeMix: { ...totals[i]!.routeMix },
        })),
        changed: [...changed],
        changedCount,
      };
    },
  };
}

/**
 * Replays a policy over tasks; with `against`, lists every task whose route changes and why.
 *
 * @example
 * ```ts
 * const report = simulate(currentPolicy, tasks, { against: proposedPolicy });
 * report.policies[1].humanMinutes - report.policies[0].humanMinutes; // minutes the change saves or costs
 * report.changed; // [{ taskId, from, to, reasons: { from, to } }]
 * ```
 */
export function simulate(policy: PolicyInput | Policy | Router | undefined, tasks: Iterable<Task>, options: SimulateOptions = {}): SimulationReport {
  const simulation = createSimulation(policy, options);
  for (const task of tasks) simulation.add(task);
  return simulation.report();
}
