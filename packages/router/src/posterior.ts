// The two pieces of arithmetic calibration is made of: a Beta posterior with a pessimistic bound, and a monotone
// map from the model's failure estimate to the failure rate observed.

/** Successes and failures observed. */
export interface Counts {
  readonly successes: number;
  readonly failures: number;
}

/** The failure estimate for one route of one task. */
export interface FailureEstimate {
  /** The probability the router uses (the mean, or the pessimistic bound of a risk-averse policy). */
  readonly probability: number;
  /** What the model alone said. */
  readonly prior: number;
  /** Outcomes behind the estimate. */
  readonly observations: number;
}

/**
 * The posterior failure probability: Beta prior with mean `prior` and `strength` pseudo-outcomes, updated
 * with `counts`. With `z` > 0 it returns the pessimistic bound mean + z·sd (normal approximation, the spread taken
 * at min(mean, 0.5) so the bound is monotone in the mean), capped at 1.
 */
export function posteriorFailure(prior: number, strength: number, counts: Counts, z: number): FailureEstimate {
  const n = counts.successes + counts.failures;
  const mean = (strength * prior + counts.failures) / (strength + n);
  // The spread is taken at min(mean, 0.5) so the bound never falls as the mean rises (keeps routing monotone).
  const v = mean < 0.5 ? mean : 0.5;
  const probability = z > 0 ? Math.min(1, mean + z * Math.sqrt((v * (1 - v)) / (strength + n + 1))) : mean;
  return { probability, prior, observations: n };
}

/**
 * A monotone map from the model's estimate to the observed failure rate: each bin's rate shrunk toward the model
 * by `strength` pseudo-outcomes, made non-decreasing by pooling adjacent violators, and interpolated linearly
 * between the bins' mean estimates (outside them, the nearest bin's ratio to the model). Identity without data.
 */
export function monotoneMap(bins: readonly { outcomes: number; failures: number; expected: number }[], strength: number): (p: number) => number {
  const points: { x: number; y: number; w: number }[] = [];
  for (const b of bins) {
    if (b.outcomes === 0) continue;
    const x = b.expected / b.outcomes;
    points.push({ x, y: (b.failures + strength * x) / (b.outcomes + strength), w: b.outcomes + strength });
  }
  if (points.length === 0) return (p) => p;
  // Pool adjacent violators (weighted), keeping each block's points at their own x.
  const blocks: { y: number; w: number; from: number; to: number }[] = [];
  points.forEach((pt, i) => {
    blocks.push({ y: pt.y, w: pt.w, from: i, to: i });
    while (blocks.length > 1 && blocks[blocks.length - 2]!.y > blocks[blocks.length - 1]!.y) {
      const b = blocks.pop()!;
      const a = blocks.pop()!;
      blocks.push({ y: (a.y * a.w + b.y * b.w) / (a.w + b.w), w: a.w + b.w, from: a.from, to: b.to });
    }
  });
  for (const b of blocks) for (let i = b.from; i <= b.to; i++) points[i]!.y = b.y;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  return (p) => {
    // Ratios first: p · y / x loses everything to underflow when x is subnormal.
    if (p <= first.x) return first.x <= 0 ? first.y : first.y * Math.min(1, p / first.x);
    if (p >= last.x) return last.x <= 0 ? last.y : Math.min(1, Math.max(last.y, last.y * (p / last.x)));
    let i = 1;
    while (points[i]!.x < p) i++;
    const a = points[i - 1]!;
    const b = points[i]!;
    return b.x === a.x ? b.y : a.y + ((p - a.x) / (b.x - a.x)) * (b.y - a.y);
  };
}
