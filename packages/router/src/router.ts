// The router: rules first, then the cheapest allowed route by expected cost, with reasons a reviewer can read.
import { type Calibration, type Outcome, createCalibration } from "./calibration.js";
import { posteriorFailure } from "./posterior.js";
import { type CostParams, type RouteEstimate, estimateRoutes, expectedAttempts, visibleFailureShare } from "./costs.js";
import type { Decision } from "./decisionSchema.js";
import { compileKindGlob } from "./glob.js";
import { unitHash } from "./hash.js";
import { resolveKind } from "./kindProfile.js";
import { fixed2, money, percent } from "./format.js";
import { normalQuantile } from "./normal.js";
import { defaultPolicy, policyHash, validatePolicy } from "./policy.js";
import type { Policy, PolicyInput } from "./policySchema.js";
import { type CompiledRule, type RuleContext, compileRule } from "./rules.js";
import { type Convergence, scoreConvergence } from "./scorer.js";
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

/** Options of {@link Router.decide}. */
export interface DecideOptions {
  readonly estimate?: SignalEstimate;
  readonly sandbox?: SandboxFeedback;
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
  /**
   * Decides for a validated task (use `parseTask` at the edges). `estimate` fills signals nobody declared;
   * `sandbox` is the feedback a sandbox registered with the runtime gives (its closure and measured
   * latency), combined with the policy's profiles like another profile.
   */
  decide(task: Task, options?: DecideOptions): Decision;
  /**
   * Like `decide`, asking the router's estimator first for the signals that neither the task, the policy's
   * sandbox profiles nor `options.sandbox` give. The estimator's errors reach the caller.
   */
  decideAsync(task: Task, options?: Pick<DecideOptions, "sandbox">): Promise<Decision>;
  /** Feeds one outcome to calibration. */
  recordOutcome(outcome: Outcome): void;
  /** The prices and people's rates in force for a kind (after `kinds[]` overrides). */
  costsFor(kind: string): CostParams;
}

interface ConvergenceEntry {
  readonly L: number | null;
  readonly c: number;
  readonly h: number | null;
  readonly T: number;
  readonly convergence: Convergence;
  /** The score with two decimals. */
  readonly scoreText: string;
  /** The decision's sentence about convergence. */
  readonly reason: string;
}

interface KindProfile {
  last: ConvergenceEntry | undefined;
  readonly costs: CostParams;
  readonly maxAttempts: number;
  readonly irreversibleMultiplier: number;
  /** The agent's first-attempt failure share (model.initialFailure, per kind). */
  readonly initialFailure: number;
  /** Shadow runs (policy shadow, per kind). */
  readonly shadow: { readonly share: number; readonly untilOutcomes: number | null };
  readonly defaults: SignalDefaults;
  readonly sandbox: SandboxFeedback | undefined;
  readonly rules: readonly CompiledRule[];
}

const autonomy: Record<Route, number> = { autonomous: 0, supervised: 1, human: 2 };
const bit: Record<Route, number> = { autonomous: 1, supervised: 2, human: 4 };
const agentBits = bit.autonomous | bit.supervised;
/** The allowed routes for each bit mask of forbidden routes. */
const allowedByMask: readonly (readonly Route[])[] = Array.from({ length: 8 }, (_, mask) => routes.filter((r) => (mask & bit[r]) === 0));
const guardedRoutes = ["autonomous", "supervised"] as const;
const guardIds = {
  autonomous: { minScore: "guard:autonomous.minScore", maxStakes: "guard:autonomous.maxStakes" },
  supervised: { minScore: "guard:supervised.minScore", maxStakes: "guard:supervised.maxStakes" },
} as const;
const capitalized: Record<Route, string> = { autonomous: "Autonomous", supervised: "Supervised", human: "Human" };
const kindCacheLimit = 10_000;
/** The normal quantile of the 90% credible bound that lifts a minimum-score guard. */
const liftZ = 1.2815515655446004;

