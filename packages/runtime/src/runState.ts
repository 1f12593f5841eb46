// A run's state is a fold of its journal; the fold also says what the driver must do next.
import { type Decision, type JsonValue, type Policy, type Route, type Task, resolveKind } from "@convergent/router";
import type { Feedback } from "./agent.js";
import type { Answer, Checkpoint, Reviewer } from "./checkpoint.js";
import type { EscalationReason, RunEvent, RunEventData, RunMode, RunOutcome, ShadowStatus, Usage, Verdict } from "./events.js";
import { type MonitorOptions, readErrors } from "./monitor.js";

/** One attempt as the journal tells it. */
export interface AttemptState {
  readonly attempt: number;
  readonly idempotencyKey: string;
  readonly reservedCost: number;
  readonly output: JsonValue | null;
  readonly usage: Usage | null;
  readonly verdict: Verdict | null;
  readonly sandbox: string | null;
  readonly failed: { readonly error: string; readonly stage: "agent" | "sandbox" } | null;
  readonly recorded: boolean;
  readonly verified: boolean;
}

/** One checkpoint as the journal tells it. */
export interface CheckpointState {
  readonly checkpoint: Checkpoint;
  readonly status: "open" | "answered" | "expired";
  readonly answer: Answer | null;
  readonly reviewer: Reviewer | null;
  readonly idempotencyKey: string | null;
  readonly at: number | null;
}

/** A shadow run (the agent working, blind, on a task a person does) as the journal tells it. */
export interface ShadowState {
  readonly maxAttempts: number;
  readonly startedAt: number;
  readonly attempts: RunEventData["shadow.attempted"][];
  ended: RunEventData["shadow.ended"] | null;
  judged: RunEventData["shadow.judged"] | null;
}

/** A completion the driver is to write. */
export type Completion = RunEventData["run.completed"];

/** What the driver must do next. */
export type NextStep =
  | { readonly step: "route" }
  | { readonly step: "attempt" }
  | { readonly step: "call-agent"; readonly attempt: number }
  | { readonly step: "verify"; readonly attempt: number }
  | { readonly step: "escalate"; readonly reason: EscalationReason; readonly detail: string; readonly errorFactor: number | null }
  | { readonly step: "open"; readonly purpose: "review" | "acceptance"; readonly attempt: number }
  | { readonly step: "open"; readonly purpose: "task" | "direction" | "escalation" }
  | { readonly step: "reopen"; readonly checkpointId: string; readonly roles: readonly string[] }
  | { readonly step: "complete"; readonly completion: Completion }
  | { readonly step: "start-shadow" }
  | { readonly step: "shadow"; readonly attempt: number }
  | { readonly step: "end-shadow"; readonly status: ShadowStatus; readonly attempt: number | null; readonly detail: string }
  | { readonly step: "judge-shadow"; readonly personResult: JsonValue }
  | { readonly step: "judge-answer"; readonly checkpointId: string; readonly attempt: number; readonly personResult: JsonValue }
  | { readonly step: "wait" }
  | { readonly step: "done" };

/** A run folded from its journal. */
export interface RunState {
  readonly runId: string;
  seq: number;
  task: Task;
  mode: RunMode;
  acceptance: boolean;
  submittedAt: number;
  decision: Decision | null;
  /** The policy the run was routed under. */
  policy: Policy | null;
  attempts: AttemptState[];
  /** Index in `attempts` where the current round began (budgets count from there; direction starts a new round). */
  roundStart: number;
  roundStartedAt: number;
  feedback: Feedback[];
  direction: string | null;
  checkpoints: Map<string, CheckpointState>;
  open: number;
  lastEscalation: RunEventData["run.escalated"] | null;
  completed: Completion | null;
  next: NextStep;
  /** Tokens and cost recorded, plus cost reserved by attempts not yet recorded (shadow attempts included). */
  spent: { tokens: number; cost: number };
  /** True when the decision asked for a shadow run and a person has the task. */
  shadowPlanned: boolean;
  /** The shadow run, once it started. */
  shadow: ShadowState | null;
  /** A person's result held while it is judged against the agent's (`answer.judged`, `shadow.judged` complete the run with it). */
  judging: { readonly checkpointId: string; readonly purpose: Checkpoint["purpose"]; readonly personResult: JsonValue } | null;
}

