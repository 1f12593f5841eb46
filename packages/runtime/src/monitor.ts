// The convergence monitor: reads the error series of a run's attempts and says whether errors are
// decaying, growing or flat — so a run escalates to a person before its budget is burnt.

/** Thresholds of the monitor. */
export interface MonitorOptions {
  /** Attempts looked at (the most recent ones). */
  readonly window?: number;
  /** Errors growing faster than this factor per attempt are diverging. */
  readonly divergeFactor?: number;
  /** A factor this large after two attempts is diverging at once (a clear jump, not noise). */
  readonly jumpFactor?: number;
  /** Errors shrinking more slowly than this factor per attempt (over a full window) have plateaued. */
  readonly plateauFactor?: number;
  /**
   * Attempts the budget still allows after the last one. With `targetError`, the monitor also projects the errors
   * forward: a run whose errors, falling even somewhat faster than they have so far, would still be above the
   * target when the budget runs out is escalated now (a plateau: too slow to pass), before the budget is burnt.
   */
  readonly remainingAttempts?: number;
  /** The error at or below which the sandbox passes (used with `remainingAttempts`). */
  readonly targetError?: number;
  /** How much faster than measured the errors are assumed to fall when projecting (the factor is multiplied by it). */
  readonly projectionMargin?: number;
}

/** The monitor's reading of an error series. */
export interface MonitorReading {
  /** The estimated error factor per attempt over the window (exp of the log-linear slope); null with < 2 usable points. */
  readonly errorFactor: number | null;
  readonly trend: "converging" | "diverging" | "plateau" | "undetermined";
  /** The reading in words, for the escalation checkpoint. */
  readonly detail: string;
}

/** The monitor's defaults. */
export const monitorDefaults: Required<Omit<MonitorOptions, "remainingAttempts" | "targetError">> = {
  // A plateau is read over 5 attempts: over 3, noise made about 6 in 100 runs that would have passed look flat
  // (ConvergeBench). Divergence still shows after 3 (or a jump after 2).
  window: 5,
  divergeFactor: 1.05,
  jumpFactor: 1.5,
  plateauFactor: 0.95,
  // Projections assume errors may fall up to twice as fast as measured before calling a run too slow.
  projectionMargin: 0.5,
};

/**
 * Estimates the error factor per attempt from the last `window` errors: ρ̂ = exp(slope of ln error on the
 * attempt number, least squares). Errors of 0 mean the attempt passed and are not part of a failing trend.
 *
 * @example
 * ```ts
 * readErrors([8, 4, 2]).trend;      // "converging" (ρ̂ = 0.5)
 * readErrors([1, 1.6]).trend;       // "diverging"  (a jump)
 * readErrors([5, 4.9, 4.95]).trend; // "plateau"
 * ```
 */
export function readErrors(errors: readonly number[], options: MonitorOptions = {}): MonitorReading {
  const o = { ...monitorDefaults, ...options };
  const recent = errors.slice(-o.window).filter((e) => Number.isFinite(e) && e > 0);
  if (recent.length < 2) return { errorFactor: null, trend: "undetermined", detail: `${errors.length} attempt${errors.length === 1 ? "" : "s"}: too few to read a trend` };
  const n = recent.length;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const y = Math.log(recent[i]!);
    sx += i;
    sy += y;
    sxx += i * i;
    sxy += i * y;
  }
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const factor = Math.exp(slope);
  const shown = factor.toFixed(2);
  const last = recent[n - 1]!;
  const first = recent[0]!;
  const span = `${significant(first)} → ${significant(last)}`;
  if ((n >= 3 && factor > o.divergeFactor && last > first) || (n === 2 && factor >= o.jumpFactor)) {
    return { errorFactor: factor, trend: "diverging", detail: `errors grow ×${shown} per attempt over the last ${n} attempts (${span})` };
  }
  if (n >= o.window && factor >= o.plateauFactor) {
    return { errorFactor: factor, trend: "plateau", detail: `errors stopped improving: ×${shown} per attempt over the last ${n} attempts (${span})` };
  }
  if (o.remainingAttempts !== undefined && o.targetError !== undefined && last > o.targetError) {
    const optimistic = factor * o.projectionMargin;
    const projected = optimistic >= 1 ? last : last * optimistic ** o.remainingAttempts;
    if (projected > o.targetError) {
      return {
        errorFactor: factor,
        trend: "plateau",
        detail: `errors fall ×${shown} per attempt: even a little faster, they would still be above ${significant(o.targetError)} after the ${o.remainingAttempts} attempt${o.remainingAttempts === 1 ? "" : "s"} the budget allows`,
      };
    }
  }
  return { errorFactor: factor, trend: factor < 1 ? "converging" : "undetermined", detail: `errors change ×${shown} per attempt over the last ${n} attempts` };
}

/** A number with at most three significant digits, for messages (41.5415… → 41.5). */
function significant(x: number): string {
  return Number(x.toPrecision(3)).toString();
}
