// The convergence monitor's figures over the autonomous loops of a table: how soon it catches divergence, how
// often it stops a run that would have passed, and the tokens it saves against a fixed attempt budget.
import { medianOf } from "./metrics.js";
import type { OutcomeTable } from "./outcomeTable.js";
import type { LoopEnd, LoopTrace } from "./world.js";

/** What the monitor did over every autonomous loop with feedback. */
export interface MonitorFigures {
  /** Loops with at least one feedback cycle. */
  readonly loops: number;
  /** Loops whose error began to grow for good (divergence). */
  readonly diverging: number;
  /** Median attempts from the start of divergence to the escalation (to the end of the budget when never caught). */
  readonly medianDetectionDelay: number;
  /** Loops the fixed budget would have seen pass. */
  readonly converging: number;
  /** Converging loops the monitor stopped anyway, per 100 converging loops. */
  readonly falseEscalationsPer100: number;
  /** Tokens spent on loops that ended without passing: with the monitor, and with a fixed attempt budget. */
  readonly wastedTokens: { readonly monitor: number; readonly fixedBudget: number; readonly reduction: number };
  /** How the monitored loops ended. */
  readonly ends: Readonly<Record<string, number>>;
  /** The same figures for the runtime's monitor reading errors alone (a sandbox without `passError`), for comparison. */
  readonly runtimeDefaults: { readonly medianDetectionDelay: number; readonly falseEscalationsPer100: number; readonly wastedTokensReduction: number };
}

/** The monitor's figures over a table's realised loops. */
export function monitorFigures(table: OutcomeTable): MonitorFigures {
  const main = figuresOf(table, (l) => l);
  const defaults = figuresOf(table, (l) => l.runtimeDefaults);
  return {
    ...main,
    runtimeDefaults: {
      medianDetectionDelay: defaults.medianDetectionDelay,
      falseEscalationsPer100: defaults.falseEscalationsPer100,
      wastedTokensReduction: defaults.wastedTokens.reduction,
    },
  };
}

function figuresOf(table: OutcomeTable, stopOf: (loop: LoopTrace) => { readonly attempts: number; readonly end: LoopEnd }): Omit<MonitorFigures, "runtimeDefaults"> {
  let loops = 0;
  let converging = 0;
  let falseEscalations = 0;
  let wasteMonitor = 0;
  let wasteFixed = 0;
  const delays: number[] = [];
  const ends: Record<string, number> = {};
  for (const r of table.realised) {
    const l = r.loop;
    if (l.fixedEnd === "no-feedback") continue;
    const { attempts, end } = stopOf(l);
    loops++;
    ends[end] = (ends[end] ?? 0) + 1;
    if (l.passedAt !== null) {
      converging++;
      if (end !== "passed") falseEscalations++;
    } else {
      wasteFixed += l.fixedAttempts * l.tokensPerAttempt;
    }
    if (end !== "passed") wasteMonitor += attempts * l.tokensPerAttempt;
    if (l.divergenceOnset !== null) {
      const caughtAt = end === "diverging" || end === "plateau" ? attempts : l.fixedAttempts + 1;
      delays.push(Math.max(0, caughtAt - l.divergenceOnset));
    }
  }
  return {
    loops,
    diverging: delays.length,
    medianDetectionDelay: medianOf(delays),
    converging,
    falseEscalationsPer100: converging === 0 ? 0 : (100 * falseEscalations) / converging,
    wastedTokens: { monitor: wasteMonitor, fixedBudget: wasteFixed, reduction: wasteFixed === 0 ? 0 : 1 - wasteMonitor / wasteFixed },
    ends,
  };
}
