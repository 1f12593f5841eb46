// The journal as a contract: one zod schema per event type and version, checked whenever a store reads a journal,
// so that a corrupt, unknown or future event is a clear error naming its run and position — never a crash later.
import { ConvergentError, isJsonValue, type JsonValue, problemsFromZod, routeSchema, taskSchema } from "@convergent/router";
import { z } from "zod";
import { answerSchema, checkpointSchema, onTimeoutSchema } from "./checkpoint.js";
import type { RunEvent, RunEventType } from "./events.js";

const json = z.custom<JsonValue>((v) => isJsonValue(v), { message: "must be JSON data" });
const count = z.number().int().min(1);
const nonNegative = z.number().min(0);
const usage = z.object({ tokens: nonNegative, cost: nonNegative });
const verdict = z.object({ passed: z.boolean(), error: z.number(), feedback: z.string() });
const reviewer = z.object({ id: z.string().min(1), roles: z.array(z.string()) });
const failed = z.object({ error: z.string(), stage: z.enum(["agent", "sandbox"]) });
const outcome = z.object({
  route: routeSchema,
  result: z.enum(["succeeded", "failed", "overridden", "approved"]),
  modelFailure: z.number().min(0).max(1).optional(),
  failureShare: z.number().min(0).max(1).optional(),
});

/**
 * What a journal needs of a decision: the fields a run is driven by. Fields later router versions added (`shadow`,
 * `calibration.approvedFailure`, …) are optional, so journals of every earlier version still read; the rest of the
 * decision is kept as written.
 */
const journaledDecision = z.looseObject({
  taskId: z.string(),
  kind: z.string(),
  route: routeSchema,
  allowedRoutes: z.array(routeSchema),
  forcedBy: z.string().nullable(),
  rules: z.array(z.string()),
  assigneeRoles: z.array(z.string()),
  deadlineSec: z.number().positive(),
  reasons: z.array(z.string()),
  policy: z.looseObject({ id: z.string(), version: z.number(), hash: z.string() }),
  calibration: z.looseObject({ modelFailure: z.number().optional(), approvedFailure: z.number().optional() }),
  shadow: z.boolean().optional(),
});

/**
 * What a journal needs of the policy a run was routed under: what the runtime reads while it drives the run (reviewers,
 * checkpoint defaults, budgets and their per-kind overrides, the reservation per attempt, the rules' ids and demands).
 * The whole policy was validated when it was loaded; the rest of it is kept as written.
 */
const journaledPolicy = z.looseObject({
  id: z.string().min(1),
  version: z.number(),
  costs: z.looseObject({ agentPerAttempt: nonNegative }),
  budgets: z.looseObject({ maxAttempts: count, maxWallSec: z.number().positive(), maxTokens: nonNegative.optional(), maxCost: nonNegative.optional() }),
  kinds: z.array(z.looseObject({ kind: z.string().min(1), budgets: z.looseObject({}).optional() })),
  rules: z.array(z.looseObject({ id: z.string().min(1), route: routeSchema.optional(), requireRoles: z.array(z.string()).optional() })),
  reviewers: z.array(z.looseObject({ id: z.string().min(1), roles: z.array(z.string()) })),
  checkpoints: z.looseObject({ assigneeRoles: z.array(z.string()).min(1), deadlineSec: z.number().positive(), onTimeout: z.looseObject({ action: z.enum(["escalate", "default", "fail"]) }) }),
});

const escalationReasons = ["diverging", "plateau", "budget:attempts", "budget:tokens", "budget:cost", "budget:wall", "no-agent", "agent-error", "sandbox-error"] as const;

