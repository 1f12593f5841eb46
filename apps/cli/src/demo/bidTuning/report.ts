// The market's report format — what the simulator writes and the bid agent reads:
// `observed CPA $29.41 … (reflects the bid of attempt 2: $1.33)`.
import { type MarketReport, dollars } from "./market.js";

/** The report after an attempt, in words. */
export function formatReport(report: MarketReport, target: number): string {
  const pct = Math.round((report.cpa / target - 1) * 100);
  const source = report.reflectsAttempt === 0 ? "the bid before the task" : `the bid of attempt ${report.reflectsAttempt}`;
  return [
    `Report after attempt ${report.attempt}: observed CPA ${dollars(report.cpa)} against a target of ${dollars(target)} (${pct >= 0 ? "+" : ""}${pct}%, ${report.miss.toFixed(1)} log points off).`,
    `The report reflects ${source}: ${dollars(report.reflectsBid)}; the bid live now is ${dollars(report.liveBid)}.`,
  ].join("\n");
}

/** What the bid agent reads from a report: the observed CPA and the attempt whose bid produced it (0 = before the task). */
export function parseReport(text: string): { cpa: number; reflectsAttempt: number | undefined } | undefined {
  const cpa = /observed CPA \$([0-9]+(?:\.[0-9]+)?(?:e[-+]?\d+)?)/i.exec(text);
  if (cpa === null) return undefined;
  const from = /reflects (?:the bid of attempt (\d+)|(the bid before the task))/i.exec(text);
  return { cpa: Number(cpa[1]), reflectsAttempt: from === null ? undefined : from[2] !== undefined ? 0 : Number(from[1]) };
}
