// A run is an append-only journal of these events; its state is a fold of them (stateFromEvents).
import type { Decision, JsonValue, Outcome, Policy, Route, Task } from "@convergent/router";
import type { Answer, Checkpoint, OnTimeout, Reviewer } from "./checkpoint.js";

/**
 * How a run proceeds: by its decision (`auto`), a person's direction first (`direction`), or a person
 * decides it whatever the route (`person`: a `task` checkpoint; the decision is still journaled, e.g. when
 * a LangChain middleware already routed a tool call to people and records it here).
 */
export type RunMode = "auto" | "direction" | "person";

/** What an agent spent on one attempt. */
export interface Usage {
  readonly tokens: number;
  readonly cost: number;
}

/** A sandbox's verdict on an attempt. */
export interface Verdict {
  readonly passed: boolean;
  /** How far the attempt is from passing (0 when it passes). */
  readonly error: number;
  /** What the agent should know for its next attempt. */
  readonly feedback: string;
}

/** Why a run came to a person while it was running. */
export type EscalationReason =
  | "diverging"
  | "plateau"
  | "budget:attempts"
  | "budget:tokens"
  | "budget:cost"
  | "budget:wall"
  | "no-agent"
  | "agent-error"
  | "sandbox-error";

/** How a shadow run ended (see `shadow.ended`). */
export type ShadowStatus = "passed" | "unverified" | "stopped" | "skipped";

/** The payload of each event type. */
export interface RunEventData {
  "run.submitted": { readonly task: Task; readonly mode: RunMode; readonly acceptance: boolean };
  /** The decision and the policy it was made under: its reviewers, budgets and checkpoint defaults govern the run. */
  "run.routed": { readonly decision: Decision; readonly policy: Policy };
  /** Written before the agent is called: reserves the attempt's budget, so a crash cannot overspend. */
  "attempt.started": { readonly attempt: number; readonly idempotencyKey: string; readonly reservedCost: number };
  "attempt.recorded": { readonly attempt: number; readonly output: JsonValue; readonly usage: Usage; readonly durationMs: number };
  "attempt.verified": {
    readonly attempt: number;
    readonly verdict: Verdict;
    readonly sandbox: string | null;
    readonly durationMs: number;
    /** The sandbox's `passError`, when it declares one (the monitor projects against it). */
    readonly passError?: number;
  };
  "attempt.failed": { readonly attempt: number; readonly error: string; readonly stage: "agent" | "sandbox" };
  "run.escalated": {
    readonly reason: EscalationReason;
    readonly detail: string;
    readonly errorCurve: readonly number[];
    readonly errorFactor: number | null;
  };
  /**
   * A shadow run begins (the decision asked for one and a person has the task): the agent works on the task too,
   * blind, within `maxAttempts`; the run stays `running` until `shadow.ended`, so a crash cannot strand it.
   */
  "shadow.started": { readonly maxAttempts: number };
  /**
   * One attempt of a shadow run (the agent working, blind, on a task a person does): the agent's result and, when a
   * sandbox covers the kind, its verdict; or the error that stopped the attempt. Never used as the run's result.
   */
  "shadow.attempted": {
    readonly attempt: number;
    readonly idempotencyKey: string;
    readonly output: JsonValue | null;
    readonly usage: Usage;
    readonly verdict: Verdict | null;
    readonly sandbox: string | null;
    /** Why the attempt produced no verdict: the agent or the sandbox failed. */
    readonly failed: { readonly error: string; readonly stage: "agent" | "sandbox" } | null;
    readonly durationMs: number;
    /** The sandbox's `passError`, when it declares one (the monitor projects against it). */
    readonly passError?: number;
  };
  /**
   * A shadow run came to an end: `passed` (a sandbox passed the agent's result), `unverified` (a result no sandbox
   * checks), `stopped` (it would have come to a person: the monitor, a budget or repeated errors stopped it) or
   * `skipped` (no agent works on the kind). `attempt` names the result a person's is compared with.
   */
  "shadow.ended": { readonly status: ShadowStatus; readonly attempt: number | null; readonly detail: string };
  /**
   * The shadow run judged against the person's result: whether the agent's agreed (null when it was stopped, or the
   * comparison failed), and the outcome calibration learns for the agent (null: no evidence).
   */
  "shadow.judged": { readonly agrees: boolean | null; readonly outcome: RunOutcome | null; readonly detail: string };
  /**
   * A person's result (a review's edit, a takeover after an escalation) judged against the agent's attempt it
   * replaced: whether they agree (`Agent.agrees`, or equal JSON; null when it could not be judged). Agreeing, the
   * agent's work stood after all: the run's outcome is then an approval (an edit) or a success (a takeover) instead of
   * an override.
   */
  "answer.judged": { readonly checkpointId: string; readonly attempt: number; readonly agrees: boolean | null; readonly detail: string };
  "checkpoint.opened": { readonly checkpoint: Checkpoint };
  "checkpoint.answered": {
    readonly checkpointId: string;
    readonly answer: Answer;
    readonly reviewer: Reviewer;
    readonly idempotencyKey: string | null;
  };
  "checkpoint.expired": { readonly checkpointId: string; readonly onTimeout: OnTimeout };
  "run.completed": {
    readonly status: "succeeded" | "failed" | "cancelled";
    readonly output: JsonValue | null;
    readonly reason: string;
    /**
     * What calibration learns: how the route that did the work fared, and — when an agent did it — the
     * convergence model's estimate of its failure at routing time (`Decision.calibration.modelFailure`).
     */
    readonly outcome: RunOutcome | null;
  };
}

/** How the route that did a run's work fared, as `run.completed` journals it and calibration learns it. */
export interface RunOutcome {
  readonly route: Route;
  readonly result: Outcome["outcome"];
  /** The convergence model's failure estimate at routing time, when an agent did the work. */
  readonly modelFailure?: number;
  /** `approved`: the share of a failure a reviewer's approval counts as (the decision's `calibration.approvedFailure`). */
  readonly failureShare?: number;
}

/** The outcome calibration takes for a run of `kind` that ended with `outcome`. */
export function calibrationOutcome(kind: string, outcome: RunOutcome): Outcome {
  const { route, result, modelFailure, failureShare } = outcome;
  return { kind, route, outcome: result, ...(modelFailure === undefined ? {} : { modelFailure }), ...(failureShare === undefined ? {} : { failureShare }) };
}

/** An event type. */
export type RunEventType = keyof RunEventData;

/** An event before the store stamps it. */
export type NewRunEvent = { [T in RunEventType]: { readonly type: T; readonly data: RunEventData[T] } }[RunEventType];

/** An event in a run's journal. */
export type RunEvent = NewRunEvent & {
  readonly runId: string;
  /** 1-based position in the journal. */
  readonly seq: number;
  /** Store-clock milliseconds when it was appended. */
  readonly at: number;
};

/** The status of a run. */
export type RunStatus = "running" | "waiting" | "succeeded" | "failed" | "cancelled";