/** Folds a journal into a run's state. */
export function foldRun(events: readonly RunEvent[], monitor: MonitorOptions = {}): RunState {
  const first = events[0];
  if (first === undefined || first.type !== "run.submitted") throw new Error("a run's journal starts with run.submitted");
  const state: RunState = {
    runId: first.runId,
    seq: 0,
    task: first.data.task,
    mode: first.data.mode,
    acceptance: first.data.acceptance,
    submittedAt: first.at,
    decision: null,
    policy: null,
    attempts: [],
    roundStart: 0,
    roundStartedAt: first.at,
    feedback: [],
    direction: null,
    checkpoints: new Map(),
    open: 0,
    lastEscalation: null,
    completed: null,
    next: { step: "route" },
    spent: { tokens: 0, cost: 0 },
    shadowPlanned: false,
    shadow: null,
    judging: null,
  };
  for (const event of events) applyEvent(state, event, monitor);
  return state;
}

/** Applies one event to a folded run (in place) and works out the next step. */
export function applyEvent(state: RunState, event: RunEvent, monitor: MonitorOptions = {}): void {
  state.seq = event.seq;
  switch (event.type) {
    case "run.submitted":
      state.next = { step: "route" };
      break;
    case "run.routed": {
      const decision = event.data.decision;
      state.decision = decision;
      state.policy = event.data.policy;
      state.roundStartedAt = event.at;
      // Direction mode lets an agent work inside a person's constraints, with a person accepting the result — unless a
      // rule forces a person, or the rules and guards leave the agent no supervised route to work on.
      const forcedHuman = decision.route === "human" && (decision.forcedBy !== null || !decision.allowedRoutes.includes("supervised"));
      state.next =
        state.mode === "person"
          ? { step: "open", purpose: "task" }
          : state.mode === "direction" && !forcedHuman
          ? { step: "open", purpose: "direction" }
          : decision.route === "human"
            ? { step: "open", purpose: "task" }
            : { step: "attempt" };
      // Decisions journaled before shadow runs existed carry no `shadow`.
      state.shadowPlanned = decision.shadow === true && state.next.step === "open" && state.next.purpose === "task";
      break;
    }
    case "shadow.started":
      state.shadow = { maxAttempts: event.data.maxAttempts, startedAt: event.at, attempts: [], ended: null, judged: null };
      break;
    case "shadow.attempted": {
      const shadow = state.shadow;
      if (shadow === null) break;
      shadow.attempts.push(event.data);
      state.spent.tokens += event.data.usage.tokens;
      state.spent.cost += event.data.usage.cost;
      break;
    }
    case "shadow.ended":
      if (state.shadow !== null) state.shadow.ended = event.data;
      break;
    case "answer.judged": {
      const judging = state.judging;
      if (judging === null || judging.checkpointId !== event.data.checkpointId) break;
      state.judging = null;
      const value = judging.personResult;
      const agrees = event.data.agrees === true;
      state.next =
        judging.purpose === "escalation"
          ? complete(state, "succeeded", value, agrees ? `taken over by a person, with the agent's attempt ${event.data.attempt}` : "taken over by a person", agrees ? "succeeded" : "overridden")
          : complete(state, "succeeded", value, agrees ? "edited by a reviewer, to what the agent had" : "edited by a reviewer", agrees ? "approved" : "overridden");
      break;
    }
    case "shadow.judged": {
      const shadow = state.shadow;
      const judging = state.judging;
      if (shadow === null || judging === null) break;
      shadow.judged = event.data;
      state.judging = null;
      state.next = complete(state, "succeeded", judging.personResult, "done by a person", "succeeded", "human");
      break;
    }
    case "attempt.started": {
      const d = event.data;
      state.attempts.push({
        attempt: d.attempt,
        idempotencyKey: d.idempotencyKey,
        reservedCost: d.reservedCost,
        output: null,
        usage: null,
        verdict: null,
        sandbox: null,
        failed: null,
        recorded: false,
        verified: false,
      });
      state.spent.cost += d.reservedCost;
      state.next = { step: "call-agent", attempt: d.attempt };
      break;
    }
    case "attempt.recorded": {
      const d = event.data;
      const a = updateAttempt(state, d.attempt, { output: d.output, usage: d.usage, recorded: true });
      state.spent.tokens += d.usage.tokens;
      state.spent.cost += d.usage.cost - a.reservedCost;
      state.next = { step: "verify", attempt: d.attempt };
      break;
    }
    case "attempt.verified": {
      const d = event.data;
      updateAttempt(state, d.attempt, { verdict: d.verdict, sandbox: d.sandbox, verified: true });
      if (d.sandbox === null) {
        // Nothing verifies this kind: a person reviews the result.
        state.next = { step: "open", purpose: "review", attempt: d.attempt };
      } else if (d.verdict.passed) {
        const route = state.decision?.route;
        // Supervised runs, and agents directed on a task routed to people, pass a review before they count.
        state.next =
          route === "supervised" || route === "human"
            ? { step: "open", purpose: "review", attempt: d.attempt }
            : state.acceptance
              ? { step: "open", purpose: "acceptance", attempt: d.attempt }
              : complete(state, "succeeded", outputOf(state, d.attempt), `sandbox ${d.sandbox} passed attempt ${d.attempt}`, "succeeded");
      } else {
        state.feedback.push({ attempt: d.attempt, source: "sandbox", message: d.verdict.feedback, error: d.verdict.error });
        const errors = state.attempts.slice(state.roundStart).map((a) => a.verdict?.error ?? Number.NaN);
        // Told the attempts the budget has left and what passes, the monitor also catches a run too slow to make it.
        const reading = readErrors(
          errors,
          d.passError === undefined ? monitor : { ...monitor, remainingAttempts: Math.max(0, maxAttemptsOf(state) - errors.length), targetError: d.passError },
        );
        state.next =
          reading.trend === "diverging" || reading.trend === "plateau"
            ? { step: "escalate", reason: reading.trend, detail: reading.detail, errorFactor: reading.errorFactor }
            : { step: "attempt" };
      }
      break;
    }
    case "attempt.failed": {
      const d = event.data;
      // An agent that fails once (a model's malformed reply, a timeout) gets the failure as feedback and tries
      // again within its budgets; twice in a row, or a failing sandbox, goes to a person.
      const before = state.attempts.find((a) => a.attempt === d.attempt - 1);
      const again = d.stage === "agent" && before !== undefined && before.failed?.stage === "agent";
      updateAttempt(state, d.attempt, { failed: { error: d.error, stage: d.stage } });
      if (d.stage === "agent" && !again) {
        state.feedback.push({ attempt: d.attempt, source: "runtime", message: `the attempt failed: ${d.error}` });
        state.next = { step: "attempt" };
      } else {
        state.next = { step: "escalate", reason: d.stage === "agent" ? "agent-error" : "sandbox-error", detail: d.error, errorFactor: null };
      }
      break;
    }
    case "run.escalated":
      state.lastEscalation = event.data;
      state.next = { step: "open", purpose: "escalation" };
      break;
    case "checkpoint.opened":
      state.checkpoints.set(event.data.checkpoint.id, { checkpoint: event.data.checkpoint, status: "open", answer: null, reviewer: null, idempotencyKey: null, at: null });
      state.open++;
      state.next = { step: "wait" };
      break;
    case "checkpoint.answered": {
      const c = state.checkpoints.get(event.data.checkpointId);
      if (c === undefined || c.status !== "open") break;
      state.checkpoints.set(c.checkpoint.id, { ...c, status: "answered", answer: event.data.answer, reviewer: event.data.reviewer, idempotencyKey: event.data.idempotencyKey, at: event.at });
      state.open--;
      state.next = consequence(state, c.checkpoint, event.data.answer, event.at);
      break;
    }
    case "checkpoint.expired": {
      const c = state.checkpoints.get(event.data.checkpointId);
      if (c === undefined || c.status !== "open") break;
      state.checkpoints.set(c.checkpoint.id, { ...c, status: "expired", at: event.at });
      state.open--;
      const t = event.data.onTimeout;
      state.next =
        t.action === "escalate"
          ? { step: "reopen", checkpointId: c.checkpoint.id, roles: t.roles }
          : t.action === "default"
            ? consequence(state, c.checkpoint, t.answer, event.at)
            : complete(state, "failed", null, `checkpoint ${c.checkpoint.id} expired without an answer`, "failed");
      break;
    }
    case "run.completed":
      state.completed = event.data;
      state.next = { step: "done" };
      break;
  }
  if (state.open > 0 && state.next.step !== "done") state.next = shadowStep(state, monitor) ?? { step: "wait" };
}

