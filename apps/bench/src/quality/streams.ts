// ConvergeBench's streams: an online stream where outcomes reach calibration only after the feedback latency
// (how well calibrated is the router after 100, 500, 2,000 outcomes?), and a stream with a mid-stream shift
// (how many tasks until the router's regret is back where it was?).
import { type Calibration, type Outcome, type PolicyInput, createCalibration, createRouter } from "@convergent/router";
import { expectedCalibrationError } from "./metrics.js";
import { type OutcomeTable, expectedCost } from "./outcomeTable.js";
import { outcomeRecord } from "./strategies.js";
import { type BenchRoute, benchRoutes } from "./world.js";

/** Calibration error after some number of outcomes. */
export interface EceFigure {
  /** Outcomes calibration had received. */
  readonly outcomes: number;
  /** Expected calibration error of P(agent fails) over the evaluation tasks (10 bins); null when the stream never delivered that many outcomes. */
  readonly ece: number | null;
  /** Stream tasks decided when that many outcomes had arrived. */
  readonly atTask: number | null;
  /** The same over the evaluation tasks whose kind had agent outcomes of its own; null when none had. */
  readonly eceObservedKinds: number | null;
  /** Share of the evaluation tasks whose kind had agent outcomes of its own. */
  readonly observedShare: number | null;
}

/** Options of {@link onlineCalibration}. */
export interface OnlineCalibrationOptions {
  /** The stream, in arrival order. */
  readonly stream: OutcomeTable;
  /** Tasks on which calibration is measured (their realised autonomous runs are the truth). */
  readonly evaluation: OutcomeTable;
  readonly policy: PolicyInput;
  /** Outcome counts at which calibration is measured. */
  readonly checkpoints: readonly number[];
  /** Seconds between two tasks of the stream. */
  readonly arrivalIntervalSec: number;
}

/** When a run's outcome becomes known: after the feedback latency (never, when feedback never arrives). */
export function outcomeDelaySec(stream: OutcomeTable, i: number, route: BenchRoute): number {
  const r = stream.realised[i]!;
  const latent = stream.tasks[i]!.latent;
  const o = r.outcomes[route];
  if (route === "human") return o.humanMinutes * 60;
  // A person who took over or rejected the result knows at once; otherwise the truth shows after the latency.
  if (o.agentFailed && o.humanMinutes > 0) return latent.latencySec === null ? o.humanMinutes * 60 : r.loop.attempts * latent.latencySec + o.humanMinutes * 60;
  return latent.latencySec ?? Infinity;
}

/** Runs the online stream and measures the calibration error of P(agent fails) at each checkpoint. */
export function onlineCalibration(options: OnlineCalibrationOptions): EceFigure[] {
  const calibration = createCalibration();
  const router = createRouter({ policy: options.policy, calibration });
  const pending: { at: number; outcome: Outcome }[] = [];
  const checkpoints = [...options.checkpoints].sort((a, b) => a - b);
  const snapshots = new Map<number, { snapshot: unknown; atTask: number }>();
  let received = 0;
  let next = 0;
  const deliverUntil = (time: number, atTask: number) => {
    pending.sort((a, b) => a.at - b.at);
    while (pending.length > 0 && pending[0]!.at <= time) {
      const p = pending.shift()!;
      router.recordOutcome(p.outcome);
      received++;
      while (next < checkpoints.length && checkpoints[next]! <= received) {
        snapshots.set(checkpoints[next]!, { snapshot: calibration.snapshot(), atTask });
        next++;
      }
    }
  };
  if (checkpoints[0] === 0) {
    snapshots.set(0, { snapshot: calibration.snapshot(), atTask: 0 });
    next = 1;
  }
  const { stream } = options;
  for (let i = 0; i < stream.tasks.length; i++) {
    const now = i * options.arrivalIntervalSec;
    deliverUntil(now, i);
    const t = stream.tasks[i]!;
    const decision = router.decide(t.observed);
    const delay = outcomeDelaySec(stream, i, decision.route);
    if (Number.isFinite(delay)) pending.push({ at: now + delay, outcome: outcomeRecord(t.latent.kind, decision, stream.realised[i]!) });
  }
  deliverUntil(Infinity, stream.tasks.length);
  return checkpoints.map((n) => {
    const s = snapshots.get(n);
    if (s === undefined) return { outcomes: n, ece: null, atTask: null, eceObservedKinds: null, observedShare: null };
    const e = agentCalibrationError(options.evaluation, options.policy, createCalibration(s.snapshot));
    return { outcomes: n, ece: e.ece, atTask: s.atTask, eceObservedKinds: e.eceObservedKinds, observedShare: e.observedShare };
  });
}

/** ECE of the router's P(agent fails) against the realised autonomous runs of a table: over every task, and over the tasks whose kind had agent outcomes. */
export function agentCalibrationError(
  table: OutcomeTable,
  policy: PolicyInput,
  calibration: Calibration,
): { readonly ece: number; readonly eceObservedKinds: number | null; readonly observedShare: number } {
  const router = createRouter({ policy, calibration });
  const decisions = table.tasks.map((t) => router.decide(t.observed).calibration);
  const predicted = decisions.map((d) => d.agentFailure);
  const observed = table.realised.map((r) => r.outcomes.autonomous.agentFailed);
  const seen = decisions.map((d) => d.agentObservations > 0);
  const count = seen.filter(Boolean).length;
  return {
    ece: expectedCalibrationError(predicted, observed).ece,
    eceObservedKinds: count === 0 ? null : expectedCalibrationError(predicted.filter((_, i) => seen[i]), observed.filter((_, i) => seen[i])).ece,
    observedShare: count / Math.max(1, table.tasks.length),
  };
}

