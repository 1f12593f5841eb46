// The router: rules first, then the cheapest allowed route by expected cost, with reasons a reviewer can read.
import { type Calibration, type Outcome, createCalibration, posteriorFailure } from "./calibration.js";
import { type CostParams, type RouteEstimate, estimateRoutes, expectedAttempts } from "./costs.js";
import type { Decision } from "./decisionSchema.js";
import { compileKindGlob } from "./glob.js";
import { unitHash } from "./hash.js";
import { normalQuantile } from "./normal.js";
import { defaultPolicy, policyHash, validatePolicy } from "./policy.js";
import type { Policy, PolicyInput } from "./policySchema.js";
import { type CompiledRule, type RuleContext, compileRule } from "./rules.js";
import { scoreConvergence } from "./scorer.js";
import {
  type ResolvedSignals,
  type SandboxFeedback,
  type SignalDefaults,
  type SignalEstimate,
  type SignalEstimator,
  missingSignals,
  resolveSignals,
} from "./signals.js";
import { type Route, type Task, routes } from "./taskSchema.js";

/** Options of {@link createRouter}. */
export interface RouterOptions {
  /** The policy (validated here; defaults filled in). The built-in default policy when left out. */
  readonly policy?: PolicyInput | Policy;
  /** Estimates signals that neither the task nor a sandbox gives (used by `decideAsync`). */
  readonly estimator?: SignalEstimator;
  /** Outcomes so far; a fresh, empty calibration when left out. */
  readonly calibration?: Calibration;
}

/** The policy a decision was made under. */
export interface PolicyRef {
  readonly id: string;
  readonly version: number;
  readonly hash: string;
}

/** A router for one policy. Pure: the same task, policy and calibration give the same decision. */
export interface Router {
  /** The validated policy. */
  readonly policy: Policy;
  /** Its id, version and content hash. */
  readonly policyRef: PolicyRef;
  /** The outcomes the router learns from. */
  readonly calibration: Calibration;
  /** Decides for a validated task (use `parseTask` at the edges); `estimate` fills signals nobody declared. */
  decide(task: Task, options?: { readonly estimate?: SignalEstimate }): Decision;
  /** Like `decide`, asking the router's estimator for signals nobody declared first. */
  decideAsync(task: Task): Promise<Decision>;
  /** Feeds one outcome to calibration. */
  recordOutcome(outcome: Outcome): void;
}

interface KindProfile {
  readonly costs: CostParams;
  readonly maxAttempts: number;
  readonly defaults: SignalDefaults;
  readonly sandbox: SandboxFeedback | undefined;
  readonly rules: readonly CompiledRule[];
}

const autonomy: Record<Route, number> = { autonomous: 0, supervised: 1, human: 2 };
const kindCacheLimit = 10_000;

/**
 * Creates a router for a policy.
 *
 * @example
 * ```ts
 * const router = createRouter({ policy: parsePolicy(yamlText, { source: "policy.yaml" }) });
 * const decision = router.decide(parseTask(json));
 * decision.route;   // "autonomous" | "supervised" | "human"
 * decision.reasons; // sentences a reviewer can read
 * ```
 */