/**
 * The shadow run's next step while a person has the task, or undefined when there is none. It mirrors an autonomous
 * loop: attempts with the sandbox's feedback until one passes, nothing verifies the kind, or it would have come to a
 * person (the monitor, the attempt budget, an agent failing twice in a row or a failing sandbox).
 */
function shadowStep(state: RunState, monitor: MonitorOptions): NextStep | undefined {
  if (state.completed !== null || !state.shadowPlanned) return undefined;
  const shadow = state.shadow;
  if (shadow === null) return { step: "start-shadow" };
  if (shadow.ended !== null) return undefined;
  const attempts = shadow.attempts;
  const last = attempts[attempts.length - 1];
  if (last === undefined) return { step: "shadow", attempt: 1 };
  const stop = (detail: string): NextStep => ({ step: "end-shadow", status: "stopped", attempt: last.attempt, detail });
  const budget = (): NextStep | undefined => (attempts.length >= shadow.maxAttempts ? stop(`the budget of ${shadow.maxAttempts} attempts is used up`) : undefined);
  if (last.failed !== null) {
    const before = attempts[attempts.length - 2];
    if (last.failed.stage === "sandbox") return stop(last.failed.error);
    if (before?.failed?.stage === "agent") return stop(`the agent failed twice in a row: ${last.failed.error}`);
    return budget() ?? { step: "shadow", attempt: last.attempt + 1 };
  }
  if (last.sandbox === null) return { step: "end-shadow", status: "unverified", attempt: last.attempt, detail: `no sandbox verifies ${state.task.kind}` };
  if (last.verdict!.passed) return { step: "end-shadow", status: "passed", attempt: last.attempt, detail: `sandbox ${last.sandbox} passed attempt ${last.attempt}` };
  const errors = attempts.map((a) => a.verdict?.error ?? Number.NaN);
  const reading = readErrors(
    errors,
    last.passError === undefined ? monitor : { ...monitor, remainingAttempts: Math.max(0, shadow.maxAttempts - attempts.length), targetError: last.passError },
  );
  if (reading.trend === "diverging" || reading.trend === "plateau") return stop(reading.detail);
  return budget() ?? { step: "shadow", attempt: last.attempt + 1 };
}

