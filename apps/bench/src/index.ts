// @convergent/bench: Convergent's benchmarks; `convergent bench router` runs runRouterBench, `convergent bench runtime`
// runs runRuntimeBench, and `convergent bench` runs both.

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