/** How the router coped with a shift of one family's truth in the middle of a stream. */
export interface ShiftFigures {
  readonly family: string;
  /** What changed, in words. */
  readonly change: string;
  /** Index of the first shifted task. */
  readonly at: number;
  readonly tasks: number;
  /** Mean regret per task of the shifted family (expected cost above the oracle's) before the shift. */
  readonly regretBefore: number;
  /** The same over the family's first 50 tasks after the shift, and over its last 50. */
  readonly regretJustAfter: number;
  readonly regretAtEnd: number;
  /** "Within target": the rolling regret per dollar at stake over `window` of the family's tasks at most this (the 90th percentile of the pre-shift windows); null when the stream is too short for a full window before the shift. */
  readonly threshold: number | null;
  readonly window: number;
  /** Stream tasks after the shift until the rolling regret is within target and stays there for a whole window; null when it never does. */
  readonly recoveryTasks: number | null;
  /** The rolling regret per dollar at stake after each of the family's tasks: the stream index and the value. */
  readonly rolling: { readonly task: number; readonly regret: number }[];
}

/** Options of {@link shiftRecovery}. */
export interface ShiftRecoveryOptions {
  readonly stream: OutcomeTable;
  readonly policy: PolicyInput;
  readonly family: string;
  readonly change: string;
  readonly at: number;
  readonly perMinute: number;
  /** Calibration to start from (the warm-up's, so the stream starts in a steady state). */
  readonly calibration?: Calibration;
  /** Family tasks per rolling window (50 by default: about 500 stream tasks for a family of a tenth of them). */
  readonly window?: number;
}

/** Streams the shifted tasks through the router, feeding outcomes back at once, and measures its recovery. */
export function shiftRecovery(options: ShiftRecoveryOptions): ShiftFigures {
  const { stream, perMinute } = options;
  const calibration = createCalibration(options.calibration?.snapshot());
  const router = createRouter({ policy: options.policy, calibration });
  const window = options.window ?? 50;
  const family: { task: number; regret: number; stakes: number }[] = [];
  for (let i = 0; i < stream.tasks.length; i++) {
    const t = stream.tasks[i]!;
    const decision = router.decide(t.observed);
    const route = decision.route;
    router.recordOutcome(outcomeRecord(t.latent.kind, decision, stream.realised[i]!));
    if (t.latent.family !== options.family) continue;
    let best = Infinity;
    for (const r of benchRoutes) best = Math.min(best, expectedCost(stream, i, r, perMinute));
    family.push({ task: i, regret: expectedCost(stream, i, route, perMinute) - best, stakes: t.latent.effectiveStakes });
  }
  const mean = (xs: readonly { regret: number }[]) => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x.regret, 0) / xs.length);
  const before = family.filter((f) => f.task < options.at);
  const after = family.filter((f) => f.task >= options.at);
  const regretBefore = mean(before);
  // Regret per dollar at stake over the window: stakes span five orders of magnitude, so a plain mean would follow
  // whichever large task happened to fall in the window.
  const rolling: { task: number; regret: number }[] = [];
  for (let k = 0; k < family.length; k++) {
    let regret = 0;
    let stakes = 0;
    for (let j = Math.max(0, k - window + 1); j <= k; j++) {
      regret += family[j]!.regret;
      stakes += family[j]!.stakes;
    }
    rolling.push({ task: family[k]!.task, regret: stakes === 0 ? 0 : regret / stakes });
  }
  // "Within target": no worse than the router's usual pre-shift range, the 90th percentile of its full pre-shift windows.
  const preWindows = rolling.filter((r, k) => k >= window - 1 && r.task < options.at).map((r) => r.regret).sort((a, b) => a - b);
  const threshold = preWindows.length === 0 ? null : preWindows[Math.min(preWindows.length - 1, Math.floor(preWindows.length * 0.9))]!;
  // Recovered: 0 when the rolling regret never left the target after the shift; otherwise the first point after it
  // left from which it stays within target for a whole window.
  const firstAfter = rolling.findIndex((r) => r.task >= options.at);
  let recoveryTasks: number | null = null;
  if (firstAfter >= 0 && threshold !== null) {
    const left = rolling.findIndex((r, k) => k >= firstAfter && r.regret > threshold);
    if (left < 0) recoveryTasks = 0;
    else {
      for (let k = left + 1; k + window <= rolling.length; k++) {
        let within = true;
        for (let j = k; j < k + window; j++) {
          if (rolling[j]!.regret > threshold) {
            within = false;
            k = j;
            break;
          }
        }
        if (within) {
          recoveryTasks = rolling[k]!.task - options.at;
          break;
        }
      }
    }
  }
  return {
    family: options.family,
    change: options.change,
    at: options.at,
    tasks: stream.tasks.length,
    regretBefore,
    regretJustAfter: mean(after.slice(0, 50)),
    regretAtEnd: mean(after.slice(-50)),
    threshold,
    window,
    recoveryTasks,
    rolling,
  };
}
