// Small factories for realistic run events (a Task, a real router Decision, a Checkpoint), used by the
// store conformance suite and by store tests.
import { type Decision, type JsonValue, type Policy, type Route, type Task, createRouter, defaultPolicy } from "@convergent/router";
import type { Answer, Checkpoint, CheckpointKind, CheckpointPurpose, OnTimeout, Reviewer } from "../checkpoint.js";
import type { NewRunEvent, RunMode, RunOutcome, ShadowStatus } from "../events.js";

export { type ManualClock, manualClock } from "./doubles.js";

/** Tasks shaped like the canonical ones in DESIGN.md §3, by the route the default policy gives them. */
const taskShapes: Record<Route, Omit<Task, "id">> = {
  autonomous: {
    kind: "code.fix-test",
    title: "Make parseDate accept ISO week dates",
    input: { repo: "web", test: "date.test.ts" },
    signals: { feedbackLatencySec: 30, ruleClosure: 0.9, driftHalfLifeSec: 94_608_000, horizonSec: 1800 },
    stakes: { cost: 50, reversible: true },
    tags: ["repo:web"],
    metadata: { team: "frontend" },
  },
  supervised: {
    kind: "i18n.translate",
    title: "Translate the checkout strings to German",
    input: { strings: ["Pay now", "Order summary"], glossary: "de-DE" },
    signals: { feedbackLatencySec: 5, ruleClosure: 0.6, driftHalfLifeSec: 7_776_000, horizonSec: 600 },
    stakes: { cost: 200, reversible: true },
    tags: ["i18n"],
  },
  human: {
    kind: "finance.seed-investment",
    title: "Decide the seed investment in Acme Robotics",
    input: { company: "Acme Robotics", ask: 500_000 },
    signals: { feedbackLatencySec: 94_608_000, ruleClosure: 0.05, driftHalfLifeSec: 15_552_000, horizonSec: 2_592_000 },
    stakes: { cost: 500_000, reversible: false },
    tags: ["finance"],
  },
};

/**
 * A realistic task. `shape` picks a canonical task (the default policy routes `autonomous` to the
 * autonomous route, `human` to a person); `overrides` replace fields.
 */
export function makeTask(id: string, overrides: Partial<Task> = {}, shape: Route = "autonomous"): Task {
  return { id, ...taskShapes[shape], ...overrides };
}

let router: ReturnType<typeof createRouter> | undefined;

/** A real decision for `task` from the router on the default policy. */
export function makeDecision(task: Task): Decision {
  router ??= createRouter();
  return router.decide(task);
}

/** Options of {@link makeCheckpoint}. */
export interface CheckpointFixture {
  readonly id: string;
  readonly runId: string;
  readonly kind?: CheckpointKind;
  /** What the checkpoint is for; by default the usual purpose of its kind. */
  readonly purpose?: CheckpointPurpose;
  readonly roles?: readonly string[];
  /** Store-clock milliseconds when it is due. */
  readonly deadline: number;
  /** Store-clock milliseconds when it was opened (the deadline minus an hour by default). */
  readonly openedAt?: number;
  readonly onTimeout?: OnTimeout;
  readonly context?: JsonValue;
}

const usualPurpose: Record<CheckpointKind, CheckpointPurpose> = {
  approve: "review",
  answer: "task",
  choose: "task",
  direction: "direction",
  takeover: "escalation",
};

/** A checkpoint asking a person to approve an agent's first attempt (or another kind). */
export function makeCheckpoint(options: CheckpointFixture): Checkpoint {
  const kind = options.kind ?? "approve";
  const purpose = options.purpose ?? usualPurpose[kind];
  return {
    id: options.id,
    runId: options.runId,
    kind,
    purpose,
    attempt: purpose === "review" || purpose === "acceptance" ? 1 : null,
    question: kind === "approve" ? "Does the patch fix the failing test without changing the public API?" : `Please ${kind}.`,
    reasons: ["Convergence 0.42: feedback arrives in ~1 day but the rules are only half explicit."],
    context: options.context ?? { attempts: [{ attempt: 1, error: 0.4 }, { attempt: 2, error: 0.1 }], output: { patch: "--- a/date.ts\n+++ b/date.ts" } },
    ...(kind === "choose" ? { options: [{ id: "a", label: "Ship" }, { id: "b", label: "Hold" }] } : {}),
    assigneeRoles: [...(options.roles ?? ["reviewer"])],
    deadline: options.deadline,
    onTimeout: options.onTimeout ?? { action: "fail" },
    openedAt: options.openedAt ?? options.deadline - 3_600_000,
  };
}

/** A reviewer with roles. */
export function makeReviewer(id: string, roles: readonly string[] = ["reviewer"]): Reviewer {
  return { id, roles: [...roles] };
}

/** Event factories with realistic payloads. */
export const events = {
  submitted(task: Task, mode: RunMode = "auto"): NewRunEvent {
    return { type: "run.submitted", data: { task, mode, acceptance: false } };
  },
  routed(decision: Decision, policy: Policy = defaultPolicy()): NewRunEvent {
    return { type: "run.routed", data: { decision, policy } };
  },
  attemptStarted(attempt: number, idempotencyKey = `attempt-${attempt}`): NewRunEvent {
    return { type: "attempt.started", data: { attempt, idempotencyKey, reservedCost: 0.05 } };
  },
  attemptRecorded(attempt: number, output: JsonValue): NewRunEvent {
    return { type: "attempt.recorded", data: { attempt, output, usage: { tokens: 1200, cost: 0.012 }, durationMs: 850 } };
  },
  opened(checkpoint: Checkpoint): NewRunEvent {
    return { type: "checkpoint.opened", data: { checkpoint } };
  },
  answered(checkpointId: string, reviewer: Reviewer, answer: Answer = { type: "approve" }, idempotencyKey: string | null = null): NewRunEvent {
    return { type: "checkpoint.answered", data: { checkpointId, answer, reviewer, idempotencyKey } };
  },
  expired(checkpointId: string, onTimeout: OnTimeout = { action: "fail" }): NewRunEvent {
    return { type: "checkpoint.expired", data: { checkpointId, onTimeout } };
  },
  completed(
    status: "succeeded" | "failed" | "cancelled",
    outcome: RunOutcome | null,
    output: JsonValue | null = null,
  ): NewRunEvent {
    return { type: "run.completed", data: { status, output, reason: `the run ${status}`, outcome } };
  },
  shadowStarted(maxAttempts = 8): NewRunEvent {
    return { type: "shadow.started", data: { maxAttempts } };
  },
  shadowEnded(attempt: number | null = 1, status: ShadowStatus = "passed"): NewRunEvent {
    return { type: "shadow.ended", data: { status, attempt, detail: `the shadow run ${status}` } };
  },
  shadowJudged(outcome: RunOutcome | null, agrees: boolean | null = outcome === null ? null : outcome.result === "succeeded"): NewRunEvent {
    return { type: "shadow.judged", data: { agrees, outcome, detail: agrees === null ? "not judged" : agrees ? "agrees" : "differs" } };
  },
};

/** The first two events of a run: submitted and routed by a real decision. */
export function runStart(task: Task): readonly NewRunEvent[] {
  return [events.submitted(task), events.routed(makeDecision(task))];
}
