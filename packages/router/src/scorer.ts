// The default convergence model (DESIGN.md §3): error shrinks with each feedback cycle and grows with drift.
import { humanizeSeconds } from "./duration.js";

/** Version of the scoring model; decisions name it so they can be reproduced. */
export const scorerVersion = "convergence-v1";

/** The three axes of convergence. */
export const axes = ["feedbackLatency", "ruleClosure", "environmentDrift"] as const;

/** One of the three axes of convergence. */
export type Axis = (typeof axes)[number];

/** Resolved inputs of the scorer; every value is known (defaults were applied). */
export interface ConvergenceInput {
  /** Seconds to feedback; `null` = feedback never arrives. */
  readonly feedbackLatencySec: number | null;
  /** Share of success that is machine-checkable, 0..1. */
  readonly ruleClosure: number;
  /** Half-life of the environment in seconds; `null` = no drift. */
  readonly driftHalfLifeSec: number | null;
  /** How long the task may run, in seconds. */
  readonly horizonSec: number;
  /** η, the share of checkable error one feedback cycle repairs (0..1). */
  readonly repairEfficiency: number;
  /** The most attempts a run may make (caps the feedback cycles). */
  readonly maxAttempts: number;
}

/** The model's core quantities for one set of inputs. */
export interface ConvergenceCore {
  /** Score in [0, 1]: the share of error expected to be gone by the end of the run. */
  readonly score: number;
  /** ρ, the error factor per feedback cycle; `null` when feedback never arrives. */
  readonly errorFactor: number | null;
  /** Whole feedback cycles that fit in the horizon, capped by the attempt budget. */
  readonly cycles: number;
  /** ρᵏ capped at 1: the checkable error left after the available cycles. */
  readonly residualError: number;
}

/** One axis's part of the explanation. */
export interface AxisExplanation {
  /** How much the score would rise if this axis were ideal (instant feedback, full closure, no drift). */
  readonly headroom: number;
  /** The axis in words. */
  readonly explanation: string;
}

/** The scorer's full answer: the score, the core quantities, and why. */
export interface Convergence extends ConvergenceCore {
  /** The axis whose improvement would raise the score most; `null` when nothing limits it. */
  readonly limitingAxis: Axis | null;
  /** Per-axis headroom and explanation. */
  readonly axes: { readonly [A in Axis]: AxisExplanation };
  /** One sentence naming what limits the score, for reviewers. */
  readonly summary: string;
  /** Version of the model. */
  readonly scorerVersion: string;
}

/**
 * The score alone. ρ = (1 − c·η)·2^(L/h); k = min(⌊T/L⌋, maxAttempts); score = c·(1 − min(1, ρᵏ)).
 * The score is bounded by closure because criteria no sandbox checks are never corrected.
 */
export function convergenceCore(input: ConvergenceInput): ConvergenceCore {
  const L = input.feedbackLatencySec;
  const c = input.ruleClosure;
  if (L === null || c <= 0) {
    return { score: 0, errorFactor: L === null ? null : driftGrowth(L, input.driftHalfLifeSec), cycles: 0, residualError: 1 };
  }
  const rho = (1 - c * input.repairEfficiency) * driftGrowth(L, input.driftHalfLifeSec);
  const cycles = completeCycles(input.horizonSec, L, input.maxAttempts);
  const residualError = rho >= 1 ? 1 : rho ** cycles;
  return { score: c * (1 - residualError), errorFactor: rho, cycles, residualError };
}

/** The score alone, without allocating (the counterfactuals of the explanation call it). */
function scoreOf(L: number | null, c: number, h: number | null, T: number, eta: number, maxAttempts: number): number {
  if (L === null || c <= 0) return 0;
  const rho = (1 - c * eta) * driftGrowth(L, h);
  if (rho >= 1) return 0;
  return c * (1 - rho ** completeCycles(T, L, maxAttempts));
}

/** Feedback cycles that complete within the horizon, capped by the attempt budget: a cycle either fits or not. */
function completeCycles(horizon: number, latency: number, maxAttempts: number): number {
  const k = Math.floor(horizon / latency);
  return k < maxAttempts ? k : maxAttempts;
}

function driftGrowth(latency: number, halfLife: number | null): number {
  return halfLife === null ? 1 : 2 ** (latency / halfLife);
}

const epsilon = 1e-9;

/**
 * Scores a task's convergence and explains it per axis.
 *
 * @example
 * ```ts
 * const c = scoreConvergence({ feedbackLatencySec: 30, ruleClosure: 0.9, driftHalfLifeSec: 94608000,
 *   horizonSec: 1800, repairEfficiency: 0.5, maxAttempts: 8 });
 * c.score;        // ≈ 0.89
 * c.limitingAxis; // "ruleClosure"
 * ```
 */