export function createRouter(options: RouterOptions = {}): Router {
  const policy = options.policy === undefined ? defaultPolicy() : validatePolicy(options.policy, { source: "policy" });
  const policyRef: PolicyRef = { id: policy.id, version: policy.version, hash: policyHash(policy) };
  const calibration = options.calibration ?? createCalibration();
  const rules = policy.rules.map(compileRule);
  const sandboxes = policy.sandboxes.map((s) => ({ ...s, test: compileKindGlob(s.kind) }));
  const overrides = policy.kinds.map((k) => ({ ...k, test: compileKindGlob(k.kind) }));
  const z = policy.risk.mode === "averse" ? normalQuantile(policy.risk.credibleLevel) : 0;
  const currency = policy.costs.currency;
  const kindCache = new Map<string, KindProfile>();

  const profileFor = (kind: string): KindProfile => {
    const cached = kindCache.get(kind);
    if (cached !== undefined) return cached;
    let costs = { ...policy.costs };
    let human = { ...policy.human };
    let budgets = { maxAttempts: policy.budgets.maxAttempts, maxWallSec: policy.budgets.maxWallSec };
    for (const o of overrides) {
      if (!o.test(kind)) continue;
      costs = { ...costs, ...o.costs };
      human = { ...human, ...o.human };
      budgets = { ...budgets, ...o.budgets };
    }
    let sandbox: { feedbackLatencySec?: number; latencyFrom?: string; ruleClosure?: number; closureFrom?: string } | undefined;
    for (const s of sandboxes) {
      if (!s.test(kind)) continue;
      sandbox ??= {};
      const name = s.name === undefined ? `sandbox profile ${s.kind}` : `sandbox ${s.name} (${s.kind})`;
      if (s.feedbackLatencySec !== undefined && (sandbox.feedbackLatencySec === undefined || s.feedbackLatencySec < sandbox.feedbackLatencySec)) {
        sandbox.feedbackLatencySec = s.feedbackLatencySec;
        sandbox.latencyFrom = name;
      }
      if (s.ruleClosure !== undefined && (sandbox.ruleClosure === undefined || s.ruleClosure > sandbox.ruleClosure)) {
        sandbox.ruleClosure = s.ruleClosure;
        sandbox.closureFrom = name;
      }
    }
    const d = policy.defaults.signals;
    const profile: KindProfile = {
      costs: {
        reviewerPerMinute: costs.reviewerPerMinute,
        reviewMinutes: costs.reviewMinutes,
        humanTaskMinutes: costs.humanTaskMinutes,
        agentPerAttempt: costs.agentPerAttempt,
        humanErrorRate: human.errorRate,
        reviewCatchRate: human.reviewCatchRate,
      },
      maxAttempts: budgets.maxAttempts,
      defaults: {
        feedbackLatencySec: d.feedbackLatencySec,
        ruleClosure: d.ruleClosure,
        driftHalfLifeSec: d.driftHalfLifeSec,
        horizonSec: d.horizonSec ?? budgets.maxWallSec,
      },
      sandbox,
      rules: rules.filter((r) => r.matchesKind(kind)),
    };
    if (kindCache.size >= kindCacheLimit) kindCache.clear();
    kindCache.set(kind, profile);
    return profile;
  };

  const decide = (task: Task, estimate?: SignalEstimate): Decision => {
    const profile = profileFor(task.kind);
    const signals = resolveSignals(task, profile.sandbox, estimate, profile.defaults);
    const convergence = scoreConvergence({
      feedbackLatencySec: signals.feedbackLatencySec.value,
      ruleClosure: signals.ruleClosure.value,
      driftHalfLifeSec: signals.driftHalfLifeSec.value,
      horizonSec: signals.horizonSec.value,
      repairEfficiency: policy.model.repairEfficiency,
      maxAttempts: profile.maxAttempts,
    });

    const declaredCost = task.stakes?.cost;
    const declaredReversible = task.stakes?.reversible;
    const cost = declaredCost ?? policy.defaults.stakes.cost;
    const reversible = declaredReversible ?? policy.defaults.stakes.reversible;
    const effective = reversible ? cost : cost * policy.costs.irreversibleMultiplier;

    // Hard rules.
    const context: RuleContext = {
      task,
      signals: {
        feedbackLatencySec: signals.feedbackLatencySec.value,
        ruleClosure: signals.ruleClosure.value,
        driftHalfLifeSec: signals.driftHalfLifeSec.value,
        horizonSec: signals.horizonSec.value,
      },
      stakes: { cost, reversible },
    };
    const matched: CompiledRule[] = [];
    for (const rule of profile.rules) if (rule.matches(context)) matched.push(rule);

    const forbidden: { route: Route; by: string }[] = [];
    const ruleForbidden = new Set<Route>();
    let forced: Route | undefined;
    let forcedBy: string | undefined;
    const roles: string[] = [];
    let deadlineSec = policy.checkpoints.deadlineSec;
    let deadlineBy: string | undefined;
    for (const rule of matched) {
      for (const r of rule.forbid) {
        ruleForbidden.add(r);
        forbidden.push({ route: r, by: `rule:${rule.id}` });
      }
      if (rule.route !== undefined && (forced === undefined || autonomy[rule.route] > autonomy[forced])) {
        forced = rule.route;
        forcedBy = rule.id;
      }
      for (const role of rule.requireRoles) if (!roles.includes(role)) roles.push(role);
      if (rule.deadlineSec !== undefined && rule.deadlineSec < deadlineSec) {
        deadlineSec = rule.deadlineSec;
        deadlineBy = rule.id;
      }
    }

    // Guards.
    const guardForbidden = new Set<Route>();
    const guard = (route: "autonomous" | "supervised") => {
      const g = policy.guards[route];
      if (convergence.score < g.minScore) {
        guardForbidden.add(route);
        forbidden.push({ route, by: `guard:${route}.minScore` });
      } else if (g.maxStakes !== null && effective > g.maxStakes) {
        guardForbidden.add(route);
        forbidden.push({ route, by: `guard:${route}.maxStakes` });
      }
    };
    guard("autonomous");
    guard("supervised");

    // Failure probabilities: the model's estimate as prior, calibrated by outcomes.
    const agentCounts = calibration.agentCounts(task.kind);
    const humanCounts = calibration.humanCounts(task.kind);
    const modelFailure = Math.max(policy.model.minFailureRate, 1 - convergence.score);
    const agentFailure = posteriorFailure(modelFailure, policy.calibration.priorStrength, agentCounts, z);
    const humanError = posteriorFailure(profile.costs.humanErrorRate, policy.calibration.priorStrength, humanCounts, z);
    const attempts = expectedAttempts(convergence.errorFactor, policy.model.targetError, profile.maxAttempts);
    const estimates = estimateRoutes(profile.costs, agentFailure.probability, humanError.probability, attempts, effective);

    const allowed = routes.filter((r) => !ruleForbidden.has(r) && !guardForbidden.has(r));
    const reasons: string[] = [];
    let route: Route;
    let explored = false;
    let how: "forced" | "cost" | "fallback";
    const forcedAllowed = forced !== undefined && !ruleForbidden.has(forced);
    if (forcedAllowed) {
      route = forced!;
      how = "forced";
    } else if (allowed.length === 0) {
      route = "human";
      how = "fallback";
    } else {
      const choice = cheapestStakesMonotone(allowed, estimates, effective);
      route = choice.route;
      how = "cost";
      if (choice.heldByLowerStakes) {
        reasons.push(
          `${cap(route)} although ${choice.cheapestAtStakes} is cheaper at these stakes: the policy never routes a task more autonomously than it would at lower stakes.`,
        );
      }
      const e = policy.exploration;
      if (e.rate > 0 && route !== "autonomous" && forced === undefined && effective <= e.maxStakes) {
        const next: Route = route === "human" ? "supervised" : "autonomous";
        if (allowed.includes(next) && unitHash(`${policy.id}:${task.id}`) < e.rate) {
          reasons.push(
            `${cap(next)} instead of ${route}: exploration routes ${pct(e.rate)} of tasks with stakes up to ${money(e.maxStakes, currency)} one step more autonomous, to learn whether this kind has become safe.`,
          );
          route = next;
          explored = true;
        }
      }
    }

    reasons.unshift(routeReason(route, how, forcedBy, estimates, allowed, currency));
    reasons.push(`Convergence ${convergence.score.toFixed(2)}. ${convergence.summary}`);
    for (const f of forbidden) reasons.push(forbidReason(f, convergence.score, effective, policy, currency));
    if (forced !== undefined && !forcedAllowed) reasons.push(`Rule ${forcedBy} forces ${forced}, but another rule forbids it.`);
    const defaulted = defaultedSignals(signals);
    if (defaulted !== undefined) reasons.push(defaulted);
    const fromSandbox = sandboxReason(signals);
    if (fromSandbox !== undefined) reasons.push(fromSandbox);
    if (agentFailure.observations > 0) {
      reasons.push(
        `Calibrated on ${agentFailure.observations} agent outcome${agentFailure.observations === 1 ? "" : "s"} of ${task.kind}: failure ${pct(agentFailure.probability)} (model alone: ${pct(modelFailure)}).`,
      );
    }
    if (roles.length > 0) reasons.push(`Checkpoints need a reviewer with the role ${roles.join(" or ")} (rules ${matched.filter((r) => r.requireRoles.length > 0).map((r) => r.id).join(", ")}).`);
    if (deadlineBy !== undefined) reasons.push(`Checkpoints are due within ${deadlineSec} s (rule ${deadlineBy}).`);

    return {
      taskId: task.id,
      kind: task.kind,
      route,
      convergence: {
        score: convergence.score,
        errorFactor: convergence.errorFactor,
        cycles: convergence.cycles,
        residualError: convergence.residualError,
        limitingAxis: convergence.limitingAxis,
        axes: convergence.axes,
        summary: convergence.summary,
        scorerVersion: convergence.scorerVersion,
      },
      signals,
      stakes: {
        cost,
        reversible,
        effective,
        source: declaredCost !== undefined && declaredReversible !== undefined ? "declared" : declaredCost === undefined && declaredReversible === undefined ? "default" : "partly declared",
      },
      attempts,
      expectedCost: { autonomous: estimates.autonomous.total, supervised: estimates.supervised.total, human: estimates.human.total },
      estimates,
      allowedRoutes: allowed,
      forbidden,
      rules: matched.map((r) => r.id),
      assigneeRoles: roles.length > 0 ? roles : [...policy.checkpoints.assigneeRoles],
      deadlineSec,
      explored,
      reasons,
      policy: policyRef,
      calibration: { snapshotId: calibration.snapshotId, agentObservations: agentFailure.observations, humanObservations: humanError.observations },
    };
  };

  return {
    policy,
    policyRef,
    calibration,
    decide: (task, opts) => decide(task, opts?.estimate),
    async decideAsync(task) {
      if (options.estimator === undefined) return decide(task);
      const missing = missingSignals(task, profileFor(task.kind).sandbox);
      if (missing.length === 0) return decide(task);
      const estimate = await options.estimator.estimate(task, missing);
      return decide(task, withSource(estimate, options.estimator.name));
    },
    recordOutcome: (outcome) => calibration.recordOutcome(outcome),
  };
}