/** Whether a shadow run is under way: planned or started, not ended, in a run still going. */
export function shadowPending(state: RunState): boolean {
  return state.completed === null && state.shadowPlanned && state.shadow?.ended == null;
}

function updateAttempt(state: RunState, attempt: number, patch: Partial<AttemptState>): AttemptState {
  const i = state.attempts.findIndex((a) => a.attempt === attempt);
  if (i < 0) throw new Error(`run ${state.runId}: attempt ${attempt} was never started`);
  const next = { ...state.attempts[i]!, ...patch };
  state.attempts[i] = next;
  return next;
}

function outputOf(state: RunState, attempt: number): JsonValue | null {
  return state.attempts.find((a) => a.attempt === attempt)?.output ?? null;
}

/** A run's budgets: its policy's, with the overrides of the policy's entries for its kind (later entries win). */
export function budgetsOf(policy: Policy, kind: string): Policy["budgets"] {
  return resolveKind(policy, kind).budgets;
}

/** The attempts a round may take (0 before the run is routed). */
function maxAttemptsOf(state: RunState): number {
  return state.policy === null ? 0 : budgetsOf(state.policy, state.task.kind).maxAttempts;
}

/** The route whose work an outcome is about: the decision's; a human-route task a person handed to the agent counts as supervised. */
function workingRoute(state: RunState): Route {
  const route = state.decision?.route ?? "human";
  return route === "human" && state.attempts.length > 0 ? "supervised" : route;
}

function complete(
  state: RunState,
  status: Completion["status"],
  output: JsonValue | null,
  reason: string,
  result: RunOutcome["result"] | null,
  route: Route = workingRoute(state),
): NextStep {
  const modelFailure = route === "human" ? undefined : state.decision?.calibration.modelFailure;
  // An approval is evidence, not the truth: it counts as the share of a failure the decision put on it. A decision
  // journaled before decisions carried that share records the approval as a success, as it always did.
  const failureShare = result === "approved" && route !== "human" ? state.decision?.calibration.approvedFailure : undefined;
  const known = result === "approved" && failureShare === undefined ? "succeeded" : result;
  const outcome =
    known === null
      ? null
      : { route, result: known, ...(modelFailure === undefined ? {} : { modelFailure }), ...(failureShare === undefined ? {} : { failureShare }) };
  return { step: "complete", completion: { status, output, reason, outcome } };
}

