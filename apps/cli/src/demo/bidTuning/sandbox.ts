// The `ads.bid-tuning` sandbox: the market simulator. It replays the attempt's bid log through the market (see
// market.ts) and reports the CPA observed after this attempt — late, and in a market whose demand drifts. The error
// is the CPA's miss in log points, 100 · |ln(CPA / target)| (symmetric: half the target is as far off as double);
// 0 exactly when the reported CPA is within the tolerance. Like a marketer's dashboard it judges the CPA the market
// reports, not whether the bid still in flight is right — one reason its closure is only 0.7.
import type { Sandbox, Verdict } from "@convergent/runtime";
import { z } from "zod";
import { parseOutput, parseTaskInput } from "../shared/input.js";
import { bidLogSchema, bidTuningInputSchema, marketReport } from "./market.js";
import { formatReport } from "./report.js";

/** What the sandbox reads from an attempt's output: the bid log. */
export const bidTuningOutputSchema = z.object({ bids: bidLogSchema });

/** Options of {@link createMarketSimulatorSandbox}. */
export interface MarketSimulatorSandboxOptions {
  readonly name?: string;
  readonly kinds?: readonly string[];
}

/**
 * Creates the market-simulator sandbox for `ads.bid-tuning`. The output must carry the whole bid log, one bid per
 * attempt so far; a log it cannot read leaves the campaign at the bid it had before the task.
 *
 * @example
 * ```ts
 * const market = createMarketSimulatorSandbox();
 * await market.verify({ task, attempt: 1, output: { bids: [1.2] }, idempotencyKey: "k" });
 * ```
 */
export function createMarketSimulatorSandbox(options: MarketSimulatorSandboxOptions = {}): Sandbox {
  return {
    name: options.name ?? "market-simulator",
    kinds: options.kinds ?? ["ads.bid-tuning"],
    closure: 0.7,
    async verify({ task, attempt, output }): Promise<Verdict> {
      const input = parseTaskInput(bidTuningInputSchema, task);
      const read = parseOutput(bidTuningOutputSchema, output);
      const problem = !read.ok ? read.problem : read.value.bids.length !== attempt ? `output.bids: has ${read.value.bids.length} bids, expected one per attempt (${attempt})` : undefined;
      const bids = problem === undefined && read.ok ? read.value.bids : [];
      const report = marketReport(input, bids, attempt);
      const text = formatReport(report, input.targetCpa);
      const feedback = problem === undefined ? text : `${problem}; the campaign keeps the bid it had before the task.\n${text}`;
      return report.onTarget && problem === undefined ? { passed: true, error: 0, feedback } : { passed: false, error: Math.max(report.miss, 1e-9), feedback };
    },
  };
}
