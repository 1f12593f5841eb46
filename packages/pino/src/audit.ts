// Reads pino JSON lines back and answers "who decided what, when, and why" for one run.
import { z } from "zod";

const levelNames: Readonly<Record<number, string>> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

// Only what the audit relies on is checked; every other field of a record is kept as it is.
const recordSchema = z
  .object({
    event: z.string().min(1),
    time: z.union([z.number(), z.string()]),
    level: z.union([z.number(), z.string()]).optional(),
    runId: z.string().optional(),
  })
  .loose();

/** One runtime event read back from a pino line: `event`, its time (epoch ms), its level name, and the runtime's fields. */
export interface AuditRecord {
  readonly event: string;
  /** When the line was written, in epoch ms. */
  readonly time: number;
  readonly level: string;
  readonly runId: string | undefined;
  /** Every field of the line as written (`runId`, `taskId`, `checkpointId`, `reviewer`, `route`, …). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** 1-based line number in the input. */
  readonly line: number;
}

/** A line {@link readAudit} could not use, and why. */
export interface SkippedLine {
  readonly line: number;
  readonly reason: string;
}

/** What {@link readAudit} read: the records, and the lines it skipped. */
export interface AuditLog {
  readonly records: readonly AuditRecord[];
  /** How many non-blank lines were skipped; the same as `skippedLines.length`. */
  readonly skipped: number;
  readonly skippedLines: readonly SkippedLine[];
}

const timeOf = (time: number | string): number | undefined => {
  const ms = typeof time === "number" ? time : Date.parse(time);
  return Number.isFinite(ms) ? ms : undefined;
};

/**
 * Parses pino JSON lines (a whole log as one string, or its lines). A line that is not JSON, or not a
 * record of an event (an object with `event` and `time`), is skipped and counted, never an error: logs get
 * cut off mid-line and share files with other programs. Blank lines are ignored.
 *
 * @example
 * ```ts
 * const log = readAudit(readFileSync(".convergent/audit.log", "utf8"));
 * if (log.skipped > 0) console.warn(`${log.skipped} lines were not log records`);
 * ```
 */
export function readAudit(lines: string | Iterable<string>): AuditLog {
  const all = typeof lines === "string" ? lines.split(/\r?\n/) : lines;
  const records: AuditRecord[] = [];
  const skippedLines: SkippedLine[] = [];
  let n = 0;
  for (const text of all) {
    n++;
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      skippedLines.push({ line: n, reason: "not JSON" });
      continue;
    }
    const parsed = recordSchema.safeParse(value);
    const time = parsed.success ? timeOf(parsed.data.time) : undefined;
    if (!parsed.success || time === undefined) {
      skippedLines.push({ line: n, reason: "not a log record (needs an `event` and a `time`)" });
      continue;
    }
    const { level } = parsed.data;
    records.push({
      event: parsed.data.event,
      time,
      level: typeof level === "number" ? (levelNames[level] ?? String(level)) : (level ?? "info"),
      runId: parsed.data.runId,
      fields: parsed.data as Record<string, unknown>,
      line: n,
    });
  }
  return { records, skipped: skippedLines.length, skippedLines };
}

/** The policy a decision was made under. */
export interface AuditPolicy {
  readonly id: string;
  readonly version: number;
  readonly hash: string;
}

interface EntryBase {
  /** When, as an ISO time. */
  readonly at: string;
  /** The runtime's event name (`run.routed`, `checkpoint.answered`, …). */
  readonly event: string;
  /** The run's journal sequence number, when the line has one. */
  readonly seq: number | undefined;
  /** The entry in one sentence. */
  readonly text: string;
}

/** One step of an {@link AuditTrail}, by `type`. */
export type AuditEntry =
  | (EntryBase & { readonly type: "submitted"; readonly taskId: string | undefined; readonly kind: string | undefined })
  | (EntryBase & {
      readonly type: "decision";
      readonly route: string | undefined;
      readonly score: number | undefined;
      readonly reasons: readonly string[];
      readonly rules: readonly string[];
      readonly policy: AuditPolicy | undefined;
    })
  | (EntryBase & { readonly type: "attempt"; readonly attempt: number | undefined; readonly passed: boolean | undefined; readonly error: number | undefined })
  | (EntryBase & { readonly type: "escalation"; readonly reason: string | undefined; readonly detail: string | undefined })
  | (EntryBase & { readonly type: "checkpoint-opened"; readonly checkpointId: string | undefined; readonly purpose: string | undefined })
  | (EntryBase & { readonly type: "checkpoint-answered"; readonly checkpointId: string | undefined; readonly reviewer: string | undefined; readonly answer: string | undefined })
  | (EntryBase & { readonly type: "checkpoint-expired"; readonly checkpointId: string | undefined; readonly action: string | undefined })
  | (EntryBase & { readonly type: "completed"; readonly status: string | undefined; readonly reason: string | undefined })
  | (EntryBase & { readonly type: "shadow"; readonly status: string | undefined; readonly detail: string | undefined })
  | (EntryBase & { readonly type: "judgement"; readonly checkpointId: string | undefined; readonly agrees: boolean | null; readonly detail: string | undefined });