function newRound(state: RunState, at: number): void {
  state.roundStart = state.attempts.length;
  state.roundStartedAt = at;
}

/** What an answer (or a timeout's default answer) makes the run do. */
function consequence(state: RunState, checkpoint: Checkpoint, answer: Answer, at: number): NextStep {
  const attempt = checkpoint.attempt;
  switch (checkpoint.purpose) {
    case "review":
    case "acceptance":
      if (answer.type === "approve") return complete(state, "succeeded", attempt === null ? null : outputOf(state, attempt), `approved by a reviewer`, "approved");
      // An edit replaces the agent's result; whether it changed what matters is the agent's comparison to make.
      if (answer.type === "edit") {
        return attempt === null || outputOf(state, attempt) === null
          ? complete(state, "succeeded", answer.editedOutput, "edited by a reviewer", "overridden")
          : judgeAnswer(state, checkpoint, attempt, answer.editedOutput);
      }
      if (answer.type === "reject" || answer.type === "respond") {
        state.feedback.push({ attempt, source: "reviewer", message: answer.message });
        return { step: "attempt" };
      }
      break;
    case "task":
      if (answer.type === "answer") {
        // A shadow run that finished is judged against the person's result first; one still going is left unjudged.
        const shadow = state.shadow;
        if (shadow !== null && shadow.ended !== null && shadow.ended.status !== "skipped" && shadow.judged === null) {
          state.judging = { checkpointId: checkpoint.id, purpose: checkpoint.purpose, personResult: answer.value };
          return { step: "judge-shadow", personResult: answer.value };
        }
        return complete(state, "succeeded", answer.value, "done by a person", "succeeded", "human");
      }
      if (answer.type === "reject") return complete(state, "cancelled", null, `declined: ${answer.message}`, null);
      break;
    case "direction":
      if (answer.type === "direction") {
        state.direction = answer.constraints;
        newRound(state, at);
        return { step: "attempt" };
      }
      if (answer.type === "reject") return complete(state, "cancelled", null, `declined: ${answer.message}`, null);
      break;
    case "escalation":
      if (answer.type === "answer") {
        // A person's result after an escalation may be what the agent's best attempt already was.
        const best = bestAttempt(state);
        return best === undefined || best.output === null
          ? complete(state, "succeeded", answer.value, "taken over by a person", "overridden")
          : judgeAnswer(state, checkpoint, best.attempt, answer.value);
      }
      if (answer.type === "direction") {
        state.direction = answer.constraints;
        state.feedback.push({ attempt: null, source: "reviewer", message: `Direction: ${answer.constraints}` });
        newRound(state, at);
        return { step: "attempt" };
      }
      if (answer.type === "approve") {
        const best = bestAttempt(state);
        // The agent's work stands, by a person's judgement: an approval (weighed by what reviewers miss), not an override.
        return complete(state, "succeeded", best?.output ?? null, `a reviewer accepted attempt ${best?.attempt ?? "?"}`, "approved");
      }
      if (answer.type === "reject") return complete(state, "cancelled", null, `aborted: ${answer.message}`, "failed");
      break;
  }
  return complete(state, "failed", null, `answer ${answer.type} does not fit a ${checkpoint.purpose} checkpoint`, null);
}

/** Holds a person's result while it is judged against the agent's attempt (`answer.judged` completes the run with it). */
function judgeAnswer(state: RunState, checkpoint: Checkpoint, attempt: number, personResult: JsonValue): NextStep {
  state.judging = { checkpointId: checkpoint.id, purpose: checkpoint.purpose, personResult };
  return { step: "judge-answer", checkpointId: checkpoint.id, attempt, personResult };
}

/** The recorded attempt with the smallest error (the latest among equals). */
export function bestAttempt(state: RunState): AttemptState | undefined {
  let best: AttemptState | undefined;
  for (const a of state.attempts) {
    if (!a.recorded) continue;
    const e = a.verdict?.error ?? Number.POSITIVE_INFINITY;
    const b = best?.verdict?.error ?? Number.POSITIVE_INFINITY;
    if (best === undefined || e <= b) best = a;
  }
  return best;
}
