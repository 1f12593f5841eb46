// The runtime: turns decisions into work — autonomous loops with sandboxes and the convergence monitor,
// supervised runs, human checkpoints — as durable journals in a store.
import { randomUUID } from "node:crypto";
import {
  ConvergentError,
  type Decision,
  type JsonValue,
  type Policy,
  canonicalJson,
  type Router,
  type SandboxFeedback,
  type Task,
  compileKindMatcher,
  parseTask,
  problemsFromZod,
} from "@convergent/router";
import { type Agent, type Feedback, checkAttemptResult } from "./agent.js";
import { type Answer, type Checkpoint, type CheckpointKind, type OnTimeout, type Reviewer, answerSchemaFor } from "./checkpoint.js";
import { type Clock, systemClock } from "./clock.js";
import { type NewRunEvent, type RunEvent, type RunEventData, type RunMode, type RunOutcome, type RunStatus, type ShadowStatus, calibrationOutcome } from "./events.js";
import { type Logger, silentLogger } from "./logger.js";
import type { MonitorOptions } from "./monitor.js";
import type { CheckpointInfo } from "./projection.js";
import { type CheckpointState, type NextStep, type RunState, applyEvent, budgetsOf, foldRun, shadowPending } from "./runState.js";
import { type Sandbox, checkVerdict } from "./sandbox.js";
import type { CheckpointQuery, Store } from "./store.js";

/** Options of {@link createRuntime}. */
export interface RuntimeOptions {
  readonly router: Router;
  readonly store: Store;
  readonly agents?: readonly Agent[];
  readonly sandboxes?: readonly Sandbox[];
  readonly logger?: Logger;
  /** Measures durations and attempt times; the system clock by default. Deadlines use the store's clock. */
  readonly clock?: Clock;
  /** Thresholds of the convergence monitor. */
  readonly monitor?: MonitorOptions;
  /** Who drives runs in this process (lease owner); a random id by default. */
  readonly owner?: string;
  /** How long a lease on driving a run lasts (5 minutes by default). */
  readonly leaseMs?: number;
}

/** Options of {@link Runtime.submit}. */
export interface SubmitOptions {
  /**
   * `direction`: a person states constraints first, then the agent works inside them. `person`: a person
   * answers a `task` checkpoint whatever the route (the decision is journaled all the same).
   */
  readonly mode?: RunMode;
  /** Ask a person to accept the result of an autonomous run (direction mode's optional acceptance). */
  readonly acceptance?: boolean;
  /** The run's id; a random one by default. Submitting an id that exists is a conflict. */
  readonly runId?: string;
}

/** A run as the runtime reports it after driving it. */
export interface RunSummary {
  readonly runId: string;
  readonly taskId: string;
  readonly kind: string;
  readonly status: RunStatus;
  readonly route: string | null;
  readonly attempts: number;
  readonly tokens: number;
  readonly cost: number;
  /** The result, once the run succeeded. */
  readonly output: JsonValue | null;
  /** Why the run ended, once it did. */
  readonly reason: string | null;
  /** Checkpoints waiting for a person. */
  readonly openCheckpoints: readonly Checkpoint[];
  /** The shadow run, when the decision asked for one: the agent working, blind, on the task a person has. */
  readonly shadow: ShadowSummary | null;
}

/** A shadow run as {@link RunSummary} reports it. */
export interface ShadowSummary {
  /** `running` until it ends; then how it ended. */
  readonly status: ShadowStatus | "running";
  readonly attempts: number;
  /** How it ended, in words. */
  readonly detail: string | null;
  /** Once the person's result is in: whether the agent's agreed (null: stopped, or not judged). */
  readonly agrees: boolean | null;
  /** What the comparison taught calibration, in words. */
  readonly judgement: string | null;
}

/** Options of {@link Runtime.answer}. */
export interface AnswerOptions {
  /** A retry with the same key gets the first result instead of a conflict. */
  readonly idempotencyKey?: string;
  /** Continue the run in this process until its next checkpoint or its end (true by default). */
  readonly continue?: boolean;
}

/** What answering did. */
export interface AnswerResult {
  readonly checkpointId: string;
  readonly runId: string;
  readonly answer: Answer;
  readonly reviewer: Reviewer;
  /** Store-clock time the answer was accepted. */
  readonly answeredAt: number;
  /** True when this was a retry of an answer already accepted with the same idempotency key. */
  readonly duplicate: boolean;
  /** The run after the answer (driven on unless `continue: false`). */
  readonly run: RunSummary;
}

/** The runtime. */
export interface Runtime {
  /** Validates, journals and routes a task, then drives its run until it waits for a person or ends. */
  submit(task: unknown, options?: SubmitOptions): Promise<RunSummary>;
  /**
   * Answers a checkpoint, exactly once: a second, different answer gets a `CONFLICT` naming who answered
   * and when; a retry with the same idempotency key gets the first result; an invalid answer
   * (`INVALID_ANSWER`) or a reviewer without the role (`FORBIDDEN`) leaves the checkpoint open.
   * A reviewer named by id is looked up in the policy's reviewers; when the policy lists none, anyone
   * named may answer (list reviewers to enforce roles).
   */
  answer(checkpointId: string, answer: unknown, reviewer: string | Reviewer, options?: AnswerOptions): Promise<AnswerResult>;
  /** Drives one run until it waits or ends (after a crash, recorded steps are not run again). */
  drive(runId: string): Promise<RunSummary>;
  /** Expires checkpoints past their deadline (store clock) and applies their on-timeout action. */
  expireDue(): Promise<number>;
  /** Expires what is due, then drives every run that is neither waiting nor finished. */
  resume(): Promise<readonly RunSummary[]>;
  /** A run's summary, or undefined. */
  getRun(runId: string): Promise<RunSummary | undefined>;
  /** A run's journal folded into its state. */
  inspect(runId: string): Promise<RunState | undefined>;
  /**
   * Checkpoints (open ones by default). With `reviewer`, only those that reviewer may answer by the policy
   * of each checkpoint's run.
   */
  inbox(query?: CheckpointQuery & { readonly reviewer?: string }): Promise<readonly CheckpointInfo[]>;
}

