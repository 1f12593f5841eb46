// Timing helpers for in-process measurements: throughput over passes, and per-call latency percentiles.

/** Nanoseconds on the monotonic clock. */
export const nowNs = (): bigint => process.hrtime.bigint();

/** Seconds between two `nowNs()` readings. */
export const secondsBetween = (start: bigint, end: bigint): number => Number(end - start) / 1e9;

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median: no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The q-quantile (0 ≤ q ≤ 1) of values sorted ascending, by the nearest-rank method. */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError("quantile: no values");
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

/** Latency distribution of a timed pass, in microseconds. */
export interface LatencySummary {
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly maxUs: number;
  readonly meanUs: number;
}

/** Summarises per-call durations given in nanoseconds. */
export function summarizeLatencies(durationsNs: Float64Array): LatencySummary {
  const sorted = Float64Array.from(durationsNs).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  const us = (ns: number) => Math.round(ns) / 1000;
  return {
    p50Us: us(quantileOfSorted(sorted, 0.5)),
    p90Us: us(quantileOfSorted(sorted, 0.9)),
    p99Us: us(quantileOfSorted(sorted, 0.99)),
    p999Us: us(quantileOfSorted(sorted, 0.999)),
    maxUs: us(sorted[sorted.length - 1]!),
    meanUs: us(sum / sorted.length),
  };
}

/**
 * The cost of one `process.hrtime.bigint()` pair, in nanoseconds (median over many pairs). Latency figures include
 * it once per call; it is reported so readers can judge, not subtracted.
 */
export function timerOverheadNs(samples = 20_000): number {
  const d = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const a = process.hrtime.bigint();
    const b = process.hrtime.bigint();
    d[i] = Number(b - a);
  }
  return quantileOfSorted(d.sort(), 0.5);
}