function freezeConvergence(c: Convergence): Convergence {
  Object.freeze(c.axes.feedbackLatency);
  Object.freeze(c.axes.ruleClosure);
  Object.freeze(c.axes.environmentDrift);
  Object.freeze(c.axes);
  return Object.freeze(c);
}

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
  const z = policy.risk.mode === "averse" ? normalQuantile(policy.risk.credibleLevel) : 0;
  const currency = policy.costs.currency;
  const kindCache = new Map<string, KindProfile>();
  // Convergence depends only on the resolved signals and the kind's attempt budget. Consecutive tasks of a
  // kind often share their signals, so the kind's last result is reused when the four numbers match (no
  // key, no map: varied streams pay nothing for it). Shared results are frozen.
  const convergenceFor = (profile: KindProfile, signals: ResolvedSignals): ConvergenceEntry => {
    const L = signals.feedbackLatencySec.value;
    const c = signals.ruleClosure.value;
    const h = signals.driftHalfLifeSec.value;
    const T = signals.horizonSec.value;
    const last = profile.last;
    if (last !== undefined && last.L === L && last.c === c && last.h === h && last.T === T) return last;
    const convergence = freezeConvergence(
      scoreConvergence({
        feedbackLatencySec: L,
        ruleClosure: c,
        driftHalfLifeSec: h,
        horizonSec: T,
        repairEfficiency: policy.model.repairEfficiency,
        maxAttempts: profile.maxAttempts,
      }),
    );
    const scoreText = fixed2(convergence.score);
    const entry: ConvergenceEntry = { L, c, h, T, convergence, scoreText, reason: `Convergence ${scoreText}. ${convergence.summary}` };
    profile.last = entry;
    return entry;
  };

  const profileFor = (kind: string): KindProfile => {
    const cached = kindCache.get(kind);
    if (cached !== undefined) return cached;
    const { costs, human, initialFailure, shadow, budgets } = resolveKind(policy, kind);
    let sandbox: SandboxFeedback | undefined;
    for (const s of sandboxes) {
      if (!s.test(kind)) continue;
      const name = s.name === undefined ? `sandbox profile ${s.kind}` : `sandbox ${s.name} (${s.kind})`;
      sandbox = combineSandboxes(sandbox, {
        ...(s.feedbackLatencySec === undefined ? {} : { feedbackLatencySec: s.feedbackLatencySec, latencyFrom: name }),
        ...(s.ruleClosure === undefined ? {} : { ruleClosure: s.ruleClosure, closureFrom: name }),
      });
    }
    const d = policy.defaults.signals;
    const profile: KindProfile = {
      last: undefined,
      costs: {
        reviewerPerMinute: costs.reviewerPerMinute,
        reviewMinutes: costs.reviewMinutes,
        humanTaskMinutes: costs.humanTaskMinutes,
        agentPerAttempt: costs.agentPerAttempt,
        humanErrorRate: human.errorRate,
        reviewCatchRate: human.reviewCatchRate,
      },
      maxAttempts: budgets.maxAttempts,
      irreversibleMultiplier: costs.irreversibleMultiplier,
      initialFailure,
      shadow,
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

  const decide = (task: Task, estimate?: SignalEstimate, extraSandbox?: SandboxFeedback): Decision => {
    const profile = profileFor(task.kind);
    const sandbox = extraSandbox === undefined ? profile.sandbox : combineSandboxes(profile.sandbox, extraSandbox);
    const imputation = policy.defaults.imputation;
    const signals = resolveSignals(task, sandbox, estimate, profile.defaults, needsImputation(task) ? calibration.imputeSignals(task.kind, imputation) : undefined);
    // Remember what this task declared, for the kind's later tasks that leave it out.
    if (task.signals !== undefined) calibration.observeSignals(task);
    const { convergence, reason: convergenceReason, scoreText } = convergenceFor(profile, signals);

    const declaredCost = task.stakes?.cost;
    const declaredReversible = task.stakes?.reversible;
    const cost = declaredCost ?? policy.defaults.stakes.cost;
    const reversible = declaredReversible ?? policy.defaults.stakes.reversible;
    const effective = reversible ? cost : cost * profile.irreversibleMultiplier;

    // Hard rules (compiled once; only those whose kind matches are tried).
    const forbidden: { route: Route; by: string }[] = [];
    let ruleForbidden = 0;
    let forced: Route | undefined;
    let forcedBy: string | undefined;
    let roles: string[] | undefined;
    let roleRules: string[] | undefined;
    let deadlineSec = policy.checkpoints.deadlineSec;
    let deadlineBy: string | undefined;
    const matched: string[] = [];
    const unchecked: string[] = [];
    if (profile.rules.length > 0) {
      // Rules see what is known (declared, measured, estimated); a value left to the policy's defaults is unknown,
      // and a rule that only takes autonomy away holds when it cannot be checked.
      const known = (s: ResolvedSignals[keyof ResolvedSignals]) => (s.source === "default" ? undefined : s.value);
      const context: RuleContext = {
        task,
        signals: {
          feedbackLatencySec: known(signals.feedbackLatencySec),
          ruleClosure: known(signals.ruleClosure) as number | undefined,
          driftHalfLifeSec: known(signals.driftHalfLifeSec),
          horizonSec: known(signals.horizonSec) as number | undefined,
        },
        stakes: { cost: declaredCost, reversible: declaredReversible },
      };
      for (const rule of profile.rules) {
        const verdict = rule.verdict(context);
        if (verdict === 0 || (verdict === 2 && !rule.failsClosed)) continue;
        matched.push(rule.id);
        if (verdict === 2) unchecked.push(rule.id);
        for (const r of rule.forbid) {
          ruleForbidden |= bit[r];
          forbidden.push({ route: r, by: `rule:${rule.id}` });
        }
        if (rule.route !== undefined && (forced === undefined || autonomy[rule.route] > autonomy[forced])) {
          forced = rule.route;
          forcedBy = rule.id;
        }
        if (rule.requireRoles.length > 0) {
          roles ??= [];
          (roleRules ??= []).push(rule.id);
          for (const role of rule.requireRoles) if (!roles.includes(role)) roles.push(role);
        }
        if (rule.deadlineSec !== undefined && rule.deadlineSec < deadlineSec) {
          deadlineSec = rule.deadlineSec;
          deadlineBy = rule.id;
        }
      }
    }

    // Failure probabilities: the model's estimate as prior, calibrated by outcomes.
    const humanCounts = calibration.humanCounts(task.kind);
    // Of what the agent's first attempt gets wrong, feedback repairs the checkable part cycle by cycle; what nothing
    // checks stays wrong: p = initialFailure × (1 − score), an estimate (initialFailure 0.5), not a bound.
    const modelFailure = Math.max(policy.model.minFailureRate, profile.initialFailure * (1 - convergence.score));
    // The model's estimate, corrected by outcomes that carried one (model-relative), then by those that did not (Beta).
    const strength = policy.calibration.priorStrength;
    const agentPrior = calibration.agentPrior(task.kind, modelFailure, strength);
    const agentPosterior = posteriorFailure(Math.max(policy.model.minFailureRate, agentPrior.prior), strength, agentPrior.counts, z);
    // What an approval is worth is weighed at the mean, not at a risk-averse bound.
    const agentMean = z > 0 ? posteriorFailure(agentPosterior.prior, strength, agentPrior.counts, 0).probability : agentPosterior.probability;
    const agentCounts = calibration.agentCounts(task.kind);
    // Approvals count as shares of a failure and of a success: their sum is still a count of outcomes, up to rounding.
    const agentFailure = { probability: agentPosterior.probability, observations: Math.round((agentCounts.successes + agentCounts.failures) * 1e6) / 1e6 };
    const humanError = posteriorFailure(profile.costs.humanErrorRate, policy.calibration.priorStrength, humanCounts, z);
    const attempts = expectedAttempts(convergence.errorFactor, policy.model.targetError, profile.maxAttempts);
    const modelVisible = visibleFailureShare(signals.ruleClosure.value, convergence.residualError, convergence.cycles);
    // Without a feedback cycle nothing can show while the agent runs, whatever other runs showed.
    const visibleShare = convergence.cycles < 1 ? 0 : calibration.visibleShare(task.kind, modelVisible, strength);
    const estimates = estimateRoutes(profile.costs, agentFailure.probability, humanError.probability, attempts, effective, visibleShare);
    // Guards. A minimum-score guard states the evidence that lifts it: enough agent outcomes of the kind whose
    // failure, at a 90% credible bound, is within the policy's limit.
    let guardForbidden = 0;
    let lifted: { route: Route; bound: number } | undefined;
    for (const r of guardedRoutes) {
      const g = policy.guards[r];
      let by = convergence.score < g.minScore ? guardIds[r].minScore : g.maxStakes !== null && effective > g.maxStakes ? guardIds[r].maxStakes : undefined;
      if (by === guardIds[r].minScore && g.liftAfter !== null && agentFailure.observations >= g.liftAfter.outcomes) {
        const v = agentFailure.probability < 0.5 ? agentFailure.probability : 0.5;
        const bound = agentFailure.probability + liftZ * Math.sqrt((v * (1 - v)) / (strength + agentFailure.observations + 1));
        if (bound <= g.liftAfter.maxFailure) {
          lifted ??= { route: r, bound };
          by = g.maxStakes !== null && effective > g.maxStakes ? guardIds[r].maxStakes : undefined;
        }
      }
      if (by === undefined) continue;
      guardForbidden |= bit[r];
      forbidden.push({ route: r, by });
    }

    const allowed = allowedByMask[ruleForbidden | guardForbidden]!;
    let route: Route;
    let explored = false;
    let how: "forced" | "cost" | "fallback" | "conflict";
    const notes: string[] = [];
    const forcedAllowed = forced !== undefined && (ruleForbidden & bit[forced]) === 0;
    if (forcedAllowed) {
      route = forced!;
      how = "forced";
    } else if (allowed.length === 0) {
      route = "human";
      how = "fallback";
    } else if (forced !== undefined) {
      // Rules disagree (one forces a route another forbids): take the most human route still allowed.
      route = allowed[allowed.length - 1]!;
      how = "conflict";
    } else {
      const choice = cheapestStakesMonotone(allowed, estimates, effective);
      route = choice.route;
      how = "cost";
      if (choice.heldByLowerStakes) {
        notes.push(
          `${capitalized[route]} although ${choice.cheapestAtStakes} is cheaper at these stakes: the policy never routes a task more autonomously than it would at lower stakes.`,
        );
      }
      const e = policy.exploration;
      if (e.supervised && route === "human" && allowed.includes("supervised")) {
        // A plausible draw of the agent's failure, fixed per task (its quantile from the task id), with a spread that
        // shrinks with the kind's agent outcomes: what few outcomes leave open may earn a reviewed try.
        const spread = 0.5 / Math.sqrt(strength + agentFailure.observations + 1);
        const draw = Math.min(1, Math.max(policy.model.minFailureRate, agentFailure.probability + normalQuantile(unitHash(`${policy.id}:draw:${task.id}`)) * spread));
        if (draw < agentFailure.probability) {
          const drawn = estimateRoutes(profile.costs, draw, humanError.probability, attempts, effective, visibleShare);
          const choice = cheapestStakesMonotone(allowed, drawn, effective).route;
          if (choice === "supervised" || choice === "autonomous") {
            notes.push(
              `Supervised instead of human: with ${agentFailure.observations} agent outcome${agentFailure.observations === 1 ? "" : "s"} of ${task.kind}, an agent failure rate of ${percent(draw)} is still plausible, at which review is cheaper; a person sees the result and its verdict teaches the kind.`,
            );
            route = "supervised";
            explored = true;
          }
        }
      }
      if (e.rate > 0 && route !== "autonomous" && effective <= e.maxStakes) {
        const next: Route = route === "human" ? "supervised" : "autonomous";
        if (allowed.includes(next) && unitHash(`${policy.id}:${task.id}`) < e.rate) {
          notes.push(
            `${capitalized[next]} instead of ${route}: exploration routes ${percent(e.rate)} of tasks with stakes up to ${money(e.maxStakes, currency)} one step more autonomous, to learn whether this kind has become safe.`,
          );
          route = next;
          explored = true;
        }
      }
    }

    // A shadow run: the agent also works on a task a person does, blind, its result never used — evidence at no risk,
    // where the kind has too little. Never where a rule forced the person or took both agent routes away.
    const sh = profile.shadow;
    const shadow =
      route === "human" &&
      sh.share > 0 &&
      (how === "cost" || how === "fallback") &&
      (ruleForbidden & agentBits) !== agentBits &&
      (sh.untilOutcomes === null || agentFailure.observations < sh.untilOutcomes) &&
      unitHash(`${policy.id}:shadow:${task.id}`) < sh.share;
    const reasons = [routeReason(route, how, forcedBy, estimates, allowed, currency)];
    for (const n of notes) reasons.push(n);
    if (shadow) {
      reasons.push(
        `A shadow run: the agent also does this task, blind, while the person does it (the policy shadows ${percent(sh.share)} of such ${task.kind} tasks${sh.untilOutcomes === null ? "" : ` until the kind has ${sh.untilOutcomes} agent outcomes`}); its result is never used, and how it compares with the person's teaches the kind's agent estimate.`,
      );
    }
    reasons.push(convergenceReason);
    for (const f of forbidden) reasons.push(forbidReason(f, scoreText, effective, policy, currency));
    if (how === "conflict") reasons.push(`Rule ${forcedBy} forces ${forced}, but another rule forbids it: the most human allowed route is taken.`);
    if (signals.feedbackLatencySec.source !== "declared" || signals.ruleClosure.source !== "declared" || signals.driftHalfLifeSec.source !== "declared" || signals.horizonSec.source !== "declared") {
      const defaulted = defaultedSignals(signals);
      if (defaulted !== undefined) reasons.push(defaulted);
      const imputedText = imputedReason(signals);
      if (imputedText !== undefined) reasons.push(imputedText);
      const fromSandbox = sandboxReason(signals);
      if (fromSandbox !== undefined) reasons.push(fromSandbox);
    }
    if (agentFailure.observations === 0 && agentPrior.prior !== modelFailure) {
      reasons.push(`Calibrated on agent outcomes of other kinds with similar model estimates: failure ${percent(agentFailure.probability)} (model alone: ${percent(modelFailure)}).`);
    }
    if (agentFailure.observations > 0) {
      reasons.push(
        `Calibrated on ${agentFailure.observations} agent outcome${agentFailure.observations === 1 ? "" : "s"} of ${task.kind}: failure ${percent(agentFailure.probability)} (model alone: ${percent(modelFailure)}).`,
      );
    }
    if (unchecked.length > 0) {
      reasons.push(
        `Rule${unchecked.length > 1 ? "s" : ""} ${unchecked.join(", ")} appl${unchecked.length > 1 ? "y" : "ies"} although the task leaves out (or gives in another type) a value ${unchecked.length > 1 ? "they test" : "it tests"}: a rule that only takes autonomy away holds when it cannot be checked.`,
      );
    }
    if (lifted !== undefined) {
      const g = policy.guards[lifted.route as "autonomous" | "supervised"];
      reasons.push(
        `${capitalized[lifted.route]} is allowed although convergence ${scoreText} is below the policy's minimum of ${g.minScore}: ${agentFailure.observations} agent outcomes of ${task.kind} put its failure at ${percent(lifted.bound)} at most (90% bound), within the ${percent(g.liftAfter!.maxFailure)} that lifts the guard.`,
      );
    }
    if (roles !== undefined) reasons.push(`Checkpoints need a reviewer with the role ${roles.join(" or ")} (rule${roleRules!.length > 1 ? "s" : ""} ${roleRules!.join(", ")}).`);
    if (deadlineBy !== undefined) reasons.push(`Checkpoints are due within ${deadlineSec} s (rule ${deadlineBy}).`);

    return {
      taskId: task.id,
      kind: task.kind,
      route,
      convergence,
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
      allowedRoutes: allowed.slice(),
      forbidden,
      rules: matched,
      forcedBy: how === "forced" ? (forcedBy ?? null) : null,
      assigneeRoles: roles ?? policy.checkpoints.assigneeRoles.slice(),
      deadlineSec,
      explored,
      shadow,
      reasons,
      policy: policyRef,
      calibration: {
        snapshotId: calibration.snapshotId,
        agentObservations: agentFailure.observations,
        humanObservations: humanError.observations,
        modelFailure,
        agentFailure: agentFailure.probability,
        approvedFailure: approvedFailure(agentMean, profile.costs.reviewCatchRate),
      },
    };
  };

  return {
    policy,
    policyRef,
    calibration,
    decide: (task, opts) => decide(task, opts?.estimate, opts?.sandbox),
    async decideAsync(task, opts) {
      const sandbox = opts?.sandbox;
      if (options.estimator === undefined) return decide(task, undefined, sandbox);
      const imputed = needsImputation(task) ? calibration.imputeSignals(task.kind, policy.defaults.imputation) : undefined;
      const missing = missingSignals(task, profileFor(task.kind).sandbox, imputed).filter(
        (name) =>
          !(name === "feedbackLatencySec" && sandbox?.feedbackLatencySec !== undefined) && !(name === "ruleClosure" && sandbox?.ruleClosure !== undefined),
      );
      if (missing.length === 0) return decide(task, undefined, sandbox);
      const estimate = await options.estimator.estimate(task, missing);
      return decide(task, withSource(estimate, options.estimator.name), sandbox);
    },
    recordOutcome: (outcome) => calibration.recordOutcome(outcome),
    costsFor: (kind) => profileFor(kind).costs,
  };
}

/**
 * P(the agent's result is wrong | a reviewer approved it), by Bayes: of results wrong with probability `failure`, a
 * reviewer catches `catchRate`, and approves every right one; so an approval counts as this share of a failure.
 */
export function approvedFailure(failure: number, catchRate: number): number {
  const p = failure < 0 ? 0 : failure > 1 ? 1 : failure;
  const q = catchRate < 0 ? 0 : catchRate > 1 ? 1 : catchRate;
  const missed = p * (1 - q);
  // Only p = 1 with q = 1 leaves nothing to approve; missed ≤ missed + (1 − p), so the share stays within [0, 1].
  const denominator = missed + (1 - p);
  return denominator > 0 ? missed / denominator : 0;
}

/** Whether a task leaves any signal out (only then is the kind's memory read). */
function needsImputation(task: Task): boolean {
  const s = task.signals;
  return s === undefined || s.feedbackLatencySec === undefined || s.ruleClosure === undefined || s.driftHalfLifeSec === undefined || s.horizonSec === undefined;
}

/** Two sandboxes' feedback together: the faster latency and the higher closure, each with its source. */
function combineSandboxes(a: SandboxFeedback | undefined, b: SandboxFeedback): SandboxFeedback {
  if (a === undefined) return b;
  const out: { feedbackLatencySec?: number; latencyFrom?: string; ruleClosure?: number; closureFrom?: string } = { ...a };
  if (b.feedbackLatencySec !== undefined && (out.feedbackLatencySec === undefined || b.feedbackLatencySec < out.feedbackLatencySec)) {
    out.feedbackLatencySec = b.feedbackLatencySec;
    if (b.latencyFrom !== undefined) out.latencyFrom = b.latencyFrom;
  }
  if (b.ruleClosure !== undefined && (out.ruleClosure === undefined || b.ruleClosure > out.ruleClosure)) {
    out.ruleClosure = b.ruleClosure;
    if (b.closureFrom !== undefined) out.closureFrom = b.closureFrom;
  }
  return out;
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
  const n = allowed.length;
  const slope = [0, 0, 0];
  const intercept = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const e = estimates[allowed[i]!];
    slope[i] = e.failureProbability;
    intercept[i] = e.total - e.failureProbability * stakes;
  }
  // Ties go to the more human route (later in `allowed`).
  const cheapestAt = (x: number): number => {
    let best = 0;
    let bestCost = intercept[0]! + slope[0]! * x;
    for (let i = 1; i < n; i++) {
      const cost = intercept[i]! + slope[i]! * x;
      if (cost <= bestCost) {
        best = i;
        bestCost = cost;
      }
    }
    return best;
  };
  const atStakes = cheapestAt(stakes);
  let chosen = atStakes;
  if (n > 1) {
    const atZero = cheapestAt(0);
    if (atZero > chosen) chosen = atZero;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const ds = slope[i]! - slope[j]!;
        if (ds === 0) continue;
        const x = (intercept[j]! - intercept[i]!) / ds;
        if (x > 0 && x < stakes) {
          const r = cheapestAt(x);
          if (r > chosen) chosen = r;
        }
      }
    }
  }
  return { route: allowed[chosen]!, heldByLowerStakes: chosen !== atStakes, cheapestAtStakes: allowed[atStakes]! };
}