export function scoreConvergence(input: ConvergenceInput): Convergence {
  const core = convergenceCore(input);
  const c = input.ruleClosure;
  const L = input.feedbackLatencySec;
  const h = input.driftHalfLifeSec;
  // Counterfactuals: how much would the score rise if one axis were ideal?
  // Instant feedback: every attempt gets feedback and nothing drifts between them.
  const idealLatency = c * (1 - (1 - c * input.repairEfficiency) ** input.maxAttempts);
  const { horizonSec: T, repairEfficiency: eta, maxAttempts } = input;
  const idealClosure = scoreOf(L, 1, h, T, eta, maxAttempts);
  const idealDrift = h === null ? core.score : scoreOf(L, c, null, T, eta, maxAttempts);
  const headroom = {
    feedbackLatency: Math.max(0, idealLatency - core.score),
    ruleClosure: Math.max(0, idealClosure - core.score),
    environmentDrift: Math.max(0, idealDrift - core.score),
  };
  let limitingAxis: Axis | null;
  if (L === null) limitingAxis = "feedbackLatency";
  else if (c <= 0) limitingAxis = "ruleClosure";
  else {
    limitingAxis = null;
    let best = epsilon;
    for (const axis of axes) {
      if (headroom[axis] > best) {
        best = headroom[axis];
        limitingAxis = axis;
      }
    }
  }
  const cappedByBudget = L !== null && input.horizonSec / L > input.maxAttempts;
  const window = cappedByBudget ? `the ${input.maxAttempts}-attempt budget` : `the ${humanizeSeconds(input.horizonSec)} horizon`;
  const latencyText =
    L === null
      ? "feedback never arrives, so errors are never corrected"
      : core.cycles === 0
        ? `feedback arrives in ${humanizeSeconds(L)}, after the task's ${humanizeSeconds(input.horizonSec)} horizon: not one correction cycle fits`
        : `feedback arrives in ${humanizeSeconds(L)}: ${formatCycles(core.cycles)} correction cycles fit in ${window}`;
  const closureText =
    c <= 0
      ? "nothing about success is machine-checkable"
      : c >= 1
        ? "success is fully machine-checkable"
        : `${percent(c)} of success is machine-checkable; the other ${percent(1 - c)} is never corrected by feedback`;
  const driftText =
    h === null
      ? "the environment does not drift"
      : L === null
        ? `the environment's half-life is ${humanizeSeconds(h)}`
        : `the environment's half-life is ${humanizeSeconds(h)}: errors grow ×${round3(2 ** (L / h))} between two feedbacks`;
  return {
    score: core.score,
    errorFactor: core.errorFactor,
    cycles: core.cycles,
    residualError: core.residualError,
    limitingAxis,
    axes: {
      feedbackLatency: { headroom: headroom.feedbackLatency, explanation: latencyText },
      ruleClosure: { headroom: headroom.ruleClosure, explanation: closureText },
      environmentDrift: { headroom: headroom.environmentDrift, explanation: driftText },
    },
    summary: summarize(input, core, limitingAxis, latencyText, closureText, driftText),
    scorerVersion,
  };
}

function summarize(
  input: ConvergenceInput,
  core: ConvergenceCore,
  limitingAxis: Axis | null,
  latencyText: string,
  closureText: string,
  driftText: string,
): string {
  const L = input.feedbackLatencySec;
  const h = input.driftHalfLifeSec;
  if (limitingAxis === null) return `Converges: ${latencyText}, and ${closureText}.`;
  if (L !== null && h !== null && core.errorFactor !== null && core.errorFactor >= 1 && input.ruleClosure > 0) {
    return `Limited by ${axisWords[limitingAxis]}: feedback arrives in ${humanizeSeconds(L)} but the environment's half-life is ${humanizeSeconds(h)}: errors cannot be corrected before they compound.`;
  }
  const detail =
    limitingAxis === "feedbackLatency" ? latencyText : limitingAxis === "ruleClosure" ? closureText : driftText;
  return `Limited by ${axisWords[limitingAxis]}: ${detail}.`;
}

/** Each axis in the words reviewers read. */
export const axisWords: { readonly [A in Axis]: string } = {
  feedbackLatency: "feedback latency",
  ruleClosure: "rule closure",
  environmentDrift: "environment drift",
};

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function formatCycles(k: number): string {
  return k >= 10 ? String(Math.floor(k)) : String(Math.floor(k * 10) / 10);
}

/** Three significant digits without toPrecision's exponent notation. */
function round3(x: number): string {
  if (x >= 100) return String(Math.round(x));
  if (x >= 10) return String(Math.round(x * 10) / 10);
  return String(Math.round(x * 100) / 100);
}
