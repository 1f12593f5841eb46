// Held tool calls as Convergent checkpoints: one person-mode run per call, answered from the resume's decisions
// (or, the other way round, decisions read from answers given in `convergent review` / `answer`).
import { ConvergentError, type JsonValue, type Task, canonicalJson, contentHash, isJsonValue } from "@convergent/router";
import type { Answer, Runtime } from "@convergent/runtime";
import type { ToolDecision, ToolDecisions } from "./toolCallDecisions.js";

/** A held call's run and checkpoint in the runtime's store. */
export interface RecordedCall {
  readonly runId: string;
  readonly checkpointId: string;
}

/**
 * The run id of a held call: stable, so a graph that re-runs the hook after a crash or a resume finds it. With the
 * model reply's id (the middleware always gives it), a model that reuses a tool-call id in a later turn gets a new
 * run, never the earlier call's answered checkpoint.
 */
export function recordedRunId(threadId: string | undefined, toolCallId: string, replyId?: string): string {
  const key = replyId === undefined ? [threadId ?? null, toolCallId] : [threadId ?? null, replyId, toolCallId];
  return `lc-${contentHash(key).slice("sha256:".length)}`;
}

/**
 * Submits the held call as a person-mode run (a `task` checkpoint whose roles come from the decision) unless
 * it exists already, and returns its checkpoint.
 */
export async function recordHeldCall(runtime: Runtime, runId: string, task: Task): Promise<RecordedCall> {
  try {
    const run = await runtime.submit(task, { mode: "person", runId });
    const checkpoint = run.openCheckpoints[0];
    if (checkpoint === undefined) throw new ConvergentError("INTERNAL", `run ${runId} of tool call ${task.id} opened no checkpoint`);
    return { runId, checkpointId: checkpoint.id };
  } catch (error) {
    if (!(error instanceof ConvergentError) || error.code !== "CONFLICT") throw error;
  }
  const state = await runtime.inspect(runId);
  const first = state === undefined ? undefined : [...state.checkpoints.values()][0];
  if (first === undefined) throw new ConvergentError("INTERNAL", `run ${runId} of tool call ${task.id} exists but has no checkpoint`);
  return { runId, checkpointId: first.checkpoint.id };
}

/** The checkpoint answer that records a decision (a `task` checkpoint takes `answer` or `reject`). */
export function answerForDecision(decision: ToolDecision, toolName: string, args: Record<string, unknown>): Answer {
  switch (decision.type) {
    case "approve":
      return { type: "answer", value: { decision: "approve", tool: toolName, args: jsonOf(args) } };
    case "edit":
      return { type: "answer", value: { decision: "edit", tool: decision.editedAction.name, args: jsonOf(decision.editedAction.args) } };
    case "respond":
      return { type: "answer", value: { decision: "respond", message: decision.message } };
    case "reject":
      return { type: "reject", message: decision.message ?? "rejected" };
  }
}

/** The decision an answer given in Convergent stands for (any other answer value is the person's response). */
export function decisionForAnswer(answer: Answer, toolCallId: string, reviewer: string | undefined): ToolDecision {
  const who = reviewer === undefined ? {} : { reviewer };
  if (answer.type === "reject") return { type: "reject", toolCallId, message: answer.message, ...who };
  if (answer.type !== "answer") return { type: "respond", toolCallId, message: JSON.stringify(answer), ...who };
  const value = answer.value;
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const v = value as Record<string, JsonValue>;
    if (v.decision === "approve") return { type: "approve", toolCallId, ...who };
    if (v.decision === "edit" && typeof v.tool === "string" && v.args !== null && typeof v.args === "object" && !Array.isArray(v.args)) {
      return { type: "edit", toolCallId, editedAction: { name: v.tool, args: v.args }, ...who };
    }
    if (v.decision === "respond" && typeof v.message === "string") return { type: "respond", toolCallId, message: v.message, ...who };
  }
  return { type: "respond", toolCallId, message: typeof value === "string" ? value : JSON.stringify(value), ...who };
}

/**
 * Checks that a decision can be recorded on its checkpoint before anything is: the reviewer may answer it
 * (`FORBIDDEN` otherwise), and nobody answered it differently already (`CONFLICT` naming who and when —
 * in `convergent review`, say). Returns false when the same decision is recorded already (a retry).
 */