function withSource(estimate: SignalEstimate, name: string): SignalEstimate {
  const out: Record<string, { value: number | null; reason: string }> = {};
  for (const [key, e] of Object.entries(estimate) as [string, { value: number | null; reason?: string } | undefined][]) {
    if (e !== undefined) out[key] = { value: e.value, reason: e.reason === undefined ? name : `${name}: ${e.reason}` };
  }
  return out as SignalEstimate;
}

/**
 * The cheapest allowed route, made monotone in stakes: costs are linear in the stakes, so the route
 * chosen is the most human of the routes that are cheapest at any stakes up to these. With coherent
 * costs this is simply the cheapest route; it only differs when a person is cheaper than review at low stakes.
 */
function cheapestStakesMonotone(
  allowed: readonly Route[],
  estimates: Record<Route, RouteEstimate>,
  stakes: number,
): { route: Route; heldByLowerStakes: boolean; cheapestAtStakes: Route } {
  const slope = (r: Route) => estimates[r].failureProbability;
  const intercept = (r: Route) => estimates[r].total - estimates[r].failureProbability * stakes;
  const cheapestAt = (x: number): Route => {
    let best = allowed[0]!;
    let bestCost = intercept(best) + slope(best) * x;
    for (let i = 1; i < allowed.length; i++) {
      const r = allowed[i]!;
      const cost = intercept(r) + slope(r) * x;
      if (cost <= bestCost) {
        best = r;
        bestCost = cost;
      }
    }
    return best;
  };
  const atStakes = cheapestAt(stakes);
  let route = atStakes;
  const consider = (x: number) => {
    const r = cheapestAt(x);
    if (autonomy[r] > autonomy[route]) route = r;
  };
  consider(0);
  for (let i = 0; i < allowed.length; i++) {
    for (let j = i + 1; j < allowed.length; j++) {
      const a = allowed[i]!;
      const b = allowed[j]!;
      const ds = slope(a) - slope(b);
      if (ds === 0) continue;
      const x = (intercept(b) - intercept(a)) / ds;
      if (x > 0 && x < stakes) consider(x);
    }
  }
  return { route, heldByLowerStakes: route !== atStakes, cheapestAtStakes: atStakes };
}

