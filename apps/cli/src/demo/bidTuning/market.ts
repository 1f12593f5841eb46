// The market of an `ads.bid-tuning` task: a small simulator of a campaign's cost per acquisition (CPA).
//
// The CPA a bid produces is proportional to the bid (`CPA = k · bid`), and demand drifts: `k` — the cost of a
// conversion per unit of bid — grows by `demandDriftPerAttempt` every attempt. Reports are late: the CPA reported
// after attempt n was produced by the bid of attempt n − reportLag (conversions trickle in after the clicks), so
// with the default lag of 1 the newest report an agent reads when it sets a bid reflects the bid it set two
// attempts earlier. Everything here is a pure function of the task's input and the bid log: the same log always
// gives the same report, across retries and processes.
import { z } from "zod";

const money = z.number().positive().refine(Number.isFinite, { message: "must be finite" });

/** The `input` of an `ads.bid-tuning` task. */
export const bidTuningInputSchema = z
  .strictObject({
    /** The cost per acquisition the campaign must hit. */
    targetCpa: money,
    /** The bid running now, before the task starts. */
    currentBid: money,
    /** The CPA observed at the current bid. */
    currentCpa: money,
    /** Share by which the cost of a conversion per unit of bid grows each attempt (0.01 = 1%). */
    demandDriftPerAttempt: z.number().min(-0.5).max(0.5).default(0.01),
    /** Attempts between a bid and the report of the CPA it produced (0 = reported at once). */
    reportLag: z.number().int().min(0).max(10).default(1),
    /** How close to the target counts as hitting it, either way (0.05 = within 5%). */
    tolerance: z.number().gt(0).lt(1).default(0.05),
    /** Bounds the campaign allows for a bid. */
    minBid: money.optional(),
    maxBid: money.optional(),
  })
  .refine((i) => i.minBid === undefined || i.maxBid === undefined || i.minBid <= i.maxBid, { path: ["maxBid"], message: "must be ≥ minBid" });

/** The input of an `ads.bid-tuning` task. */
export type BidTuningInput = z.infer<typeof bidTuningInputSchema>;

/** The bid log an attempt's output carries: every bid set so far, oldest first (entry i was set at attempt i + 1). */
export const bidLogSchema = z.array(money).max(10_000);

/** What the market reports after an attempt. */
export interface MarketReport {
  readonly attempt: number;
  /** The CPA observed. */
  readonly cpa: number;
  /** The attempt whose bid produced it (0 = the bid running before the task). */
  readonly reflectsAttempt: number;
  readonly reflectsBid: number;
  /** The bid set at this attempt (live from now on). */
  readonly liveBid: number;
  /** How far the CPA is from the target in log points: 100 · |ln(CPA / target)| (≈ percent for small misses). */
  readonly miss: number;
  /** Whether the CPA is within the tolerance of the target. */
  readonly onTarget: boolean;
}

/** The bid set at `attempt` (the bid before the task for attempts ≤ 0). */
export function bidAt(input: BidTuningInput, bids: readonly number[], attempt: number): number {
  return attempt <= 0 ? input.currentBid : (bids[attempt - 1] ?? bids.at(-1) ?? input.currentBid);
}

/**
 * The market's report after attempt `attempt` (1-based) for a bid log of that many bids.
 *
 * @example
 * ```ts
 * const input = bidTuningInputSchema.parse({ targetCpa: 20, currentBid: 1.5, currentCpa: 30 });
 * marketReport(input, [1.0], 1).cpa; // 30.3: the report after attempt 1 still reflects the old bid, a little dearer
 * ```
 */
export function marketReport(input: BidTuningInput, bids: readonly number[], attempt: number): MarketReport {
  const k = (input.currentCpa / input.currentBid) * (1 + input.demandDriftPerAttempt) ** attempt;
  const reflectsAttempt = Math.max(0, attempt - input.reportLag);
  const reflectsBid = bidAt(input, bids, reflectsAttempt);
  const cpa = k * reflectsBid;
  const ratio = cpa / input.targetCpa;
  return {
    attempt,
    cpa,
    reflectsAttempt,
    reflectsBid,
    liveBid: bidAt(input, bids, attempt),
    miss: 100 * Math.abs(Math.log(ratio)),
    onTarget: ratio <= 1 + input.tolerance && ratio >= 1 / (1 + input.tolerance),
  };
}

/** Money as the reports show it: `$1.25`, `$0.083`. */
export function dollars(x: number): string {
  return `$${x >= 1 ? x.toFixed(2) : x.toPrecision(2)}`;
}
