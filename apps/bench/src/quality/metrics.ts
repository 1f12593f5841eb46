// ConvergeBench's figures: failure rate weighted by stakes, human load, spend, total cost, and the cost–failure
// curve with its normalised area and the human load needed to close most of the failure gap.
import { type OutcomeTable, expectedCost, realisedCost } from "./outcomeTable.js";
import type { BenchRoute } from "./world.js";

/** The route of a task in one realisation (a router may look at what its run showed, like an A2I threshold). */
export type RouteAssignment = (task: number, rep: number) => BenchRoute;

/** The figures of one router at one setting, over one table. */
export interface RouteFigures {
  /** Stakes-weighted failure rate: Σ stakes of undetected failures / Σ stakes. */
  readonly failure: number;
  /** Unweighted share of tasks that failed undetected. */
  readonly failureShare: number;
  /** People's minutes as a share of always-human's. */
  readonly humanLoad: number;
  readonly humanMinutesPerTask: number;
  readonly tokensPerTask: number;
  readonly dollarsPerTask: number;
  /** Realised total cost per task: dollars + minutes × price + stakes of failures. */
  readonly costPerTask: number;
  /** Expected total cost per task (from the latent truth). */
  readonly expectedCostPerTask: number;
  readonly routeMix: { readonly autonomous: number; readonly supervised: number; readonly human: number };
}

/** Figures of a route for every task over a table's evaluated realisations, at `perMinute` (the route mix is realisation 0's). */
export function summarizeRoutes(table: OutcomeTable, assign: RouteAssignment, perMinute: number, alwaysHumanMinutes: number): RouteFigures {
  let stakes = 0;
  let failedStakes = 0;
  let failed = 0;
  let minutes = 0;
  let tokens = 0;
  let dollars = 0;
  let cost = 0;
  let expected = 0;
  const mix = { autonomous: 0, supervised: 0, human: 0 };
  const reps = table.evalReps;
  for (let i = 0; i < table.tasks.length; i++) {
    const s = table.tasks[i]!.latent.effectiveStakes;
    mix[assign(i, 0)]++;
    for (let r = 0; r < reps; r++) {
      const route = assign(i, r);
      const o = table.runs[i]![r]!.outcomes[route];
      stakes += s;
      if (o.failed) {
        failedStakes += s;
        failed++;
      }
      minutes += o.humanMinutes;
      tokens += o.tokens;
      dollars += o.dollars;
      cost += realisedCost(table, i, r, route, perMinute);
      expected += expectedCost(table, i, route, perMinute) / reps;
    }
  }
  const n = Math.max(1, table.tasks.length * reps);
  return {
    failure: stakes === 0 ? 0 : failedStakes / stakes,
    failureShare: failed / n,
    humanLoad: alwaysHumanMinutes === 0 ? 0 : minutes / alwaysHumanMinutes,
    humanMinutesPerTask: minutes / n,
    tokensPerTask: tokens / n,
    dollarsPerTask: dollars / n,
    costPerTask: cost / n,
    expectedCostPerTask: expected / Math.max(1, table.tasks.length),
    routeMix: mix,
  };
}

/** People's minutes if every task went to a person, over the evaluated realisations. */
export function alwaysHumanMinutes(table: OutcomeTable): number {
  let m = 0;
  for (const runs of table.runs) for (const r of runs) m += r.outcomes.human.humanMinutes;
  return m;
}

/** One point of a cost–failure curve. */
export interface CurvePoint {
  readonly knob: number;
  readonly humanLoad: number;
  readonly failure: number;
  readonly costPerTask: number;
}

/** The lower envelope of a curve: points sorted by human load, each failing no more than those before it. */
export function lowerEnvelope(points: readonly Pick<CurvePoint, "humanLoad" | "failure">[]): { humanLoad: number; failure: number }[] {
  const sorted = [...points].sort((a, b) => a.humanLoad - b.humanLoad || a.failure - b.failure);
  const out: { humanLoad: number; failure: number }[] = [];
  for (const p of sorted) {
    if (out.length === 0 || p.failure < out[out.length - 1]!.failure) out.push({ humanLoad: p.humanLoad, failure: p.failure });
  }
  return out;
}

/**
 * The least human load at which a curve reaches a failure rate of at most `target`, interpolating linearly between
 * neighbouring points of its lower envelope (anchored at always-autonomous); null when it never does.
 */
export function loadAtFailure(points: readonly Pick<CurvePoint, "humanLoad" | "failure">[], target: number, anchor: { humanLoad: number; failure: number }): number | null {
  const env = lowerEnvelope([anchor, ...points]);
  if (env[0]!.failure <= target) return env[0]!.humanLoad;
  for (let i = 1; i < env.length; i++) {
    const b = env[i]!;
    if (b.failure <= target) {
      const a = env[i - 1]!;
      const t = (a.failure - target) / (a.failure - b.failure);
      return a.humanLoad + t * (b.humanLoad - a.humanLoad);
    }
  }
  return null;
}

/**
 * The raw area under a curve of the failure gap recovered (0 at always-autonomous, 1 at always-human's failure rate)
 * over human load 0..1, with the best point at or below each load (interpolated along the envelope).
 */
export function rawArea(points: readonly Pick<CurvePoint, "humanLoad" | "failure">[], anchor: { humanLoad: number; failure: number }, humanFailure: number): number | null {
  const gap = anchor.failure - humanFailure;
  if (!(gap > 0)) return null;
  const env = lowerEnvelope([anchor, ...points]);
  const steps = 400;
  let sum = 0;
  for (let s = 0; s <= steps; s++) {
    const x = s / steps;
    let f = env[0]!.failure;
    for (let i = 1; i < env.length && x > env[0]!.humanLoad; i++) {
      const b = env[i]!;
      if (b.humanLoad <= x) {
        f = b.failure;
        continue;
      }
      const a = env[i - 1]!;
      f = a.failure + ((x - a.humanLoad) / (b.humanLoad - a.humanLoad)) * (b.failure - a.failure);
      break;
    }
    const recovered = (anchor.failure - f) / gap;
    sum += (s === 0 || s === steps ? 0.5 : 1) * recovered;
  }
  return sum / steps;
}

/** Maps a raw area so that random routing scores 0.5 and the oracle 1. */
export function normaliseArea(raw: number | null, randomRaw: number | null, oracleRaw: number | null): number | null {
  if (raw === null || randomRaw === null || oracleRaw === null || oracleRaw <= randomRaw) return null;
  return 0.5 + (0.5 * (raw - randomRaw)) / (oracleRaw - randomRaw);
}

/** One bin of a reliability diagram. */
export interface CalibrationBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly meanPredicted: number;
  readonly observed: number;
}

/** Expected calibration error over `bins` equal-width bins, with the bins. */
export function expectedCalibrationError(predicted: readonly number[], observed: readonly boolean[], bins = 10): { ece: number; bins: CalibrationBin[] } {
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i]!;
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]!++;
    sumP[b]! += p;
    sumY[b]! += observed[i] ? 1 : 0;
  }
  let ece = 0;
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const n = count[b]!;
    if (n === 0) continue;
    ece += (n / predicted.length) * Math.abs(sumP[b]! / n - sumY[b]! / n);
    out.push({ from: b / bins, to: (b + 1) / bins, count: n, meanPredicted: sumP[b]! / n, observed: sumY[b]! / n });
  }
  return { ece: predicted.length === 0 ? 0 : ece, bins: out };
}

/** The median of a list (0 for an empty one). */
export function medianOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
