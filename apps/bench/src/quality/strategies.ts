// The routers ConvergeBench compares: Convergent's router, the baselines a team would otherwise use, and the
// oracles. Each routes a whole table at one setting of its knob, so a sweep of the knob draws its cost–failure curve.
import { type Calibration, type Decision, type Outcome, type PolicyInput, createCalibration, createRouter } from "@convergent/router";
import { mixSeed } from "./latentTasks.js";
import { type OutcomeTable, expectedCost, realisedCost } from "./outcomeTable.js";
import { familyOfKind } from "./families.js";
import type { RouteAssignment } from "./metrics.js";
import { type BenchRoute, type TaskRealisation, benchRoutes } from "./world.js";

/** A way of routing every task of a table, with one knob that trades people's minutes against failures. */
export interface Strategy {
  readonly id: string;
  readonly name: string;
  /** What the knob is, in words. */
  readonly knob: string;
  /** The knob's values swept for the curve (one value for a fixed rule). */
  readonly knobs: readonly number[];
  /** The knob's value at the operating point the report's table shows. */
  readonly defaultKnob: number;
  /** The route of every task (in every evaluated realisation) of the table at this knob. */
  routes(knob: number): RouteAssignment;
}

/** What calibration records for a task's realised run on a route. */
export function outcomeOf(route: BenchRoute, realisation: Pick<TaskRealisation, "outcomes">): Outcome["outcome"] {
  const o = realisation.outcomes[route];
  if (route === "human") return o.failed ? "failed" : "succeeded";
  if (!o.agentFailed) return "succeeded";
  // A person took over (escalation) or rejected the result (review): overridden. Otherwise the failure surfaced later.
  return o.humanMinutes > 0 ? "overridden" : "failed";
}

/** The outcome a run reports to calibration, carrying the model's estimate from its decision. */
export function outcomeRecord(kind: string, decision: Pick<Decision, "route" | "calibration">, realisation: Pick<TaskRealisation, "outcomes">): Outcome {
  return { kind, route: decision.route, outcome: outcomeOf(decision.route, realisation), modelFailure: decision.calibration.modelFailure };
}

/** A fixed route for every task. */
export function alwaysStrategy(route: BenchRoute, table: OutcomeTable): Strategy {
  return { id: `always-${route}`, name: `always ${route}`, knob: "none", knobs: [0], defaultKnob: 0, routes: () => () => route };
}

/** The share of people's routes swept by the random baseline. */
export const randomShares: readonly number[] = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** Human with probability `share` (drawn from the task's index), autonomous otherwise. */
export function randomStrategy(table: OutcomeTable, seed: number, defaultShare: number): Strategy {
  const u = table.tasks.map((t) => mixSeed(seed, t.latent.index, 5) / 4294967296);
  return {
    id: "random",
    name: "random (router's human rate)",
    knob: "share of tasks sent to a person",
    knobs: [...new Set([...randomShares, defaultShare])].sort((a, b) => a - b),
    defaultKnob: defaultShare,
    routes: (share) => (i) => (u[i]! < share ? "human" : "autonomous"),
  };
}

/** Confidence thresholds swept by the A2I-style baseline. */
export const confidenceThresholds: readonly number[] = Array.from({ length: 20 }, (_, i) => Math.round((i * 0.05) * 100) / 100).concat([0.97, 0.99]);

/** Share of confident results still sent to review by the A2I-style random audit. */
export const auditShare = 0.05;

/**
 * AWS-A2I style: the agent runs; a result whose confidence is below the threshold goes to review, and a random
 * `auditShare` of the rest too.
 */
export function a2iStrategy(table: OutcomeTable, seed: number, threshold: number): Strategy {
  const audit = table.tasks.map((t) => mixSeed(seed, t.latent.index, 6) / 4294967296 < auditShare);
  return {
    id: "a2i",
    name: "A2I-style confidence threshold + audit",
    knob: "confidence threshold",
    knobs: [...new Set([...confidenceThresholds, threshold])].sort((a, b) => a - b),
    defaultKnob: threshold,
    routes: (t) => (i, rep) => (table.runs[i]![rep]!.postConfidence < t || audit[i] ? "supervised" : "autonomous"),
  };
}

/** The threshold with the least realised total cost on a tuning table (a separate seed), at `perMinute`. */
export function tuneA2iThreshold(tuning: OutcomeTable, seed: number, perMinute: number): number {
  const strategy = a2iStrategy(tuning, seed, 0.5);
  let best = 0.5;
  let bestCost = Infinity;
  for (const t of confidenceThresholds) {
    const route = strategy.routes(t);
    let cost = 0;
    for (let i = 0; i < tuning.tasks.length; i++) for (let r = 0; r < tuning.evalReps; r++) cost += realisedCost(tuning, i, r, route(i, r), perMinute);
    if (cost < bestCost) {
      bestCost = cost;
      best = t;
    }
  }
  return best;
}

/** Miscoverage levels α swept by the conformal baseline. */
export const conformalLevels: readonly number[] = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];

/**
 * KnowNo style: split conformal prediction on the agent's confidence before it runs, calibrated on a separate
 * table. The prediction set holds every outcome whose nonconformity is within the calibrated quantile; unless it is
 * exactly {success}, the agent asks for help (supervised).
 */
