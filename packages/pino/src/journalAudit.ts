// The audit trail of a run built from its journal: typed events, not log fields read back. The same entries and
// sentences as the trail read from pino lines (one builder per entry type), with the journal's own times and seqs.
import type { RunEvent } from "@convergent/runtime";
import { type AuditEntry, type AuditTrail, entries } from "./audit.js";

/**
 * The audit trail of one run from its journal (`store.readRun(runId)`): who decided what, when, and why — the
 * decision (route, score, reasons, rules, policy), each attempt, escalation, checkpoint opened / answered / expired,
 * judgement, shadow run, and how the run ended. Unlike {@link auditTrail} it needs no logs and misses nothing a log
 * level or a lost line would.
 *
 * @example
 * ```ts
 * const trail = journalAuditTrail(await store.readRun("run-1a2b3c4d5e6f"));
 * for (const entry of trail.entries) console.log(entry.at, entry.text);
 * ```
 */
export function journalAuditTrail(events: readonly RunEvent[]): AuditTrail {
  const list: AuditEntry[] = [];
  for (const event of events) {
    const entry = entryOfEvent(event);
    if (entry !== undefined) list.push(entry);
  }
  const submitted = events.find((e) => e.type === "run.submitted");
  const task = submitted?.type === "run.submitted" ? submitted.data.task : undefined;
  return {
    runId: events[0]?.runId ?? "",
    taskId: task?.id,
    kind: task?.kind,
    entries: list,
    decision: list.filter((e): e is Extract<AuditEntry, { type: "decision" }> => e.type === "decision").at(-1),
    completion: list.filter((e): e is Extract<AuditEntry, { type: "completed" }> => e.type === "completed").at(-1),
  };
}

function entryOfEvent(event: RunEvent): AuditEntry | undefined {
  const base = { at: new Date(event.at).toISOString(), event: event.type, seq: event.seq };
  switch (event.type) {
    case "run.submitted":
      return entries.submitted(base, event.data.task.id, event.data.task.kind);
    case "run.routed": {
      const d = event.data.decision;
      return entries.decision(base, { route: d.route, score: d.convergence.score, reasons: d.reasons, rules: d.rules, policy: { ...d.policy } });
    }
    case "attempt.started":
    case "attempt.recorded":
    case "attempt.failed":
      return entries.attempt(base, event.data.attempt, event.type.slice("attempt.".length), undefined, undefined);
    case "attempt.verified":
      return entries.attempt(base, event.data.attempt, "verified", event.data.verdict.passed, event.data.verdict.error);
    case "run.escalated":
      return entries.escalation(base, event.data.reason, event.data.detail);
    case "checkpoint.opened":
      return entries.opened(base, event.data.checkpoint.id, event.data.checkpoint.purpose);
    case "checkpoint.answered":
      return entries.answered(base, event.data.checkpointId, event.data.reviewer.id, event.data.answer.type);
    case "checkpoint.expired":
      return entries.expired(base, event.data.checkpointId, event.data.onTimeout.action);
    case "run.completed":
      return entries.completed(base, event.data.status, event.data.reason);
    case "answer.judged":
      return entries.judgement(base, event.data.checkpointId, event.data.attempt, event.data.agrees, event.data.detail);
    case "shadow.attempted":
      return entries.shadowAttempt(base, event.data.attempt, event.data.verdict?.passed, event.data.verdict?.error, event.data.failed?.error);
    case "shadow.ended":
      return entries.shadowEnded(base, event.data.status, event.data.detail);
    case "shadow.judged":
      return entries.shadowJudged(base, event.data.agrees, event.data.detail);
    case "shadow.started":
      return undefined;
  }
}
