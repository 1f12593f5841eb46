// Signals resolution with provenance: sandbox profile / declared > imputed from the kind > estimator > conservative defaults.
import type { ImputedSignals } from "./signalMemory.js";
import type { SignalName, Task } from "./taskSchema.js";

/** Where a resolved signal came from. */
export type SignalSource = "declared" | "sandbox" | "imputed" | "estimated" | "default";

/** A signal's value and where it came from. */
export interface ResolvedSignal<T> {
  readonly value: T;
  readonly source: SignalSource;
  /** Which sandbox or estimator gave it, or why a default applies. */
  readonly note?: string;
}

/** All four signals, resolved. */
export interface ResolvedSignals {
  readonly feedbackLatencySec: ResolvedSignal<number | null>;
  readonly ruleClosure: ResolvedSignal<number>;
  readonly driftHalfLifeSec: ResolvedSignal<number | null>;
  readonly horizonSec: ResolvedSignal<number>;
}

/** What an estimator says about signals a task left out, each with a reason. */
export interface SignalEstimate {
  readonly feedbackLatencySec?: { readonly value: number | null; readonly reason?: string };
  readonly ruleClosure?: { readonly value: number; readonly reason?: string };
  readonly driftHalfLifeSec?: { readonly value: number | null; readonly reason?: string };
  readonly horizonSec?: { readonly value: number; readonly reason?: string };
}

/**
 * A pluggable source of signals for tasks that do not declare them (the LLM estimator comes with the
 * LangChain adapter). Declared values and sandbox profiles always win over it.
 */
export interface SignalEstimator {
  /** Named in decisions as the source of estimated values. */
  readonly name: string;
  /** Estimates the `missing` signals of `task`. */
  estimate(task: Task, missing: readonly SignalName[]): SignalEstimate | Promise<SignalEstimate>;
}

/** The feedback all sandbox profiles matching a kind give together: the fastest latency, the highest closure. */
export interface SandboxFeedback {
  readonly feedbackLatencySec?: number;
  readonly latencyFrom?: string;
  readonly ruleClosure?: number;
  readonly closureFrom?: string;
}

/** Conservative values for signals nobody gave. */
export interface SignalDefaults {
  readonly feedbackLatencySec: number | null;
  readonly ruleClosure: number;
  readonly driftHalfLifeSec: number | null;
  /** Horizon when unknown: the budget's wall time. */
  readonly horizonSec: number;
}

const declaredRes = <T>(value: T): ResolvedSignal<T> => ({ value, source: "declared" });

/**
 * Resolves a task's signals. A sandbox is one more feedback channel: where the task also declares
 * a value, the faster latency and the higher closure win, so adding a sandbox never makes a task look
 * less convergent. The estimator fills only what neither gives; defaults fill the rest.
 */
export function resolveSignals(
  task: Task,
  sandbox: SandboxFeedback | undefined,
  estimate: SignalEstimate | undefined,
  defaults: SignalDefaults,
  imputed: ImputedSignals = {},
): ResolvedSignals {
  const declared = task.signals;
  let feedbackLatencySec: ResolvedSignal<number | null>;
  const dL = declared?.feedbackLatencySec;
  const sL = sandbox?.feedbackLatencySec;
  if (sL !== undefined && (dL === undefined || dL === null || sL < dL)) {
    feedbackLatencySec = { value: sL, source: "sandbox", note: sandbox!.latencyFrom! };
  } else if (dL !== undefined) feedbackLatencySec = declaredRes(dL);
  else if (imputed.feedbackLatencySec !== undefined) feedbackLatencySec = { value: imputed.feedbackLatencySec.value, source: "imputed", note: imputed.feedbackLatencySec.note };
  else if (estimate?.feedbackLatencySec !== undefined) feedbackLatencySec = estimated(estimate.feedbackLatencySec);
  else feedbackLatencySec = { value: defaults.feedbackLatencySec, source: "default" };

  let ruleClosure: ResolvedSignal<number>;
  const dC = declared?.ruleClosure;
  const sC = sandbox?.ruleClosure;
  if (sC !== undefined && (dC === undefined || sC > dC)) ruleClosure = { value: sC, source: "sandbox", note: sandbox!.closureFrom! };
  else if (dC !== undefined) ruleClosure = declaredRes(dC);
  else if (imputed.ruleClosure !== undefined) ruleClosure = { value: imputed.ruleClosure.value, source: "imputed", note: imputed.ruleClosure.note };
  else if (estimate?.ruleClosure !== undefined) ruleClosure = estimated(estimate.ruleClosure);
  else ruleClosure = { value: defaults.ruleClosure, source: "default" };

  const dH = declared?.driftHalfLifeSec;
  const driftHalfLifeSec: ResolvedSignal<number | null> =
    dH !== undefined
      ? declaredRes(dH)
      : imputed.driftHalfLifeSec !== undefined
        ? { value: imputed.driftHalfLifeSec.value, source: "imputed", note: imputed.driftHalfLifeSec.note }
        : estimate?.driftHalfLifeSec !== undefined
        ? estimated(estimate.driftHalfLifeSec)
        : { value: defaults.driftHalfLifeSec, source: "default" };

  const dT = declared?.horizonSec;
  const horizonSec: ResolvedSignal<number> =
    dT !== undefined
      ? declaredRes(dT)
      : imputed.horizonSec !== undefined
        ? { value: imputed.horizonSec.value, source: "imputed", note: imputed.horizonSec.note }
        : estimate?.horizonSec !== undefined
        ? estimated(estimate.horizonSec)
        : { value: defaults.horizonSec, source: "default" };

  return { feedbackLatencySec, ruleClosure, driftHalfLifeSec, horizonSec };
}

function estimated<T>(e: { readonly value: T; readonly reason?: string }): ResolvedSignal<T> {
  return e.reason === undefined ? { value: e.value, source: "estimated" } : { value: e.value, source: "estimated", note: e.reason };
}

/** The signals a task, its sandboxes, the policy and the kind's other tasks leave unknown (those an estimator is asked for). */
export function missingSignals(task: Task, sandbox: SandboxFeedback | undefined, imputed: ImputedSignals = {}): SignalName[] {
  const s = task.signals;
  const missing: SignalName[] = [];
  if (s?.feedbackLatencySec === undefined && sandbox?.feedbackLatencySec === undefined && imputed.feedbackLatencySec === undefined) missing.push("feedbackLatencySec");
  if (s?.ruleClosure === undefined && sandbox?.ruleClosure === undefined && imputed.ruleClosure === undefined) missing.push("ruleClosure");
  if (s?.driftHalfLifeSec === undefined && imputed.driftHalfLifeSec === undefined) missing.push("driftHalfLifeSec");
  if (s?.horizonSec === undefined && imputed.horizonSec === undefined) missing.push("horizonSec");
  return missing;
}