export async function checkRecordable(runtime: Runtime, recorded: RecordedCall, answer: Answer, reviewer: string): Promise<boolean> {
  const state = await runtime.inspect(recorded.runId);
  const cp = state?.checkpoints.get(recorded.checkpointId);
  if (cp === undefined) throw new ConvergentError("NOT_FOUND", `checkpoint ${recorded.checkpointId}: no such checkpoint`);
  if (cp.answer !== null) {
    const before = cp.answer;
    const same =
      canonicalJson(before) === canonicalJson(answer) ||
      (before.type === "answer" && answer.type === "answer" && sameDecision(before, answer));
    if (same) return false;
    throw new ConvergentError(
      "CONFLICT",
      `checkpoint ${recorded.checkpointId} was already answered ${before.type} by ${cp.reviewer?.id ?? "someone"} at ${new Date(cp.at ?? 0).toISOString()}; resume with decisionsFromCheckpoints() to follow that answer`,
    );
  }
  const visible = await runtime.inbox({ reviewer, runId: recorded.runId, status: "any" });
  if (!visible.some((c) => c.checkpoint.id === recorded.checkpointId)) {
    throw new ConvergentError("FORBIDDEN", `${reviewer} may not answer ${recorded.checkpointId}: it needs the role ${cp.checkpoint.assigneeRoles.join(" or ")}`);
  }
  return true;
}

/** Two `answer` answers that stand for the same decision (`{ decision: "approve" }` given in the CLI, say). */
function sameDecision(a: Answer & { type: "answer" }, b: Answer & { type: "answer" }): boolean {
  const da = decisionForAnswer(a, "", undefined);
  const db = decisionForAnswer(b, "", undefined);
  if (da.type !== db.type) return false;
  if (da.type === "approve") return true;
  return canonicalJson(da) === canonicalJson(db);
}

/** Records a decision on its checkpoint (after {@link checkRecordable}); a retry with the same answer gets the first result. */
export async function answerRecordedCall(runtime: Runtime, recorded: RecordedCall, answer: Answer, reviewer: string): Promise<void> {
  await runtime.answer(recorded.checkpointId, answer, reviewer, {
    idempotencyKey: `${recorded.checkpointId}:${contentHash(answer).slice("sha256:".length)}`,
  });
}

/** A held call as the interrupt's action request names it. */
export interface RecordedActionRequest {
  readonly toolCallId: string;
  readonly runId?: string;
  readonly checkpointId?: string;
}

/**
 * The resume value for a held turn built from the answers people gave in Convergent (`convergent review`,
 * `convergent answer`, `runtime.answer`), or `undefined` while any of its calls is still unanswered.
 * Pass it to `agent.invoke(new Command({ resume }), config)`.
 *
 * @example
 * ```ts
 * const request = result.__interrupt__[0].value;            // the held turn
 * const resume = await decisionsFromCheckpoints(runtime, request);
 * if (resume !== undefined) await agent.invoke(new Command({ resume }), config);
 * ```
 */
export async function decisionsFromCheckpoints(
  runtime: Runtime,
  request: { readonly actionRequests: readonly RecordedActionRequest[] },
): Promise<ToolDecisions | undefined> {
  const decisions: ToolDecision[] = [];
  for (const action of request.actionRequests) {
    if (action.runId === undefined || action.checkpointId === undefined) {
      throw new ConvergentError("INVALID_INPUT", `tool call ${action.toolCallId} was not recorded as a checkpoint (give convergenceMiddleware a runtime)`);
    }
    const state = await runtime.inspect(action.runId);
    const cp = state?.checkpoints.get(action.checkpointId);
    if (cp === undefined) throw new ConvergentError("NOT_FOUND", `checkpoint ${action.checkpointId} of tool call ${action.toolCallId}: no such checkpoint`);
    if (cp.answer === null) return undefined; // still open (an expired one with a default answer counts)
    decisions.push(decisionForAnswer(cp.answer, action.toolCallId, cp.reviewer?.id));
  }
  return { decisions };
}

function jsonOf(args: Record<string, unknown>): JsonValue {
  return isJsonValue(args) ? args : (JSON.parse(JSON.stringify(args)) as JsonValue);
}