export function conformalStrategy(table: OutcomeTable, calibrationTable: OutcomeTable, defaultAlpha: number): Strategy {
  const scores = calibrationTable.preConfidence
    .map((conf, i) => (calibrationTable.realised[i]!.outcomes.autonomous.agentFailed ? conf : 1 - conf))
    .sort((a, b) => a - b);
  const quantile = (alpha: number) => {
    const n = scores.length;
    const rank = Math.ceil((n + 1) * (1 - alpha));
    return rank > n ? Infinity : scores[Math.max(0, rank - 1)]!;
  };
  return {
    id: "conformal",
    name: "KnowNo-style conformal threshold",
    knob: "miscoverage α",
    knobs: [...new Set([...conformalLevels, defaultAlpha])].sort((a, b) => b - a),
    defaultKnob: defaultAlpha,
    routes(alpha) {
      const q = quantile(alpha);
      const routes = table.preConfidence.map((conf): BenchRoute => {
        const success = 1 - conf <= q;
        const failure = conf <= q;
        return success && !failure ? "autonomous" : "supervised";
      });
      return (i) => routes[i]!;
    },
  };
}

/**
 * LangChain interrupt-on-tool style: static per-kind rules. Knob 0: nothing interrupted; 1 (the usual setup): kinds
 * with side-effecting tools pause for approval; 2: every kind pauses; 3: side-effecting kinds go to a person.
 */
export function staticRulesStrategy(table: OutcomeTable): Strategy {
  const interrupt = table.tasks.map((t) => familyOfKind(t.latent.kind)?.interruptKinds.includes(t.latent.kind) ?? false);
  return {
    id: "static-rules",
    name: "static per-kind rules (interrupt on tool)",
    knob: "0 none, 1 side-effect kinds approved, 2 all approved, 3 side-effect kinds to a person",
    knobs: [0, 1, 2, 3],
    defaultKnob: 1,
    routes: (k) => (i) => {
      const side = interrupt[i]!;
      return k === 0 ? "autonomous" : k === 1 ? (side ? "supervised" : "autonomous") : k === 2 ? "supervised" : side ? "human" : "supervised";
    },
  };
}

/** Prices of a reviewer's minute swept by the cost-based routers (the router's and the oracle's knob). */
export const perMinuteKnobs: readonly number[] = [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13, 20, 40, 100, 300, 1000];

/** Per task, the route with the least expected cost given the latent truth. */
export function oracleStrategy(table: OutcomeTable, perMinute: number): Strategy {
  return {
    id: "oracle",
    name: "oracle (least expected cost)",
    knob: "price of a reviewer's minute",
    knobs: perMinuteKnobs,
    defaultKnob: perMinute,
    routes(m) {
      const routes = table.tasks.map((_, i) => cheapest((r) => expectedCost(table, i, r, m)));
      return (i) => routes[i]!;
    },
  };
}

/** Per task, the route that in fact cost least (knows how each run turned out). */
export function hindsightStrategy(table: OutcomeTable, perMinute: number): Strategy {
  return {
    id: "hindsight",
    name: "hindsight oracle",
    knob: "price of a reviewer's minute",
    knobs: perMinuteKnobs,
    defaultKnob: perMinute,
    routes: (m) => (i, rep) => cheapest((r) => realisedCost(table, i, rep, r, m)),
  };
}

function cheapest(cost: (route: BenchRoute) => number): BenchRoute {
  let best: BenchRoute = "human";
  let bestCost = cost("human");
  for (const r of benchRoutes) {
    const c = cost(r);
    if (c < bestCost) {
      best = r;
      bestCost = c;
    }
  }
  return best;
}

/** Options of {@link convergentStrategy}. */
export interface ConvergentStrategyOptions {
  readonly table: OutcomeTable;
  /** The policy at one price of a reviewer's minute. */
  readonly policy: (perMinute: number) => PolicyInput;
  /** Outcomes learned before the evaluation (from the warm-up stream). */
  readonly calibration: Calibration;
  readonly perMinute: number;
}

/** Convergent's router, calibrated on the warm-up stream, at each price of a reviewer's minute. */
export function convergentStrategy(options: ConvergentStrategyOptions): Strategy {
  const snapshot = options.calibration.snapshot();
  return {
    id: "convergent",
    name: "Convergent router",
    knob: "price of a reviewer's minute",
    knobs: perMinuteKnobs,
    defaultKnob: options.perMinute,
    routes(m) {
      const router = createRouter({ policy: options.policy(m), calibration: createCalibration(snapshot) });
      const routes = options.table.tasks.map((t) => router.decide(t.observed).route);
      return (i) => routes[i]!;
    },
  };
}

/** Streams a table through a router in order, feeding each realised outcome to its calibration at once. */
export function warmUpCalibration(table: OutcomeTable, policy: PolicyInput, calibration: Calibration = createCalibration()): Calibration {
  const router = createRouter({ policy, calibration });
  table.tasks.forEach((t, i) => {
    const decision = router.decide(t.observed);
    router.recordOutcome(outcomeRecord(t.latent.kind, decision, table.realised[i]!));
  });
  return calibration;
}
