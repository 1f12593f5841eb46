// @convergent/bench: Convergent's benchmarks; `convergent bench router` runs runRouterBench, `convergent bench runtime`
// runs runRuntimeBench, `convergent bench quality` runs runQualityBench (ConvergeBench), and `convergent bench` runs all three.

export { runRouterBench, routerBenchDefaults, routerBenchTargets } from "./routerBench.js";
export type {
  BenchProgress,
  RouterBenchOptions,
  RouterBenchReport,
  RouterBenchTargets,
  RouterBenchWorkload,
  SimulateBenchReport,
} from "./types.js";

export { runRuntimeBench, runtimeBenchDefaults, runtimeBenchTargets } from "./runtimeBench.js";
export type {
  AttemptOverheadFigure,
  InboxQueryFigure,
  RoundTripFigure,
  RuntimeBenchOptions,
  RuntimeBenchReport,
  RuntimeBenchTargets,
} from "./types.js";
export {
  attemptsNeeded,
  convergentKind,
  convergentTask,
  humanAnswerValue,
  humanKindAt,
  humanKinds,
  humanTask,
  passTolerance,
  runtimeBenchPolicy,
  timedDoubles,
} from "./runtimeBenchWorkload.js";
export type { TimedDoubles } from "./runtimeBenchWorkload.js";
export { createLangGraphPeer, installedVersion, langGraphName } from "./langGraphPeer.js";
export type { LangGraphPeer } from "./langGraphPeer.js";

export { generateTask, generateTasks, taskFamilies, taskKinds } from "./taskGenerator.js";
export type { GenerateTasksOptions } from "./taskGenerator.js";
export { createRandom } from "./random.js";
export type { Random } from "./random.js";
export { benchPolicy } from "./benchPolicy.js";

export { createPeerEngine, peerFactsFor, peerName, toPeerRule } from "./jsonRulesPeer.js";
export type { PeerEngine, PeerFacts } from "./jsonRulesPeer.js";

export { benchSimulate, defaultCliPath, runWithPeakRss, writeTasksJsonl } from "./simulateBench.js";
export type { BenchSimulateOptions, ChildRun, RssSource, RunWithPeakRssOptions, WriteTasksJsonlOptions } from "./simulateBench.js";

export { median, quantileOfSorted, summarizeLatencies, timerOverheadNs } from "./measure.js";
export type { LatencySummary } from "./measure.js";

export { runQualityBench, qualityBenchTargets, benchShift, conformalDefaultAlpha, onlineArrivalSec } from "./quality/qualityBench.js";
export { qualityReportSchema, routerResultSchema, routeFiguresSchema, qualityBenchOptionsSchema } from "./quality/qualityReport.js";
export type { QualityBenchOptions, QualityReport, QualityTarget, RouterResult } from "./quality/qualityReport.js";
export { qualityFamilies, familyOfKind, dollarsPerToken } from "./quality/families.js";
export type { ObservationNoise, QualityFamily, Range } from "./quality/families.js";
export { generateBenchTask, generateBenchTasks, mixSeed, gaussian, irreversibleMultiplier } from "./quality/latentTasks.js";
export type { BenchTask, FamilyShift, GenerateBenchTasksOptions, LatentTask } from "./quality/latentTasks.js";
export { simulateLoop, realiseTask, confidenceLogit, benchRoutes, loopDefaults } from "./quality/world.js";
export type { BenchRoute, LoopEnd, LoopOptions, LoopTrace, RouteOutcome, TaskRealisation } from "./quality/world.js";
export { buildOutcomeTable, expectedCost, realisedCost } from "./quality/outcomeTable.js";
export type { OutcomeTable, OutcomeTableOptions, RouteExpectation } from "./quality/outcomeTable.js";
export { qualityPolicy } from "./quality/qualityPolicy.js";
export type { QualityPolicyOptions } from "./quality/qualityPolicy.js";
export {
  a2iStrategy,
  alwaysStrategy,
  conformalStrategy,
  convergentStrategy,
  hindsightStrategy,
  oracleStrategy,
  outcomeOf,
  outcomeRecord,
  randomStrategy,
  staticRulesStrategy,
  tuneA2iThreshold,
  warmUpCalibration,
  auditShare,
  confidenceThresholds,
  conformalLevels,
  perMinuteKnobs,
  randomShares,
} from "./quality/strategies.js";
export type { ConvergentStrategyOptions, Strategy } from "./quality/strategies.js";
export {
  alwaysHumanMinutes,
  expectedCalibrationError,
  loadAtFailure,
  lowerEnvelope,
  medianOf,
  normaliseArea,
  rawArea,
  summarizeRoutes,
} from "./quality/metrics.js";
export type { CalibrationBin, CurvePoint, RouteFigures } from "./quality/metrics.js";
export { monitorFigures } from "./quality/monitorFigures.js";
export type { MonitorFigures } from "./quality/monitorFigures.js";
export { agentCalibrationError, onlineCalibration, outcomeDelaySec, shiftRecovery } from "./quality/streams.js";
export type { EceFigure, OnlineCalibrationOptions, ShiftFigures, ShiftRecoveryOptions } from "./quality/streams.js";
export { formatQualityMarkdown } from "./quality/markdown.js";

export { generateWorld, archetypeShares, workArchetypes, worldZeroSeed } from "./quality/worldGenerator.js";
export type { GeneratedWorld, WorkArchetype, WorldPeople } from "./quality/worldGenerator.js";
export { heldOutWorldSeeds, trainingWorldSeeds, splitOfWorld, trainingWorldBase, maxTrainingWorlds } from "./quality/worldSplits.js";
export type { WorldSplit } from "./quality/worldSplits.js";
export { measureWorld, measuresRates, operatorPolicy } from "./quality/operatorPolicy.js";
export type { KindMeasurement, MeasureWorldOptions, OperatorPolicyOptions } from "./quality/operatorPolicy.js";
export { tunePerKindRoutes } from "./quality/perKindConstant.js";
export type { PerKindRoutes } from "./quality/perKindConstant.js";
export { minimumGap, onlineProtocol, protocolFigures, streamOutcome, zeroShotProtocol } from "./quality/worldProtocols.js";
export type { OnlineOptions, StreamOutcome, ZeroShotOptions } from "./quality/worldProtocols.js";
export { runWorld, runWorldsBench, summarizeWorlds, worldsBenchSizes, worldsBenchTargets, worldsEceOutcomes } from "./quality/worldsBench.js";
export {
  onlineFiguresSchema,
  protocolFiguresSchema,
  splitSummarySchema,
  worldCostsSchema,
  worldResultSchema,
  worldsBenchOptionsSchema,
  worldsReportSchema,
} from "./quality/worldsReport.js";
export type { OnlineFigures, ProtocolFigures, SplitSummary, WorldResult, WorldsBenchOptions, WorldsReport } from "./quality/worldsReport.js";
export { formatWorldsMarkdown } from "./quality/worldsMarkdown.js";