function routeReason(
  route: Route,
  how: "forced" | "cost" | "fallback",
  forcedBy: string | undefined,
  estimates: Record<Route, RouteEstimate>,
  allowed: readonly Route[],
  currency: string,
): string {
  if (how === "forced") return `${cap(route)}: rule ${forcedBy} forces it.`;
  if (how === "fallback") return "Human: every route is forbidden, so a person decides.";
  const others = allowed.filter((r) => r !== route).map((r) => `${r} ${money(estimates[r].total, currency)}`);
  const vs = others.length === 0 ? "the only allowed route" : `vs ${others.join(", ")}`;
  return `${cap(route)}: expected cost ${money(estimates[route].total, currency)} (${vs}).`;
}

function forbidReason(f: { route: Route; by: string }, score: number, effective: number, policy: Policy, currency: string): string {
  if (f.by.startsWith("rule:")) return `Rule ${f.by.slice(5)} forbids ${f.route}.`;
  const guard = policy.guards[f.route as "autonomous" | "supervised"];
  if (f.by.endsWith(".minScore")) return `${cap(f.route)} is forbidden: convergence ${score.toFixed(2)} is below the policy's minimum of ${guard.minScore}.`;
  return `${cap(f.route)} is forbidden: stakes of ${money(effective, currency)} exceed the policy's ${money(guard.maxStakes ?? 0, currency)}.`;
}