/** Who decided what, when, and why, for one run: its entries in time order, and shortcuts to the decision and the end. */
export interface AuditTrail {
  readonly runId: string;
  readonly taskId: string | undefined;
  readonly kind: string | undefined;
  /** Every audited event of the run, oldest first. Empty when the log holds nothing of the run. */
  readonly entries: readonly AuditEntry[];
  /** The router's decision (the last one, if the log holds several). */
  readonly decision: Extract<AuditEntry, { type: "decision" }> | undefined;
  /** How the run ended; undefined while it has not. */
  readonly completion: Extract<AuditEntry, { type: "completed" }> | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const policyOf = (v: unknown): AuditPolicy | undefined => {
  if (typeof v !== "object" || v === null) return undefined;
  const p = v as Record<string, unknown>;
  const id = str(p["id"]);
  const version = num(p["version"]);
  const hash = str(p["hash"]);
  return id === undefined || version === undefined || hash === undefined ? undefined : { id, version, hash };
};

/** What every entry has; the builders below add the rest and the sentence, the same for logs and journals. */
type Base = Pick<EntryBase, "at" | "event" | "seq">;

/** One builder per entry type: the log path and the journal path give them what they read, and say it alike. */
export const entries = {
  submitted: (base: Base, taskId: string | undefined, kind: string | undefined): AuditEntry => ({ ...base, type: "submitted", taskId, kind, text: `task ${taskId ?? "?"} (${kind ?? "?"}) submitted` }),
  decision: (base: Base, d: { route: string | undefined; score: number | undefined; reasons: readonly string[]; rules: readonly string[]; policy: AuditPolicy | undefined }): AuditEntry => {
    const by = d.policy === undefined ? "" : ` by policy ${d.policy.id} v${d.policy.version}`;
    return { ...base, type: "decision", ...d, text: `routed ${d.route ?? "?"}${by}${d.reasons.length > 0 ? `: ${d.reasons.join(" ")}` : ""}` };
  },
  attempt: (base: Base, attempt: number | undefined, what: string, passed: boolean | undefined, error: number | undefined): AuditEntry => {
    const verdict = passed === undefined ? "" : passed ? " (passed)" : ` (error ${error ?? "?"})`;
    return { ...base, type: "attempt", attempt, passed, error, text: `attempt ${attempt ?? "?"} ${what}${verdict}` };
  },
  escalation: (base: Base, reason: string | undefined, detail: string | undefined): AuditEntry => ({
    ...base,
    type: "escalation",
    reason,
    detail,
    text: `escalated to a person: ${reason ?? "?"}${detail === undefined ? "" : ` — ${detail}`}`,
  }),
  opened: (base: Base, checkpointId: string | undefined, purpose: string | undefined): AuditEntry => ({ ...base, type: "checkpoint-opened", checkpointId, purpose, text: `checkpoint ${checkpointId ?? "?"} opened (${purpose ?? "?"})` }),
  answered: (base: Base, checkpointId: string | undefined, reviewer: string | undefined, answer: string | undefined): AuditEntry => ({
    ...base,
    type: "checkpoint-answered",
    checkpointId,
    reviewer,
    answer,
    text: `${reviewer ?? "?"} answered checkpoint ${checkpointId ?? "?"} (${answer ?? "?"})`,
  }),
  expired: (base: Base, checkpointId: string | undefined, action: string | undefined): AuditEntry => ({
    ...base,
    type: "checkpoint-expired",
    checkpointId,
    action,
    text: `checkpoint ${checkpointId ?? "?"} expired${action === undefined ? "" : ` (${action})`}`,
  }),
  completed: (base: Base, status: string | undefined, reason: string | undefined): AuditEntry => ({ ...base, type: "completed", status, reason, text: `run ${status ?? "ended"}${reason === undefined ? "" : `: ${reason}`}` }),
  // The agent's blind attempts beside a person's work: evidence only, never the run's result.
  shadowAttempt: (base: Base, attempt: number | undefined, passed: boolean | undefined, error: number | undefined, failed: string | undefined): AuditEntry => {
    const verdict = failed !== undefined ? ` failed: ${failed}` : passed === undefined ? "" : passed ? " (passed)" : ` (error ${error ?? "?"})`;
    return { ...base, type: "shadow", status: "attempted", detail: failed, text: `shadow attempt ${attempt ?? "?"}${verdict}` };
  },
  shadowEnded: (base: Base, status: string | undefined, detail: string | undefined): AuditEntry => ({ ...base, type: "shadow", status, detail, text: `shadow run ${status ?? "ended"}${detail === undefined ? "" : `: ${detail}`}` }),
  shadowJudged: (base: Base, agrees: boolean | null, detail: string | undefined): AuditEntry => {
    const status = agrees === true ? "agrees" : agrees === false ? "differs" : "unjudged";
    return { ...base, type: "shadow", status, detail, text: `shadow run judged (${status})${detail === undefined ? "" : `: ${detail}`}` };
  },
  judgement: (base: Base, checkpointId: string | undefined, attempt: number | undefined, agrees: boolean | null, detail: string | undefined): AuditEntry => ({
    ...base,
    type: "judgement",
    checkpointId,
    agrees,
    detail,
    text: `the answer to ${checkpointId ?? "?"} judged against attempt ${attempt ?? "?"}: ${detail ?? "?"}`,
  }),
};

const entryOf = (record: AuditRecord): AuditEntry | undefined => {
  const f = record.fields;
  const base = { at: new Date(record.time).toISOString(), event: record.event, seq: num(f["seq"]) };
  const passed = typeof f["passed"] === "boolean" ? f["passed"] : undefined;
  switch (record.event) {
    case "run.submitted":
      return entries.submitted(base, str(f["taskId"]), str(f["kind"]));
    case "run.routed":
      return entries.decision(base, { route: str(f["route"]), score: num(f["score"]), reasons: strings(f["reasons"]), rules: strings(f["rules"]), policy: policyOf(f["policy"]) });
    case "attempt.started":
    case "attempt.recorded":
    case "attempt.verified":
    case "attempt.failed":
      return entries.attempt(base, num(f["attempt"]), record.event.slice("attempt.".length), passed, num(f["error"]));
    case "run.escalated":
      return entries.escalation(base, str(f["reason"]), str(f["detail"]));
    case "checkpoint.opened":
      return entries.opened(base, str(f["checkpointId"]), str(f["purpose"]));
    case "checkpoint.answered":
      return entries.answered(base, str(f["checkpointId"]), str(f["reviewer"]), str(f["answer"]));
    case "checkpoint.expired":
      return entries.expired(base, str(f["checkpointId"]), str(f["action"]));
    case "run.completed":
      return entries.completed(base, str(f["status"]), str(f["reason"]));
    case "shadow.attempted":
      return entries.shadowAttempt(base, num(f["attempt"]), passed, num(f["error"]), str(f["failed"]));
    case "answer.judged":
      return entries.judgement(base, str(f["checkpointId"]), num(f["attempt"]), typeof f["agrees"] === "boolean" ? f["agrees"] : null, str(f["detail"]));
    case "shadow.ended":
      return entries.shadowEnded(base, str(f["status"]), str(f["detail"]));
    case "shadow.judged":
      return entries.shadowJudged(base, typeof f["agrees"] === "boolean" ? f["agrees"] : null, str(f["detail"]));
    default:
      return undefined;
  }
};

/**
 * The audit trail of one run from records {@link readAudit} read: the decision (route, score, reasons,
 * rules, policy id/version/hash), each attempt, each escalation with its reason and detail, each
 * checkpoint opened / answered (by whom, with which answer type) / expired, and how the run ended — in
 * time order with ISO times. Times are those of the log lines; the store's journal remains the record of
 * what happened, this is what the logs can show without it.
 *
 * @example
 * ```ts
 * const trail = auditTrail(readAudit(lines).records, "run-1a2b3c4d5e6f");
 * for (const entry of trail.entries) console.log(entry.at, entry.text);
 * ```
 */
export function auditTrail(records: readonly AuditRecord[], runId: string): AuditTrail {
  const ofRun = records
    .filter((r) => r.runId === runId)
    .map((record, index) => ({ record, index }))
    // Time first (lines from several processes may be interleaved), then the order they were written in.
    .sort((a, b) => a.record.time - b.record.time || a.index - b.index)
    .map(({ record }) => record);
  const entries = ofRun.map(entryOf).filter((e): e is AuditEntry => e !== undefined);
  const first = ofRun.find((r) => typeof r.fields["taskId"] === "string");
  return {
    runId,
    taskId: str(first?.fields["taskId"]),
    kind: str(ofRun.find((r) => typeof r.fields["kind"] === "string")?.fields["kind"]),
    entries,
    decision: entries.filter((e): e is Extract<AuditEntry, { type: "decision" }> => e.type === "decision").at(-1),
    completion: entries.filter((e): e is Extract<AuditEntry, { type: "completed" }> => e.type === "completed").at(-1),
  };
}