/** The schema of each event type's data, by version. Version 1 is every journal written before versions existed. */
export const eventDataSchemas: { readonly [T in RunEventType]: { readonly [version: number]: z.ZodType } } = {
  "run.submitted": { 1: z.object({ task: taskSchema, mode: z.enum(["auto", "direction", "person"]), acceptance: z.boolean() }) },
  "run.routed": { 1: z.object({ decision: journaledDecision, policy: journaledPolicy }) },
  "attempt.started": { 1: z.object({ attempt: count, idempotencyKey: z.string().min(1), reservedCost: nonNegative }) },
  "attempt.recorded": { 1: z.object({ attempt: count, output: json, usage, durationMs: nonNegative }) },
  "attempt.verified": { 1: z.object({ attempt: count, verdict, sandbox: z.string().nullable(), durationMs: nonNegative, passError: nonNegative.optional() }) },
  "attempt.failed": { 1: z.object({ attempt: count, error: z.string(), stage: z.enum(["agent", "sandbox"]) }) },
  "run.escalated": {
    1: z.object({ reason: z.enum(escalationReasons), detail: z.string(), errorCurve: z.array(z.number()), errorFactor: z.number().nullable() }),
  },
  "answer.judged": { 1: z.object({ checkpointId: z.string().min(1), attempt: count, agrees: z.boolean().nullable(), detail: z.string() }) },
  "shadow.started": { 1: z.object({ maxAttempts: count }) },
  "shadow.attempted": {
    1: z.object({
      attempt: count,
      idempotencyKey: z.string().min(1),
      output: json.nullable(),
      usage,
      verdict: verdict.nullable(),
      sandbox: z.string().nullable(),
      failed: failed.nullable(),
      durationMs: nonNegative,
      passError: nonNegative.optional(),
    }),
  },
  "shadow.ended": { 1: z.object({ status: z.enum(["passed", "unverified", "stopped", "skipped"]), attempt: count.nullable(), detail: z.string() }) },
  "shadow.judged": { 1: z.object({ agrees: z.boolean().nullable(), outcome: outcome.nullable(), detail: z.string() }) },
  "checkpoint.opened": { 1: z.object({ checkpoint: checkpointSchema }) },
  "checkpoint.answered": { 1: z.object({ checkpointId: z.string().min(1), answer: answerSchema, reviewer, idempotencyKey: z.string().nullable() }) },
  "checkpoint.expired": { 1: z.object({ checkpointId: z.string().min(1), onTimeout: onTimeoutSchema }) },
  "run.completed": {
    1: z.object({ status: z.enum(["succeeded", "failed", "cancelled"]), output: json.nullable(), reason: z.string(), outcome: outcome.nullable() }),
  },
};

/** The version of each event type this code writes. */
export const eventVersions: { readonly [T in RunEventType]: number } = Object.fromEntries(
  Object.entries(eventDataSchemas).map(([type, versions]) => [type, Math.max(...Object.keys(versions).map(Number))]),
) as { [T in RunEventType]: number };

/** One event as a store read it back: its envelope and its data, not yet checked. */
export interface StoredEvent {
  readonly runId: string;
  readonly seq: number;
  readonly at: number;
  readonly type: string;
  /** The version its data was written in; 1 for events written before versions existed. */
  readonly version?: number;
  readonly data: unknown;
}

/**
 * Checks an event a store read back against the schema of its type and version and returns it as a {@link RunEvent}
 * (its data as written). A corrupt event, an unknown type or a version newer than this code knows is a
 * `ConvergentError` (`INVALID_INPUT`) naming the run, the seq, the type and every problem.
 *
 * @example
 * ```ts
 * const event = checkStoredEvent({ runId, seq: row.seq, at: row.at, type: row.type, version: row.version, data: JSON.parse(row.data) });
 * ```
 */
export function checkStoredEvent(stored: StoredEvent): RunEvent {
  const where = `run ${stored.runId}, event ${stored.seq}`;
  const versions = Object.hasOwn(eventDataSchemas, stored.type) ? eventDataSchemas[stored.type as RunEventType] : undefined;
  if (versions === undefined) {
    throw new ConvergentError("INVALID_INPUT", `${where}: unknown event type ${JSON.stringify(stored.type)}; the journal was written by another program or is corrupt`);
  }
  const version = stored.version ?? 1;
  const schema = versions[version];
  if (schema === undefined) {
    const known = eventVersions[stored.type as RunEventType];
    throw new ConvergentError(
      "INVALID_INPUT",
      `${where}: ${stored.type} version ${version} is ${version > known ? "newer than this version of Convergent reads (up to" : "not one this version reads (versions 1 to"} ${known}); upgrade @convergent/runtime to read this journal`,
    );
  }
  // The fast path checks only; a failure is parsed again for messages that show what was found.
  const parsed = schema.safeParse(stored.data).success ? undefined : schema.safeParse(stored.data, { reportInput: true });
  if (parsed !== undefined && !parsed.success) {
    const problems = problemsFromZod(parsed.error.issues);
    throw new ConvergentError(
      "INVALID_INPUT",
      `${where}: corrupt ${stored.type} event:\n${problems.map((p) => `${p.path === "" ? "data" : `data.${p.path}`}: ${p.message}`).join("\n")}`,
      { problems },
    );
  }
  // The data as written: checking never rewrites a journal (no defaults filled, no keys dropped).
  return { runId: stored.runId, seq: stored.seq, at: stored.at, type: stored.type, data: stored.data } as RunEvent;
}

/** Checks a run's events as a store read them, in order: each against its schema, and their seqs 1, 2, 3, … */
export function checkStoredJournal(runId: string, events: readonly StoredEvent[]): RunEvent[] {
  return events.map((e, i) => {
    if (e.seq !== i + 1) throw new ConvergentError("INVALID_INPUT", `run ${runId}: the journal skips from event ${i} to ${e.seq}; it is corrupt`);
    return checkStoredEvent(e);
  });
}
