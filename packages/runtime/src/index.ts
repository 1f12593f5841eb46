// @convergent/runtime: durable runs, autonomous loops, the convergence monitor, checkpoints and the store port.

export {
  checkpointKinds,
  checkpointPurposes,
  answerSchema,
  answerSchemas,
  acceptedAnswers,
  answerSchemaFor,
  answerTypesFor,
  answerJsonSchema,
  checkpointJsonSchema,
  checkpointSchema,
  onTimeoutSchema,
} from "./checkpoint.js";
export type { Answer, AnswerType, Checkpoint, CheckpointKind, CheckpointPurpose, OnTimeout, Reviewer } from "./checkpoint.js";
export type { EscalationReason, NewRunEvent, RunEvent, RunEventData, RunEventType, RunMode, RunOutcome, RunStatus, ShadowStatus, Usage, Verdict } from "./events.js";
export { calibrationOutcome } from "./events.js";
export { checkStoredEvent, checkStoredJournal, eventDataSchemas, eventVersions } from "./eventSchemas.js";
export type { StoredEvent } from "./eventSchemas.js";
export { project } from "./projection.js";
export type { CheckpointInfo, ProjectionChange, RunInfo } from "./projection.js";
export { outcomeSnapshot, outcomesIn } from "./store.js";
export type { CheckpointQuery, OutcomeRow, OutcomeSource, RunQuery, Store } from "./store.js";
export { createMemoryStore } from "./memoryStore.js";
export type { MemoryStoreOptions } from "./memoryStore.js";
export { systemClock } from "./clock.js";
export type { Clock } from "./clock.js";
export { silentLogger, createMemoryLogger } from "./logger.js";
export type { LogFields, LogRecord, Logger } from "./logger.js";
export { readErrors, monitorDefaults } from "./monitor.js";
export type { MonitorOptions, MonitorReading } from "./monitor.js";
export { checkAttemptResult } from "./agent.js";
export type { Agent, AttemptInput, AttemptResult, Feedback } from "./agent.js";
export { checkVerdict } from "./sandbox.js";
export type { Sandbox, VerifyInput } from "./sandbox.js";
export { foldRun, applyEvent, bestAttempt, shadowPending } from "./runState.js";
export type { AttemptState, CheckpointState, Completion, NextStep, RunState, ShadowState } from "./runState.js";
export { createRuntime } from "./runtime.js";
export type { AnswerOptions, AnswerResult, RunSummary, Runtime, RuntimeOptions, ShadowSummary, SubmitOptions } from "./runtime.js";