const purposeKind: Record<Checkpoint["purpose"], CheckpointKind> = {
  review: "approve",
  acceptance: "approve",
  task: "takeover",
  direction: "direction",
  escalation: "takeover",
};

/** Events decided before driving, written in the run's next append with what they lead to. */
interface Seed {
  /** The run as folded before them; undefined for a submission. */
  readonly base: RunState | undefined;
  readonly pending: readonly NewRunEvent[];
  /** Store-clock time used for them until the append stamps them. */
  readonly at: number;
}

/**
 * Creates a runtime over a router and a store.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ router: createRouter(), store: createMemoryStore(), agents: [fixer], sandboxes: [testSuite] });
 * const run = await runtime.submit(task);          // converges, waits at a checkpoint, or escalates
 * for (const cp of run.openCheckpoints) await runtime.answer(cp.id, { type: "approve" }, "ada");
 * ```
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const { router, store } = options;
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const monitor = options.monitor ?? {};
  const owner = options.owner ?? `runtime-${randomUUID()}`;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const agents = (options.agents ?? []).map((agent) => ({ agent, matches: compileKindMatcher(agent.kinds) }));
  const sandboxes = (options.sandboxes ?? []).map((sandbox) => ({ sandbox, matches: compileKindMatcher(sandbox.kinds) }));
  const policy = router.policy;
  /** Measured sandbox latency (exponential moving average, ms) by sandbox name. */
  const latency = new Map<string, number>();
  let initialized: Promise<void> | undefined;

  const init = () =>
    (initialized ??= (async () => {
      // Outcomes kept by the store (earlier processes) calibrate this router too.
      router.calibration.absorb(await store.calibrationSnapshot());
    })());

  const agentFor = (kind: string) => agents.find((a) => a.matches(kind))?.agent;
  const sandboxFor = (kind: string) => sandboxes.find((s) => s.matches(kind))?.sandbox;
  /** A run is governed by the policy it was routed under (recorded in its journal), whichever process drives it. */
  const policyOf = (state: RunState): Policy => state.policy ?? policy;

  const sandboxFeedback = (kind: string): SandboxFeedback | undefined => {
    const sandbox = sandboxFor(kind);
    if (sandbox === undefined) return undefined;
    const ms = latency.get(sandbox.name);
    return {
      ruleClosure: sandbox.closure,
      closureFrom: `sandbox ${sandbox.name}`,
      ...(ms !== undefined
        ? { feedbackLatencySec: Math.max(ms / 1000, 0.001), latencyFrom: `sandbox ${sandbox.name} (measured)` }
        : sandbox.latencySec !== undefined && Number.isFinite(sandbox.latencySec) && sandbox.latencySec > 0
          ? { feedbackLatencySec: sandbox.latencySec, latencyFrom: `sandbox ${sandbox.name} (expected)` }
          : {}),
    };
  };

  const summarize = (state: RunState): RunSummary => ({
    runId: state.runId,
    taskId: state.task.id,
    kind: state.task.kind,
    // While a shadow run is under way the run is still being worked on, even though a person has the task.
    status: state.completed !== null ? state.completed.status : state.open > 0 && !shadowPending(state) ? "waiting" : "running",
    route: state.decision?.route ?? null,
    attempts: state.attempts.length,
    tokens: state.spent.tokens,
    cost: state.spent.cost,
    output: state.completed?.output ?? null,
    reason: state.completed?.reason ?? null,
    openCheckpoints: [...state.checkpoints.values()].filter((c) => c.status === "open").map((c) => c.checkpoint),
    shadow: !state.shadowPlanned
      ? null
      : {
          status: state.shadow?.ended?.status ?? "running",
          attempts: state.shadow?.attempts.length ?? 0,
          detail: state.shadow?.ended?.detail ?? null,
          agrees: state.shadow?.judged?.agrees ?? null,
          judgement: state.shadow?.judged?.detail ?? null,
        },
  });

  const load = async (runId: string): Promise<RunState | undefined> => {
    const events = await store.readRun(runId);
    return events.length === 0 ? undefined : foldRun(events, monitor);
  };

  const log = (event: RunEvent, state: RunState) => {
    const fields: Record<string, unknown> = { runId: state.runId, taskId: state.task.id, kind: state.task.kind, seq: event.seq };
    if (state.decision !== null) fields["route"] = state.decision.route;
    switch (event.type) {
      case "run.routed":
        fields["score"] = event.data.decision.convergence.score;
        fields["reasons"] = event.data.decision.reasons;
        fields["rules"] = event.data.decision.rules;
        fields["policy"] = event.data.decision.policy;
        break;
      case "checkpoint.opened":
        fields["checkpointId"] = event.data.checkpoint.id;
        fields["purpose"] = event.data.checkpoint.purpose;
        break;
      case "checkpoint.answered":
        fields["checkpointId"] = event.data.checkpointId;
        fields["reviewer"] = event.data.reviewer.id;
        fields["answer"] = event.data.answer.type;
        break;
      case "checkpoint.expired":
        fields["checkpointId"] = event.data.checkpointId;
        fields["action"] = event.data.onTimeout.action;
        break;
      case "attempt.started":
      case "attempt.recorded":
      case "attempt.failed":
        fields["attempt"] = event.data.attempt;
        break;
      case "attempt.verified":
        fields["attempt"] = event.data.attempt;
        fields["passed"] = event.data.verdict.passed;
        fields["error"] = event.data.verdict.error;
        break;
      case "run.escalated":
        fields["reason"] = event.data.reason;
        fields["detail"] = event.data.detail;
        break;
      case "run.completed":
        fields["status"] = event.data.status;
        fields["reason"] = event.data.reason;
        break;
      case "shadow.attempted":
        fields["attempt"] = event.data.attempt;
        if (event.data.verdict !== null) {
          fields["passed"] = event.data.verdict.passed;
          fields["error"] = event.data.verdict.error;
        }
        if (event.data.failed !== null) fields["failed"] = event.data.failed.error;
        break;
      case "shadow.ended":
        fields["status"] = event.data.status;
        fields["detail"] = event.data.detail;
        break;
      case "answer.judged":
        fields["checkpointId"] = event.data.checkpointId;
        fields["attempt"] = event.data.attempt;
        fields["agrees"] = event.data.agrees;
        fields["detail"] = event.data.detail;
        break;
      case "shadow.judged":
        fields["agrees"] = event.data.agrees;
        fields["detail"] = event.data.detail;
        if (event.data.outcome !== null) fields["outcome"] = event.data.outcome.result;
        break;
      default:
        break;
    }
    (event.type === "run.escalated" || event.type === "attempt.failed" || event.type === "checkpoint.expired" ? logger.warn : logger.info)(event.type, fields);
  };

  const openCheckpoint = async (state: RunState, purpose: Checkpoint["purpose"], attempt: number | null): Promise<NewRunEvent> => {
    const decision = state.decision!;
    const now = await store.now();
    const kind = purposeKind[purpose];
    const attempts = state.attempts.map((a) => ({
      attempt: a.attempt,
      error: a.verdict?.error ?? null,
      passed: a.verdict?.passed ?? null,
      feedback: a.verdict?.feedback ?? a.failed?.error ?? null,
      tokens: a.usage?.tokens ?? 0,
      cost: a.usage?.cost ?? 0,
    }));
    const output = attempt === null ? null : (state.attempts.find((a) => a.attempt === attempt)?.output ?? null);
    const escalation = state.lastEscalation;
    const questions: Record<Checkpoint["purpose"], string> = {
      review: `Approve attempt ${attempt} for "${state.task.title}", edit it, or reject it with a reason the agent will get as feedback.`,
      acceptance: `Accept the result of "${state.task.title}" (attempt ${attempt}), edit it, or reject it with a reason.`,
      task: `Do "${state.task.title}" and record the result, or decline with a reason.`,
      direction: `State the constraints the agent must keep while it does "${state.task.title}".`,
      escalation: `The agent's run on "${state.task.title}" was stopped (${escalation?.detail ?? "escalated"}). Take over with your result, give direction to retry, accept the best attempt, or abort.`,
    };
    const reasons = purpose === "escalation" && escalation !== null ? [`Escalated: ${escalation.detail}.`, ...decision.reasons] : decision.reasons;
    const checkpoint: Checkpoint = {
      id: `${state.runId}:cp${state.checkpoints.size + 1}`,
      runId: state.runId,
      kind,
      purpose,
      attempt,
      question: questions[purpose],
      reasons: [...reasons],
      context: { output, attempts, errorCurve: attempts.map((a) => a.error), direction: state.direction } as JsonValue,
      assigneeRoles: [...decision.assigneeRoles],
      deadline: now + decision.deadlineSec * 1000,
      onTimeout: fittingTimeout(policyOf(state), decision, { kind, purpose }),
      openedAt: now,
    };
    return { type: "checkpoint.opened", data: { checkpoint } };
  };

  /** Works out the events one step appends. Calls the agent or sandbox when the step is theirs. */
  const perform = async (
    state: RunState,
    step: Exclude<NextStep, { step: "wait" } | { step: "done" }>,
    stop: AbortSignal,
  ): Promise<NewRunEvent[]> => {
    const task = state.task;
    switch (step.step) {
      case "route": {
        const sandbox = sandboxFeedback(task.kind);
        const options = sandbox === undefined ? {} : { sandbox };
        let decision: Decision;
        try {
          // The router's estimator (if any) fills the signals nobody declared.
          decision = await router.decideAsync(task, options);
        } catch (error) {
          // An estimator that fails must not lose the run: route on the conservative defaults and say so.
          logger.warn("router.estimator-failed", { runId: state.runId, taskId: task.id, kind: task.kind, error: messageOf(error) });
          decision = router.decide(task, options);
        }
        return [{ type: "run.routed", data: { decision, policy: router.policy } }];
      }
      case "attempt": {
        const agent = agentFor(task.kind);
        const errorCurve = state.attempts.map((a) => a.verdict?.error ?? Number.NaN).filter(Number.isFinite);
        const escalate = (reason: Parameters<typeof escalation>[0], detail: string): NewRunEvent[] => [escalation(reason, detail, errorCurve)];
        if (agent === undefined) return escalate("no-agent", `no agent is registered for ${task.kind}`);
        const runPolicy = policyOf(state);
        const budgets = budgetsOf(runPolicy, task.kind);
        const inRound = state.attempts.length - state.roundStart;
        const reserve = runPolicy.costs.agentPerAttempt;
        if (inRound >= budgets.maxAttempts) return escalate("budget:attempts", `the budget of ${budgets.maxAttempts} attempts is used up`);
        if (budgets.maxTokens !== undefined && state.spent.tokens >= budgets.maxTokens) {
          return escalate("budget:tokens", `${state.spent.tokens} of ${budgets.maxTokens} tokens are spent`);
        }
        if (budgets.maxCost !== undefined && state.spent.cost + reserve > budgets.maxCost) {
          return escalate("budget:cost", `another attempt (${reserve}) would take the cost past ${budgets.maxCost} (spent ${round(state.spent.cost)})`);
        }
        const elapsedSec = ((await store.now()) - state.roundStartedAt) / 1000;
        if (elapsedSec >= budgets.maxWallSec) return escalate("budget:wall", `${Math.round(elapsedSec)} s of the ${budgets.maxWallSec} s wall-time budget have passed`);
        const n = state.attempts.length + 1;
        return [{ type: "attempt.started", data: { attempt: n, idempotencyKey: `${state.runId}:attempt:${n}`, reservedCost: reserve } }];
      }
      case "call-agent": {
        const agent = agentFor(task.kind);
        const a = state.attempts.find((x) => x.attempt === step.attempt)!;
        if (agent === undefined) return [{ type: "attempt.failed", data: { attempt: step.attempt, error: `no agent is registered for ${task.kind}`, stage: "agent" } }];
        const previous = [...state.attempts].reverse().find((x) => x.recorded);
        const started = clock.now();
        // Aborted when the run's wall-time budget runs out during the call, or when this process loses the run.
        const wallLeftMs = budgetsOf(policyOf(state), task.kind).maxWallSec * 1000 - ((await store.now()) - state.roundStartedAt);
        let result: unknown;
        try {
          result = await agent.attempt({
            task,
            attempt: step.attempt,
            direction: state.direction,
            feedback: [...state.feedback] as Feedback[],
            previousOutput: previous?.output ?? null,
            idempotencyKey: a.idempotencyKey,
            signal: AbortSignal.any([stop, AbortSignal.timeout(Math.max(1, Math.ceil(wallLeftMs)))]),
          });
        } catch (error) {
          return [{ type: "attempt.failed", data: { attempt: step.attempt, error: `agent ${agent.name} failed: ${messageOf(error)}`, stage: "agent" } }];
        }
        const checked = checkAttemptResult(result);
        if (!checked.ok) {
          return [{ type: "attempt.failed", data: { attempt: step.attempt, error: `agent ${agent.name} returned an invalid result: ${checked.problem}`, stage: "agent" } }];
        }
        return [{ type: "attempt.recorded", data: { attempt: step.attempt, output: checked.output, usage: checked.usage, durationMs: clock.now() - started } }];
      }
      case "verify": {
        const sandbox = sandboxFor(task.kind);
        const a = state.attempts.find((x) => x.attempt === step.attempt)!;
        if (sandbox === undefined) {
          return [
            {
              type: "attempt.verified",
              data: { attempt: step.attempt, verdict: { passed: false, error: 0, feedback: `no sandbox verifies ${task.kind}` }, sandbox: null, durationMs: 0 },
            },
          ];
        }
        const started = clock.now();
        let raw: unknown;
        try {
          raw = await sandbox.verify({ task, attempt: step.attempt, output: a.output!, idempotencyKey: `${a.idempotencyKey}:verify`, signal: stop });
        } catch (error) {
          return [{ type: "attempt.failed", data: { attempt: step.attempt, error: `sandbox ${sandbox.name} failed: ${messageOf(error)}`, stage: "sandbox" } }];
        }
        const durationMs = clock.now() - started;
        const checked = checkVerdict(raw);
        if (!checked.ok) {
          return [{ type: "attempt.failed", data: { attempt: step.attempt, error: `sandbox ${sandbox.name} returned an invalid verdict: ${checked.problem}`, stage: "sandbox" } }];
        }
        const before = latency.get(sandbox.name);
        latency.set(sandbox.name, before === undefined ? durationMs : 0.8 * before + 0.2 * durationMs);
        const passError = sandbox.passError !== undefined && Number.isFinite(sandbox.passError) && sandbox.passError >= 0 ? { passError: sandbox.passError } : {};
        return [{ type: "attempt.verified", data: { attempt: step.attempt, verdict: checked.verdict, sandbox: sandbox.name, durationMs, ...passError } }];
      }
      case "escalate":
        return [
          {
            type: "run.escalated",
            data: {
              reason: step.reason,
              detail: step.detail,
              errorCurve: state.attempts.map((a) => a.verdict?.error ?? Number.NaN).filter(Number.isFinite),
              errorFactor: step.errorFactor,
            },
          },
        ];
      case "open":
        return [await openCheckpoint(state, step.purpose, "attempt" in step ? step.attempt : null)];
      case "reopen": {
        const old = state.checkpoints.get(step.checkpointId)!.checkpoint;
        const now = await store.now();
        const checkpoint: Checkpoint = {
          ...old,
          id: `${state.runId}:cp${state.checkpoints.size + 1}`,
          assigneeRoles: [...step.roles],
          deadline: now + (old.deadline - old.openedAt),
          onTimeout: { action: "fail" },
          openedAt: now,
          reasons: [`Escalated to ${step.roles.join(" or ")}: ${old.id} expired without an answer.`, ...old.reasons],
        };
        return [{ type: "checkpoint.opened", data: { checkpoint } }];
      }
      case "complete":
        return [{ type: "run.completed", data: step.completion }];
      case "start-shadow":
        return [{ type: "shadow.started", data: { maxAttempts: budgetsOf(policyOf(state), task.kind).maxAttempts } }];
      case "shadow":
        return shadowAttempt(state, step.attempt, stop);
      case "end-shadow":
        return [{ type: "shadow.ended", data: { status: step.status, attempt: step.attempt, detail: step.detail } }];
      case "judge-shadow":
        return [{ type: "shadow.judged", data: await judgeShadow(state, step.personResult) }];
      case "judge-answer": {
        const output = state.attempts.find((a) => a.attempt === step.attempt)?.output ?? null;
        const judged = output === null ? { agrees: null, detail: "no result of the agent to compare" } : await judge(state, output, step.personResult);
        return [{ type: "answer.judged", data: { checkpointId: step.checkpointId, attempt: step.attempt, ...judged } }];
      }
    }
  };

  /**
   * One shadow attempt: the agent works on the task blind (it is told so), then the kind's sandbox checks the result.
   * Budgets stop the shadow as they would an autonomous run; nothing it returns reaches the person or the run's result.
   */
  const shadowAttempt = async (state: RunState, attempt: number, stop: AbortSignal): Promise<NewRunEvent[]> => {
    const task = state.task;
    const shadow = state.shadow!;
    const agent = agentFor(task.kind);
    if (agent === undefined) return [{ type: "shadow.ended", data: { status: "skipped", attempt: null, detail: `no agent is registered for ${task.kind}` } }];
    const ended = (detail: string): NewRunEvent[] => [{ type: "shadow.ended", data: { status: "stopped", attempt: attempt - 1 || null, detail } }];
    const budgets = budgetsOf(policyOf(state), task.kind);
    const spent = shadow.attempts.reduce((sum, a) => ({ tokens: sum.tokens + a.usage.tokens, cost: sum.cost + a.usage.cost }), { tokens: 0, cost: 0 });
    const reserve = policyOf(state).costs.agentPerAttempt;
    if (budgets.maxTokens !== undefined && spent.tokens >= budgets.maxTokens) return ended(`${spent.tokens} of ${budgets.maxTokens} tokens are spent`);
    if (budgets.maxCost !== undefined && spent.cost + reserve > budgets.maxCost) {
      return ended(`another attempt (${reserve}) would take the cost past ${budgets.maxCost} (spent ${round(spent.cost)})`);
    }
    const wallLeftMs = budgets.maxWallSec * 1000 - ((await store.now()) - shadow.startedAt);
    if (wallLeftMs <= 0) return ended(`the ${budgets.maxWallSec} s wall-time budget has passed`);
    const feedback: Feedback[] = [];
    for (const a of shadow.attempts) {
      if (a.failed !== null) feedback.push({ attempt: a.attempt, source: "runtime", message: `the attempt failed: ${a.failed.error}` });
      else if (a.verdict !== null && !a.verdict.passed) feedback.push({ attempt: a.attempt, source: "sandbox", message: a.verdict.feedback, error: a.verdict.error });
    }
    const previous = [...shadow.attempts].reverse().find((a) => a.output !== null);
    const idempotencyKey = `${state.runId}:shadow:${attempt}`;
    const base = { attempt, idempotencyKey, output: null, usage: { tokens: 0, cost: 0 }, verdict: null, sandbox: null, failed: null, durationMs: 0 };
    const started = clock.now();
    let result: unknown;
    try {
      result = await agent.attempt({
        task,
        attempt,
        direction: null,
        feedback,
        previousOutput: previous?.output ?? null,
        idempotencyKey,
        signal: AbortSignal.any([stop, AbortSignal.timeout(Math.max(1, Math.ceil(wallLeftMs)))]),
        shadow: true,
      });
    } catch (error) {
      return [{ type: "shadow.attempted", data: { ...base, failed: { error: `agent ${agent.name} failed: ${messageOf(error)}`, stage: "agent" }, durationMs: clock.now() - started } }];
    }
    const checked = checkAttemptResult(result);
    if (!checked.ok) {
      return [{ type: "shadow.attempted", data: { ...base, failed: { error: `agent ${agent.name} returned an invalid result: ${checked.problem}`, stage: "agent" }, durationMs: clock.now() - started } }];
    }
    const recorded = { ...base, output: checked.output, usage: checked.usage };
    const sandbox = sandboxFor(task.kind);
    if (sandbox === undefined) return [{ type: "shadow.attempted", data: { ...recorded, durationMs: clock.now() - started } }];
    let raw: unknown;
    try {
      raw = await sandbox.verify({ task, attempt, output: checked.output, idempotencyKey: `${idempotencyKey}:verify`, signal: stop });
    } catch (error) {
      return [{ type: "shadow.attempted", data: { ...recorded, failed: { error: `sandbox ${sandbox.name} failed: ${messageOf(error)}`, stage: "sandbox" }, durationMs: clock.now() - started } }];
    }
    const verdict = checkVerdict(raw);
    if (!verdict.ok) {
      return [{ type: "shadow.attempted", data: { ...recorded, failed: { error: `sandbox ${sandbox.name} returned an invalid verdict: ${verdict.problem}`, stage: "sandbox" }, durationMs: clock.now() - started } }];
    }
    const passError = sandbox.passError !== undefined && Number.isFinite(sandbox.passError) && sandbox.passError >= 0 ? { passError: sandbox.passError } : {};
    return [{ type: "shadow.attempted", data: { ...recorded, verdict: verdict.verdict, sandbox: sandbox.name, durationMs: clock.now() - started, ...passError } }];
  };

  /**
   * A finished shadow run against the person's result. Its result agreeing counts as the agent's success on the
   * autonomous route, disagreeing as a failure nothing would have shown; a shadow that was stopped is a failure that
   * would have come to a person (overridden). The agent's own `agrees` judges; equal JSON when it has none.
   */
  const judgeShadow = async (state: RunState, personResult: JsonValue): Promise<RunEventData["shadow.judged"]> => {
    const ended = state.shadow!.ended!;
    const modelFailure = state.decision!.calibration.modelFailure;
    const outcome = (result: RunOutcome["result"]): RunOutcome => ({ route: "autonomous", result, modelFailure });
    if (ended.status === "stopped") return { agrees: null, outcome: outcome("overridden"), detail: `the shadow run was stopped (${ended.detail}): an autonomous run would have come to a person` };
    const output = state.shadow!.attempts.find((a) => a.attempt === ended.attempt)?.output ?? null;
    if (output === null) return { agrees: null, outcome: null, detail: "the shadow run left no result to compare" };
    const judged = await judge(state, output, personResult);
    if (judged.agrees === null) return { agrees: null, outcome: null, detail: `${judged.detail}: no evidence recorded` };
    return judged.agrees
      ? { agrees: true, outcome: outcome("succeeded"), detail: `the agent's attempt ${ended.attempt} ${judged.detail}` }
      : { agrees: false, outcome: outcome("failed"), detail: `the agent's attempt ${ended.attempt} ${judged.detail}: it would have been wrong unnoticed` };
  };

  /**
   * Whether the agent's result agrees with a person's: the agent's own `agrees`, or equal JSON (key order aside). A
   * comparison that throws or returns something else judges nothing (`agrees: null`), and is logged.
   */
  const judge = async (state: RunState, output: JsonValue, personResult: JsonValue): Promise<{ agrees: boolean | null; detail: string }> => {
    const agent = agentFor(state.task.kind);
    const how = agent?.agrees === undefined ? "equal JSON" : `agent ${agent.name}'s comparison`;
    try {
      const verdict = agent?.agrees === undefined ? canonicalJson(output) === canonicalJson(personResult) : await agent.agrees(output, personResult, state.task);
      if (typeof verdict !== "boolean") throw new Error(`agrees returned ${typeof verdict}, not a boolean`);
      return { agrees: verdict, detail: `${verdict ? "agrees with" : "differs from"} the person's result (${how})` };
    } catch (error) {
      logger.warn("result.judge-failed", { runId: state.runId, taskId: state.task.id, kind: state.task.kind, error: messageOf(error) });
      return { agrees: null, detail: `the agent's comparison failed (${messageOf(error)})` };
    }
  };

  /**
   * Drives a run until it waits or ends and returns its state. With `seed`, the events already decided (a
   * submission, an answer) go into the run's next append together with the bookkeeping they lead to (routing,
   * a checkpoint, the next attempt's reservation); a conflict on that append is the caller's to handle.
   */
  const driveState = async (runId: string, seed?: Seed): Promise<RunState> => {
    await init();
    let state = seed === undefined ? await load(runId) : seed.base;
    if (state === undefined && seed === undefined) throw new ConvergentError("NOT_FOUND", `run ${runId}: no such run`);
    let seeded = seed;
    // Steps are written in batches: everything up to the next agent or sandbox call goes in one append (an
    // attempt's verdict with the next attempt's reservation; routing with the checkpoint it opens). The lease on the run is taken only
    // before an agent or sandbox is called: it keeps two processes from doing the same work, while the
    // expected sequence number alone keeps bookkeeping from forking the journal.
    let leased = false;
    let leaseLost = false;
    const lost = new AbortController();
    let renewal: ReturnType<typeof setInterval> | undefined;
    const loseLease = () => {
      leaseLost = true;
      lost.abort(new ConvergentError("CONFLICT", `run ${runId}: another process took the run over`));
    };
    const holdLease = async (): Promise<boolean> => {
      if (leased) return !leaseLost && (await store.acquireLease(runId, owner, leaseMs));
      if (!(await store.acquireLease(runId, owner, leaseMs))) return false;
      leased = true;
      // Keep the lease while driving: an agent call may outlast it. If renewal fails (another process took
      // the run over after a stall), stop before the next call rather than work beside it.
      renewal = setInterval(() => {
        store.acquireLease(runId, owner, leaseMs).then(
          (held) => {
            if (!held) loseLease();
          },
          () => loseLease(),
        );
      }, Math.max(10, Math.floor(leaseMs / 3)));
      renewal.unref?.();
      return true;
    };
    try {
      driving: for (;;) {
        const batch: NewRunEvent[] = [];
        let scratch: RunState | undefined;
        if (seeded !== undefined) {
          const { pending, at } = seeded;
          batch.push(...pending);
          if (state === undefined) {
            scratch = foldRun(pending.map((e, i) => ({ ...e, runId, seq: i + 1, at }) as RunEvent), monitor);
          } else {
            scratch = forkState(state);
            for (const e of pending) applyEvent(scratch, { ...e, runId, seq: scratch.seq + 1, at } as RunEvent, monitor);
          }
        }
        for (;;) {
          const current = (scratch ?? state)!;
          const step = current.next;
          if (step.step === "wait" || step.step === "done") break;
          const callsOut = step.step === "call-agent" || step.step === "verify" || step.step === "shadow";
          if (callsOut) {
            if (batch.length > 0) break;
            if (!(await holdLease())) {
              logger.info("run.driven-elsewhere", { runId, taskId: current.task.id, owner });
              break driving;
            }
          }
          const events = await perform(current, step, lost.signal);
          if (callsOut && leaseLost) {
            // The run was taken over during the call: its result belongs to nobody; the new owner runs the step again.
            logger.info("run.driven-elsewhere", { runId, taskId: current.task.id, owner });
            break driving;
          }
          batch.push(...events);
          // Work out the next step on a copy; the journal gets the events only when the batch is written (before
          // the next agent or sandbox call at the latest, so a result is durable before anything else is called).
          scratch ??= forkState(state!);
          for (const e of events) applyEvent(scratch, { ...e, runId, seq: scratch.seq + 1, at: scratch.roundStartedAt } as RunEvent, monitor);
        }
        if (batch.length === 0) break;
        let appended: readonly RunEvent[];
        try {
          appended = await store.append(runId, state?.seq ?? 0, batch);
        } catch (error) {
          if (error instanceof ConvergentError && error.code === "CONFLICT" && seeded === undefined) {
            // Someone else appended (an answer, a timeout, another driver): fold again and carry on from there.
            state = (await load(runId))!;
            continue;
          }
          throw error;
        }
        seeded = undefined;
        for (const event of appended) {
          if (state === undefined) state = foldRun([event], monitor);
          else applyEvent(state, event, monitor);
          log(event, state);
          if (event.type === "run.completed" && event.data.outcome !== null) {
            router.recordOutcome(calibrationOutcome(state.task.kind, event.data.outcome));
          }
          if (event.type === "shadow.judged" && event.data.outcome !== null) {
            router.recordOutcome(calibrationOutcome(state.task.kind, event.data.outcome));
          }
        }
      }
    } finally {
      if (renewal !== undefined) clearInterval(renewal);
      if (leased) await store.releaseLease(runId, owner);
    }
    return state!;
  };

  const drive = async (runId: string): Promise<RunSummary> => summarize(await driveState(runId));

  /**
   * Who a reviewer is, by the run's own policy: an id (or a reviewer object's id) is looked up in its reviewers, whose
   * roles count; when it lists none, anyone named may answer the checkpoints no rule asked roles for (`open`).
   */
  const resolveReviewer = (reviewer: string | Reviewer, runPolicy: Policy): { reviewer: Reviewer; open: boolean } => {
    const id = typeof reviewer === "string" ? reviewer : reviewer.id;
    if (typeof id !== "string" || id.trim() === "") throw new ConvergentError("INVALID_INPUT", "a reviewer needs an id");
    // A policy without reviewers checks no one; a reviewer object's own roles then stand (the product vouches for them).
    if (runPolicy.reviewers.length === 0) {
      return typeof reviewer === "string" ? { reviewer: { id, roles: [] }, open: true } : { reviewer: { id, roles: [...reviewer.roles] }, open: false };
    }
    // A policy with reviewers is the source of roles, whoever names the reviewer: roles a caller claims count for nothing.
    const known = runPolicy.reviewers.find((r) => r.id === id);
    if (known === undefined) {
      throw new ConvergentError("FORBIDDEN", `reviewer "${id}" is not among the reviewers of policy ${runPolicy.id} v${runPolicy.version} (${runPolicy.reviewers.map((r) => r.id).join(", ")})`);
    }
    return { reviewer: { id: known.id, roles: [...known.roles] }, open: false };
  };

  const answered = (cp: CheckpointState, run: RunSummary, duplicate: boolean): AnswerResult => ({
    checkpointId: cp.checkpoint.id,
    runId: cp.checkpoint.runId,
    answer: cp.answer!,
    reviewer: cp.reviewer!,
    answeredAt: cp.at!,
    duplicate,
    run,
  });

  return {
    async submit(input, submitOptions = {}) {
      await init();
      const task: Task = parseTask(input);
      // 48 random bits: short enough to type in `convergent answer`, collision-free for any realistic store.
      const runId = submitOptions.runId ?? `run-${randomUUID().replaceAll("-", "").slice(0, 12)}`;
      // The submission, its routing and what the route starts with (a checkpoint, the first attempt's
      // reservation) are one append: a run never exists unrouted, and submitting an existing id is a conflict.
      const submitted: NewRunEvent = { type: "run.submitted", data: { task, mode: submitOptions.mode ?? "auto", acceptance: submitOptions.acceptance ?? false } };
      try {
        return summarize(await driveState(runId, { base: undefined, pending: [submitted], at: await store.now() }));
      } catch (error) {
        if (error instanceof ConvergentError && error.code === "CONFLICT") throw new ConvergentError("CONFLICT", `run ${runId} already exists`, { cause: error });
        throw error;
      }
    },

    async answer(checkpointId, rawAnswer, reviewerRef, answerOptions = {}) {
      await init();
      const key = answerOptions.idempotencyKey ?? null;
      const found = await store.getCheckpoint(checkpointId);
      if (found === undefined) throw new ConvergentError("NOT_FOUND", `checkpoint ${checkpointId}: no such checkpoint`);
      const runId = found.checkpoint.runId;
      let resolved: { reviewer: Reviewer; open: boolean } | undefined;
      for (let tries = 0; ; tries++) {
        // Decide on the journal itself: the checkpoint's state and the sequence number come from the same read,
        // so the append below lands only if nothing (another answer, a timeout) came in between.
        const runState = (await load(runId))!;
        const cp = runState.checkpoints.get(checkpointId);
        if (cp === undefined) throw new ConvergentError("NOT_FOUND", `checkpoint ${checkpointId}: not in run ${runId}'s journal`);
        resolved ??= resolveReviewer(reviewerRef, policyOf(runState));
        const reviewer = resolved.reviewer;
        if (cp.status === "answered") {
          if (key !== null && cp.idempotencyKey === key) {
            if (cp.reviewer!.id !== reviewer.id || canonicalJson(cp.answer) !== canonicalJson(answerSchemaFor(cp.checkpoint).safeParse(rawAnswer).data ?? rawAnswer)) {
              throw new ConvergentError(
                "CONFLICT",
                `idempotency key ${key} was used for ${cp.reviewer!.id}'s answer (${cp.answer!.type}) to ${checkpointId}; a retry must repeat the same answer`,
              );
            }
            return answered(cp, summarize(runState), true);
          }
          throw new ConvergentError(
            "CONFLICT",
            `checkpoint ${checkpointId} was already answered by ${cp.reviewer!.id} at ${new Date(cp.at!).toISOString()} (${cp.answer!.type}); the first answer stands`,
          );
        }
        if (cp.status === "expired") throw new ConvergentError("CONFLICT", `checkpoint ${checkpointId} expired at ${new Date(cp.checkpoint.deadline).toISOString()} and no longer takes answers`);
        const roles = cp.checkpoint.assigneeRoles;
        const runPolicy = policyOf(runState);
        if (!(resolved.open && openToAnyone(runPolicy, roles)) && !reviewer.roles.some((r) => roles.includes(r))) {
          throw new ConvergentError(
            "FORBIDDEN",
            resolved.open
              ? `${reviewer.id} may not answer ${checkpointId}: a rule requires the role ${roles.join(" or ")}, and policy ${runPolicy.id} v${runPolicy.version} lists no reviewers to check it against; list the reviewers with their roles in the policy`
              : `${reviewer.id} may not answer ${checkpointId}: it needs the role ${roles.join(" or ")}, and ${reviewer.id} has ${reviewer.roles.length === 0 ? "no roles" : reviewer.roles.join(", ")}`,
          );
        }
        const parsed = answerSchemaFor(cp.checkpoint).safeParse(rawAnswer, { reportInput: true });
        if (!parsed.success) {
          const problems = problemsFromZod(parsed.error.issues);
          throw new ConvergentError(
            "INVALID_ANSWER",
            `invalid answer to ${checkpointId} (a ${cp.checkpoint.kind} checkpoint; the checkpoint stays open):\n${problems.map((p) => `${p.path === "" ? "answer" : p.path}: ${p.message}`).join("\n")}`,
            { problems },
          );
        }
        const event: NewRunEvent = { type: "checkpoint.answered", data: { checkpointId, answer: parsed.data, reviewer, idempotencyKey: key } };
        try {
          if (answerOptions.continue === false) {
            const [appended] = await store.append(runId, runState.seq, [event]);
            applyEvent(runState, appended!, monitor);
            log(appended!, runState);
            return answered(runState.checkpoints.get(checkpointId)!, summarize(runState), false);
          }
          // The answer and what it leads to (completion, the next attempt's reservation) are one append.
          const after = await driveState(runId, { base: runState, pending: [event], at: await store.now() });
          return answered(after.checkpoints.get(checkpointId)!, summarize(after), false);
        } catch (error) {
          // Another event landed first (another answer, a timeout, the driver): read again and decide again.
          if (error instanceof ConvergentError && error.code === "CONFLICT" && tries < 20) continue;
          throw error;
        }
      }
    },

    drive,

    async expireDue() {
      await init();
      const now = await store.now();
      const due = await store.listCheckpoints({ status: "open", dueBefore: now });
      let expired = 0;
      for (const info of due) {
        const runId = info.checkpoint.runId;
        for (let tries = 0; tries < 5; tries++) {
          const runState = await load(runId);
          if (runState?.checkpoints.get(info.checkpoint.id)?.status !== "open") break;
          try {
            const [event] = await store.append(runId, runState.seq, [{ type: "checkpoint.expired", data: { checkpointId: info.checkpoint.id, onTimeout: info.checkpoint.onTimeout } }]);
            expired++;
            applyEvent(runState, event!, monitor);
            log(event!, runState);
            await drive(runId);
            break;
          } catch (error) {
            if (!(error instanceof ConvergentError && error.code === "CONFLICT")) throw error;
          }
        }
      }
      return expired;
    },

    async resume() {
      await this.expireDue();
      const running = await store.listRuns({ status: "running" });
      const out: RunSummary[] = [];
      for (const run of running) out.push(await drive(run.runId));
      return out;
    },

    async getRun(runId) {
      const state = await load(runId);
      return state === undefined ? undefined : summarize(state);
    },

    inspect: load,

    async inbox(query = {}) {
      const { reviewer, ...storeQuery } = query;
      if (reviewer === undefined) return store.listCheckpoints(storeQuery);
      const { limit, ...unlimited } = storeQuery;
      const all = await store.listCheckpoints(unlimited);
      const policies = new Map<string, Policy>();
      const mine: CheckpointInfo[] = [];
      for (const info of all) {
        let runPolicy = policies.get(info.checkpoint.runId);
        if (runPolicy === undefined) {
          const runState = await load(info.checkpoint.runId);
          runPolicy = runState === undefined ? policy : policyOf(runState);
          policies.set(info.checkpoint.runId, runPolicy);
        }
        const known =
          runPolicy.reviewers.length === 0
            ? openToAnyone(runPolicy, info.checkpoint.assigneeRoles)
              ? { roles: info.checkpoint.assigneeRoles }
              : undefined
            : runPolicy.reviewers.find((r) => r.id === reviewer);
        if (known !== undefined && known.roles.some((r) => info.checkpoint.assigneeRoles.includes(r))) mine.push(info);
        if (limit !== undefined && mine.length >= limit) break;
      }
      return mine;
    },
  };
}

