// @convergent/router: schemas, the convergence scorer, policies, decide(), calibration and simulation.

export { ConvergentError, isConvergentError, formatProblem, convergentErrorCodes } from "./errors.js";
export type { ConvergentErrorCode, InputProblem } from "./errors.js";

export {
  routes,
  routeSchema,
  kindSchema,
  kindPattern,
  signalsSchema,
  signalNames,
  stakesSchema,
  taskSchema,
  isJsonValue,
  jsonValueSchema,
} from "./taskSchema.js";
export type { JsonValue, Route, Signals, SignalName, Stakes, Task } from "./taskSchema.js";

export { policySchema, ruleSchema, whenSchema, comparisonSchema, sandboxProfileSchema, kindOverrideSchema } from "./policySchema.js";
export type { Policy, PolicyInput, Rule, When, Comparison, NestedCondition, SandboxProfile, KindOverride } from "./policySchema.js";

export { decisionSchema, convergenceSchema } from "./decisionSchema.js";
export type { Decision } from "./decisionSchema.js";

export { jsonSchemaFor } from "./jsonSchemas.js";
export type { SchemaName } from "./jsonSchemas.js";

export { scoreConvergence, convergenceCore, scorerVersion, axes, axisWords } from "./scorer.js";
export type { Axis, AxisExplanation, Convergence, ConvergenceCore, ConvergenceInput } from "./scorer.js";

export { resolveSignals, missingSignals } from "./signals.js";
export type {
  ResolvedSignal,
  ResolvedSignals,
  SandboxFeedback,
  SignalDefaults,
  SignalEstimate,
  SignalEstimator,
  SignalSource,
} from "./signals.js";

export { parsePolicy, loadPolicy, validatePolicy, policyHash, defaultPolicy, defaultPolicyInput } from "./policy.js";
export type { ParsePolicyOptions } from "./policy.js";
export { starterPolicyYaml } from "./starterPolicy.js";

export { compileRule, compileWhen, compileComparison, compileComparisonVerdict, normalizeTag } from "./rules.js";
export type { CompiledRule, RuleContext, RuleVerdict } from "./rules.js";
export { compileKindGlob, compileKindMatcher } from "./glob.js";
export { resolveKind } from "./kindProfile.js";
export type { ResolvedKind } from "./kindProfile.js";

export { estimateRoutes, expectedAttempts, visibleFailureShare } from "./costs.js";
export type { CostParams, RouteEstimate } from "./costs.js";

export { createCalibration, calibrationDefaults, outcomeSchema, calibrationSnapshotSchema, calibrationRecentSchema, calibrationSignalsSchema, modelBinSchema, outcomeKinds } from "./calibration.js";
export type { Calibration, CalibrationOptions, CalibrationSnapshot, Outcome } from "./calibration.js";
export { posteriorFailure, monotoneMap } from "./posterior.js";
export { emptySignalMemory, observeSignals, imputeSignals, signalEntriesOf, absorbSignalEntries } from "./signalMemory.js";
export type { SignalMemory, SignalHistogram, KindSignals, ImputationOptions, ImputedSignal, ImputedSignals } from "./signalMemory.js";
export type { Counts, FailureEstimate } from "./posterior.js";
export {
  modelBins,
  emptyCalibrationData,
  addOutcome,
  absorbEntries,
  agentCounts,
  humanCounts,
  agentPrior,
  visibleShare,
  globalMap,
  entriesOf,
  recentOf,
  namespaceOf,
} from "./calibrationData.js";
export type { CalibrationData, KindData, RouteData, RecentData, BinStats, OutcomeRecord, EntryRecord, RecentRecord } from "./calibrationData.js";

export { approvedFailure, createRouter } from "./router.js";
export type { DecideOptions, Router, RouterOptions, PolicyRef } from "./router.js";

export { createSimulation, simulate } from "./simulate.js";
export { evaluateOffPolicy, loggedCost, loggedRunSchema } from "./offPolicy.js";
export type { Estimate, LoggedRun, OffPolicyReport } from "./offPolicy.js";
export type { PolicySummary, RouteChange, SimulateOptions, Simulation, SimulationReport } from "./simulate.js";

export { parseTask, checkTask, checkTaskText } from "./task.js";
export type { TaskCheck, TaskSource } from "./task.js";

export { humanizeSeconds } from "./duration.js";
export { canonicalJson, contentHash } from "./hash.js";
export { formatPath, problemsFromZod } from "./problems.js";
export { money as formatMoney, percent as formatPercent } from "./format.js";
