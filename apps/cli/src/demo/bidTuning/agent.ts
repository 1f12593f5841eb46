// The `ads.bid-tuning` agent: a proportional bid controller — and the demo task that genuinely diverges.
//
// Each attempt it reads the newest market report and corrects its latest bid by the gap it sees:
//   bid ← bid · (target / observed CPA) ^ gain,  gain = 1.4.
// It over-corrects by 40% on purpose, to stay ahead of demand that keeps drifting. With instant reports that is a
// sound choice: the miss shrinks by a factor of 0.4 per attempt, changing sign each time (reportLag 0 converges).
//
// Why it diverges — latency plus drift. The reports are late: the one it reads when it sets bid n reflects bid
// n − 2. By then it has already corrected once for that same gap, so each correction lands on top of one it cannot
// see yet; and the drift keeps moving the right bid under both, so stale data is wrong twice over and waiting is no
// option. In log terms the miss follows m(n+1) = m(n) − 1.4 · m(n−1) + drift, whose roots have modulus √1.4 ≈ 1.18:
// an oscillation whose amplitude grows ~18% per attempt (unattended: 42, −14, −71, −51, 51, 122 … log points).
// The runtime's monitor reads the misses 42 → 14 → 71 as "errors grow ×1.31 per attempt" and escalates after three
// attempts. A person's rough rule, "halve your corrections", lowers the gain to 0.7 (modulus ≈ 0.84 < 1: stable) and
// the report after attempt 5 is within 5% of the target. The halved loop still rings as it settles; "account for the
// lag" (correct the bid a report reflects, not the latest one) removes the double correction altogether.
import type { Agent, AttemptInput, AttemptResult } from "@convergent/runtime";
import { type ClauseRule, applyDirection } from "../shared/directions.js";
import { latestSandboxFeedback } from "../shared/feedback.js";
import { parseOutput, parseTaskInput } from "../shared/input.js";
import { computeUsage } from "../shared/usage.js";
import { bidAt, bidTuningInputSchema, dollars } from "./market.js";
import { parseReport } from "./report.js";
import { bidTuningOutputSchema } from "./sandbox.js";

/** The controller's settings, as the defaults and a person's direction leave them. */
interface ControllerSettings {
  gain: number;
  /** Correct the bid the report reflects instead of the latest one (a person told it about the lag). */
  lagAware: boolean;
  minBid: number | undefined;
  maxBid: number | undefined;
}

/** The controller's gain before any direction: over-corrects by 40% to keep up with drifting demand. */
export const defaultGain = 1.4;

const amount = "\\$?\\s*(\\d+(?:\\.\\d+)?)";

const directionRules: readonly ClauseRule<ControllerSettings>[] = [
  (clause, s) => {
    const m = /\b(halve|half|halving|quarter|third|double)\b.*\b(correction|corrections|gain|step|steps|changes?|adjustments?)\b|\b(correction|corrections|gain|steps?|changes?|adjustments?)\b.*\b(by half|in half|halved)\b/i.exec(clause);
    if (m === null) return null;
    const word = (m[1] ?? m[4] ?? "").toLowerCase();
    const factor = word === "quarter" ? 0.25 : word === "third" ? 1 / 3 : word === "double" ? 2 : 0.5;
    const before = s.gain;
    s.gain *= factor;
    return `gain ${round(before)} → ${round(s.gain)} (${word === "double" ? "doubled" : word === "quarter" ? "quartered" : word === "third" ? "cut to a third" : "halved"})`;
  },
  (clause, s) => {
    const m = /\b(?:reduce|lower|cut|shrink|dampen|soften)\b.*\b(?:corrections?|gain|steps?|changes?)\b.*?\bby\s+(\d+(?:\.\d+)?)\s*%/i.exec(clause);
    if (m === null) return null;
    const before = s.gain;
    s.gain *= 1 - Math.min(Number(m[1]), 100) / 100;
    return `gain ${round(before)} → ${round(s.gain)} (reduced by ${m[1]}%)`;
  },
  (clause, s) => {
    const m = /\bgain\s*(?:of|to|=|:|at)?\s*(\d+(?:\.\d+)?)\b/i.exec(clause);
    if (m === null || Number(m[1]) <= 0) return null;
    const before = s.gain;
    s.gain = Number(m[1]);
    return `gain ${round(before)} → ${round(s.gain)}`;
  },
  (clause, s) => {
    if (!/\b(lag|delay|latency|stale|late|catch up|wait for)\b/i.test(clause)) return null;
    s.lagAware = true;
    return "correct the bid each report reflects, not the latest bid (the reports lag)";
  },
  (clause, s) => {
    const m = new RegExp(`\\b(?:cap|max(?:imum)?|never (?:bid )?(?:above|over|more than)|at most|no more than|below|under)\\b\\D*?${amount}`, "i").exec(clause);
    if (m === null || /\bnever (?:bid )?below\b|\bmin(?:imum)?\b|\bat least\b/i.test(clause)) return null;
    s.maxBid = Number(m[1]);
    return `never bid above ${dollars(s.maxBid)}`;
  },
  (clause, s) => {
    const m = new RegExp(`\\b(?:floor|min(?:imum)?|never (?:bid )?(?:below|under|less than)|at least)\\b\\D*?${amount}`, "i").exec(clause);
    if (m === null) return null;
    s.minBid = Number(m[1]);
    return `never bid below ${dollars(s.minBid)}`;
  },
];

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Options of {@link createBidControllerAgent}. */
export interface BidControllerAgentOptions {
  readonly name?: string;
  readonly kinds?: readonly string[];
  /** The gain before any direction ({@link defaultGain} by default). */
  readonly gain?: number;
}