const signalWords: Record<keyof ResolvedSignals, (v: number | null) => string> = {
  feedbackLatencySec: (v) => (v === null ? "feedback never arrives" : `feedback in ${v} s`),
  ruleClosure: (v) => (v === 0 ? "nothing is machine-checkable" : `closure ${v}`),
  driftHalfLifeSec: (v) => (v === null ? "no drift" : `half-life ${v} s`),
  horizonSec: (v) => `horizon ${v} s`,
};

function defaultedSignals(signals: ResolvedSignals): string | undefined {
  const parts: string[] = [];
  for (const key of ["feedbackLatencySec", "ruleClosure", "driftHalfLifeSec", "horizonSec"] as const) {
    const s = signals[key];
    if (s.source === "default") parts.push(signalWords[key](s.value));
  }
  return parts.length === 0 ? undefined : `Not declared, so assumed conservatively: ${parts.join(", ")}.`;
}

function sandboxReason(signals: ResolvedSignals): string | undefined {
  const l = signals.feedbackLatencySec;
  const c = signals.ruleClosure;
  const parts: string[] = [];
  if (l.source === "sandbox") parts.push(`feedback in ${l.value} s from ${l.note}`);
  if (c.source === "sandbox") parts.push(`closure ${c.value} from ${c.note}`);
  return parts.length === 0 ? undefined : `A sandbox gives ${parts.join(" and ")}.`;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function pct(x: number): string {
  const p = x * 100;
  return `${p >= 10 || p === 0 ? Math.round(p) : p.toFixed(1)}%`;
}

function money(x: number, currency: string): string {
  return `${x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(2)} ${currency}`;
}
