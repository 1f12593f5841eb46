// The store port: journals with optimistic appends, the run and checkpoint indexes, calibration, leases.
import { type CalibrationSnapshot, type Route, createCalibration } from "@convergent/router";
import type { NewRunEvent, RunEvent, RunOutcome, RunStatus } from "./events.js";
import type { CheckpointInfo, RunInfo } from "./projection.js";

/** Which runs to list. */
export interface RunQuery {
  readonly status?: RunStatus | readonly RunStatus[];
  /** At most this many, newest first. */
  readonly limit?: number;
}

/** Which checkpoints to list. */
export interface CheckpointQuery {
  /** `open` when left out. */
  readonly status?: "open" | "answered" | "expired" | "any";
  /** Only checkpoints any of these roles may answer. */
  readonly roles?: readonly string[];
  readonly runId?: string;
  /** Only checkpoints due at or before this store-clock time. */
  readonly dueBefore?: number;
  /** At most this many, earliest deadline first. */
  readonly limit?: number;
}

/**
 * Where runs live. Every implementation passes `runStoreConformance` from `@convergent/runtime/testing`.
 *
 * Journals are append-only and appends are optimistic: `append(runId, expectedSeq, events)` succeeds only
 * when the journal holds exactly `expectedSeq` events, so two workers can never fork a run. The indexes
 * (runs by status, checkpoints, outcomes for calibration) change in the same transaction as the append.
 */
export interface Store {
  /** A short name for messages (`memory`, `sqlite:/path/file.db`). */
  readonly name: string;
  /** The store's clock in milliseconds: deadlines and timestamps use it, so all processes agree. */
  now(): Promise<number>;
  /**
   * Appends `events` to a run's journal when it holds exactly `expectedSeq` events (0 for a new run); the
   * events get seq `expectedSeq + 1…` and the store's time. Otherwise throws a ConvergentError `CONFLICT`
   * and appends nothing.
   */
  append(runId: string, expectedSeq: number, events: readonly NewRunEvent[]): Promise<readonly RunEvent[]>;
  /** The whole journal of a run, in order; empty for an unknown run. */
  readRun(runId: string): Promise<readonly RunEvent[]>;
  getRun(runId: string): Promise<RunInfo | undefined>;
  /** Runs, newest first. */
  listRuns(query?: RunQuery): Promise<readonly RunInfo[]>;
  getCheckpoint(checkpointId: string): Promise<CheckpointInfo | undefined>;
  /** Checkpoints, earliest deadline first. */
  listCheckpoints(query?: CheckpointQuery): Promise<readonly CheckpointInfo[]>;
  /**
   * Outcome counts per kind and route: per run, one outcome from its `run.completed` event and one from its shadow
   * run's `shadow.judged` (see {@link outcomesIn}).
   */
  calibrationSnapshot(): Promise<CalibrationSnapshot>;
  /**
   * What a long-lived router learnt outside of runs (`convergent route --learn`): its calibration snapshot under a
   * name, or undefined when none was saved. Optional: a store without it cannot keep a routing process's state.
   */
  loadRouterState?(name: string): Promise<CalibrationSnapshot | undefined>;
  /** Saves (replaces) the router state under a name. Present exactly when `loadRouterState` is. */
  saveRouterState?(name: string, snapshot: CalibrationSnapshot): Promise<void>;
  /**
   * Takes (or renews) the lease on driving a run for `ttlMs`. True when `owner` now holds it: nobody held
   * it, the holder's lease expired, or `owner` already held it.
   */
  acquireLease(runId: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` holds it. */
  releaseLease(runId: string, owner: string): Promise<void>;
  /** Releases connections and files. */
  close(): Promise<void>;
}

/** One completed run's outcome as a store keeps it (from `run.completed`'s `outcome`, with the run's kind). */
export interface OutcomeRow {
  readonly kind: string;
  readonly route: Route;
  readonly result: RunOutcome["result"];
  /** The model's failure estimate at routing time; null or absent when the outcome carried none. */
  readonly modelFailure?: number | null;
  /** Approved outcomes: the share of a failure the approval counts as (Outcome.failureShare); null or absent otherwise. */
  readonly failureShare?: number | null;
}

/** Where a stored outcome came from: a run's completion, or the judgement of its shadow run. */
export type OutcomeSource = "run" | "shadow";

/**
 * The outcomes appended events carry, in order, each with its source. A store keeps the latest per run and source:
 * a run teaches calibration at most twice, once by how it ended and once by its shadow run.
 */
export function outcomesIn(events: readonly RunEvent[]): { readonly source: OutcomeSource; readonly outcome: RunOutcome }[] {
  const out: { source: OutcomeSource; outcome: RunOutcome }[] = [];
  for (const e of events) {
    if (e.type === "run.completed" && e.data.outcome !== null) out.push({ source: "run", outcome: e.data.outcome });
    else if (e.type === "shadow.judged" && e.data.outcome !== null) out.push({ source: "shadow", outcome: e.data.outcome });
  }
  return out;
}

/**
 * The calibration snapshot of a store's outcomes, built by replaying them through the router's own calibration,
 * so that a store's snapshot always equals what a router that saw the same outcomes would hold — counts,
 * overridden autonomous failures and the model's estimates alike. Stores use it for `calibrationSnapshot()`.
 */
export function outcomeSnapshot(rows: Iterable<OutcomeRow>): CalibrationSnapshot {
  const calibration = createCalibration();
  for (const row of rows) {
    calibration.recordOutcome({
      kind: row.kind,
      route: row.route,
      outcome: row.result,
      ...(row.modelFailure === null || row.modelFailure === undefined ? {} : { modelFailure: row.modelFailure }),
      ...(row.failureShare === null || row.failureShare === undefined ? {} : { failureShare: row.failureShare }),
    });
  }
  return calibration.snapshot();
}