function routeReason(
  route: Route,
  how: "forced" | "cost" | "fallback" | "conflict",
  forcedBy: string | undefined,
  estimates: Record<Route, RouteEstimate>,
  allowed: readonly Route[],
  currency: string,
): string {
  if (how === "forced") return `${capitalized[route]}: rule ${forcedBy} forces it.`;
  if (how === "fallback") return "Human: every route is forbidden, so a person decides.";
  if (how === "conflict") return `${capitalized[route]}: the rules disagree, so the most human allowed route is taken.`;
  let vs = "";
  for (const r of allowed) {
    if (r === route) continue;
    vs += `${vs === "" ? "vs " : ", "}${r} ${money(estimates[r].total, currency)}`;
  }
  return `${capitalized[route]}: expected cost ${money(estimates[route].total, currency)} (${vs === "" ? "the only allowed route" : vs}).`;
}

function forbidReason(f: { route: Route; by: string }, scoreText: string, effective: number, policy: Policy, currency: string): string {
  if (f.by.startsWith("rule:")) return `Rule ${f.by.slice(5)} forbids ${f.route}.`;
  const guard = policy.guards[f.route as "autonomous" | "supervised"];
  if (f.by.endsWith(".minScore")) return `${capitalized[f.route]} is forbidden: convergence ${scoreText} is below the policy's minimum of ${guard.minScore}.`;
  return `${capitalized[f.route]} is forbidden: stakes of ${money(effective, currency)} exceed the policy's ${money(guard.maxStakes ?? 0, currency)}.`;
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

function imputedReason(signals: ResolvedSignals): string | undefined {
  const parts: string[] = [];
  for (const key of ["feedbackLatencySec", "ruleClosure", "driftHalfLifeSec", "horizonSec"] as const) {
    const s = signals[key];
    if (s.source === "imputed") parts.push(`${signalWords[key](s.value)} (${s.note})`);
  }
  return parts.length === 0 ? undefined : `Not declared, so taken from the kind's other tasks, conservatively: ${parts.join("; ")}.`;
}

function sandboxReason(signals: ResolvedSignals): string | undefined {
  const l = signals.feedbackLatencySec;
  const c = signals.ruleClosure;
  const fromL = l.source === "sandbox" ? l.note : undefined;
  const fromC = c.source === "sandbox" ? c.note : undefined;
  if (fromL !== undefined && fromL === fromC) return `${capitalizeFirst(fromL)} gives feedback in ${l.value} s and closure ${c.value}.`;
  const parts: string[] = [];
  if (fromL !== undefined) parts.push(`${capitalizeFirst(fromL)} gives feedback in ${l.value} s.`);
  if (fromC !== undefined) parts.push(`${capitalizeFirst(fromC)} gives closure ${c.value}.`);
  return parts.length === 0 ? undefined : parts.join(" ");
}

function capitalizeFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