/** A copy of a run's state that applyEvent can change without touching the original (it replaces, never edits, what it holds). */
function forkState(state: RunState): RunState {
  return {
    ...state,
    attempts: [...state.attempts],
    feedback: [...state.feedback],
    checkpoints: new Map(state.checkpoints),
    spent: { ...state.spent },
    shadow: state.shadow === null ? null : { ...state.shadow, attempts: [...state.shadow.attempts] },
  };
}

function escalation(reason: Extract<NewRunEvent, { type: "run.escalated" }>["data"]["reason"], detail: string, errorCurve: readonly number[]): NewRunEvent {
  return { type: "run.escalated", data: { reason, detail, errorCurve: [...errorCurve], errorFactor: null } };
}

/**
 * Whether a checkpoint of a policy without reviewers is open to anyone named: only while its roles are the policy's
 * default assignees. Roles a rule required (or an escalation named) bind even then, since nobody can be checked.
 */
function openToAnyone(policy: Policy, roles: readonly string[]): boolean {
  return roles.every((r) => policy.checkpoints.assigneeRoles.includes(r));
}

/**
 * A policy's on-timeout action for a checkpoint. A default answer stands in for nobody a rule asked for: when a rule
 * that matched the task forces people or requires roles, or the answer does not fit the checkpoint, the checkpoint
 * fails at its deadline instead.
 */
function fittingTimeout(policy: Policy, decision: Decision, checkpoint: Pick<Checkpoint, "kind" | "purpose">): OnTimeout {
  const onTimeout = policy.checkpoints.onTimeout as OnTimeout;
  if (onTimeout.action !== "default") return onTimeout;
  const demanding = policy.rules.some((r) => decision.rules.includes(r.id) && (r.route === "human" || r.requireRoles !== undefined));
  if (demanding) return { action: "fail" };
  return answerSchemaFor({ ...checkpoint, options: undefined }).safeParse(onTimeout.answer).success ? onTimeout : { action: "fail" };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