/**
 * Creates the proportional bid controller for `ads.bid-tuning`. Directions it understands: "halve your corrections"
 * (also quarter/double, "reduce corrections by 30%", "gain 0.5"), "account for the lag", "never bid above $2",
 * "never bid below $0.50". Its output is the whole bid log (the market replays it), the new bid and what it applied.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ router, store, agents: [createBidControllerAgent()], sandboxes: [createMarketSimulatorSandbox()] });
 * const run = await runtime.submit(bidTask);                // escalates: diverging
 * await runtime.answer(run.openCheckpoints[0]!.id, { type: "direction", constraints: "Halve your corrections" }, reviewer);
 * ```
 */
export function createBidControllerAgent(options: BidControllerAgentOptions = {}): Agent {
  return {
    name: options.name ?? "bid-controller",
    kinds: options.kinds ?? ["ads.bid-tuning"],
    async attempt(input: AttemptInput): Promise<AttemptResult> {
      const task = parseTaskInput(bidTuningInputSchema, input.task);
      const settings: ControllerSettings = { gain: options.gain ?? defaultGain, lagAware: false, minBid: task.minBid, maxBid: task.maxBid };
      const direction = applyDirection(input.direction, settings, directionRules);
      const previous = parseOutput(bidTuningOutputSchema, input.previousOutput);
      // The log continues the previous attempt's (after a crash, that is the last recorded one).
      const bids = previous.ok ? previous.value.bids.slice(0, input.attempt - 1) : [];
      while (bids.length < input.attempt - 1) bids.push(bids.at(-1) ?? task.currentBid);

      const latest = latestSandboxFeedback(input.feedback);
      const report = latest === undefined ? undefined : parseReport(latest.message);
      const observed = report?.cpa ?? task.currentCpa;
      const reflects = report === undefined ? 0 : (report.reflectsAttempt ?? input.attempt - 1);
      const latestBid = bidAt(task, bids, input.attempt - 1);
      const anchor = settings.lagAware ? bidAt(task, bids, reflects) : latestBid;
      let bid = anchor * (task.targetCpa / observed) ** settings.gain;
      if (settings.maxBid !== undefined) bid = Math.min(bid, settings.maxBid);
      if (settings.minBid !== undefined) bid = Math.max(bid, settings.minBid);
      bid = Math.round(bid * 10_000) / 10_000;
      bids.push(bid);
      const basis = report === undefined ? "the CPA before the task" : `the newest report`;
      return {
        output: {
          bid,
          bids,
          gain: round(settings.gain),
          change: `bid ${dollars(latestBid)} → ${dollars(bid)}: ${basis} shows CPA ${dollars(observed)} against ${dollars(task.targetCpa)}, corrected ${settings.lagAware ? `from the bid it reflects (${dollars(anchor)})` : "from the latest bid"} with gain ${round(settings.gain)}`,
          direction: { text: direction.text, applied: direction.applied, ignored: direction.ignored },
        },
        usage: computeUsage,
      };
    },
  };
}
