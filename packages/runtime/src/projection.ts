// The indexes every store keeps beside the journals (runs by status, checkpoints by role, run and deadline),
// derived from the events in the same transaction as the append. Shared so every store derives them alike.
import { ConvergentError } from "@convergent/router";
import type { Answer, Checkpoint, Reviewer } from "./checkpoint.js";
import type { RunEvent, RunStatus } from "./events.js";

/** A run as listed by `convergent runs`. */
export interface RunInfo {
  readonly runId: string;
  readonly taskId: string;
  readonly kind: string;
  readonly title: string;
  readonly route: string | null;
  readonly status: RunStatus;
  /** Events in the journal. */
  readonly seq: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A checkpoint with its state, as listed by `convergent inbox`. */
export interface CheckpointInfo {
  readonly checkpoint: Checkpoint;
  readonly status: "open" | "answered" | "expired";
  readonly taskId: string;
  readonly title: string;
  readonly answer: Answer | null;
  readonly reviewer: Reviewer | null;
  readonly answeredAt: number | null;
  readonly idempotencyKey: string | null;
}

/** What one append changes in the indexes. */
export interface ProjectionChange {
  readonly run: RunInfo;
  /** Checkpoints opened, answered or expired by these events. */
  readonly checkpoints: readonly CheckpointInfo[];
  /** The run's open checkpoints after these events. */
  readonly open: number;
}

/**
 * Applies appended events to a run's index entry and its checkpoints. `open` counts the run's open
 * checkpoints before these events; `lookup` finds a checkpoint opened earlier.
 */
export function project(
  before: RunInfo | undefined,
  openBefore: number,
  events: readonly RunEvent[],
  lookup: (checkpointId: string) => CheckpointInfo | undefined,
): ProjectionChange {
  let run = before;
  let open = openBefore;
  const changed = new Map<string, CheckpointInfo>();
  const find = (id: string) => changed.get(id) ?? lookup(id);
  for (const event of events) {
    if (event.type === "run.submitted") {
      const task = event.data.task;
      run = { runId: event.runId, taskId: task.id, kind: task.kind, title: task.title, route: null, status: "running", seq: 0, createdAt: event.at, updatedAt: event.at };
    }
    if (run === undefined) throw new ConvergentError("INVALID_INPUT", `run ${event.runId}: the first event must be run.submitted, got ${event.type}`);
    let status = run.status;
    let route = run.route;
    switch (event.type) {
      case "run.routed":
        route = event.data.decision.route;
        break;
      case "checkpoint.opened":
        // A run that is running with checkpoints open has a shadow run under way: it stays running until it ends.
        status = status === "running" && open > 0 ? "running" : "waiting";
        open++;
        changed.set(event.data.checkpoint.id, {
          checkpoint: event.data.checkpoint,
          status: "open",
          taskId: run.taskId,
          title: run.title,
          answer: null,
          reviewer: null,
          answeredAt: null,
          idempotencyKey: null,
        });
        break;
      case "checkpoint.answered":
      case "checkpoint.expired": {
        const info = find(event.data.checkpointId);
        if (info !== undefined && info.status === "open") {
          open--;
          changed.set(
            info.checkpoint.id,
            event.type === "checkpoint.answered"
              ? { ...info, status: "answered", answer: event.data.answer, reviewer: event.data.reviewer, answeredAt: event.at, idempotencyKey: event.data.idempotencyKey }
              : { ...info, status: "expired" },
          );
        }
        if (open === 0 && status === "waiting") status = "running";
        break;
      }
      case "shadow.started":
        // Keeps the run where resume() finds it, so a crash cannot strand the shadow run.
        status = "running";
        break;
      case "shadow.ended":
        if (open > 0) status = "waiting";
        break;
      case "run.completed":
        status = event.data.status;
        break;
      default:
        break;
    }
    run = { ...run, status, route, seq: event.seq, updatedAt: event.at };
  }
  if (run === undefined) throw new ConvergentError("INVALID_INPUT", "project: no events to apply");
  return { run, checkpoints: [...changed.values()], open };
}
