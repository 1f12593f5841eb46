// @convergent/runtime/testing: the store conformance suite and test doubles.

export { runStoreConformance } from "./storeConformance.js";
export { corruptMemoryEvent } from "./corruptMemoryEvent.js";
export type { StoreConformanceOptions } from "./storeConformance.js";
export { manualClock, scriptedAgent, functionSandbox } from "./doubles.js";
export type { ManualClock, ScriptedAgent, FunctionSandbox } from "./doubles.js";
export { makeTask, makeDecision, makeCheckpoint, makeReviewer, events as eventFixtures, runStart } from "./fixtures.js";
export type { CheckpointFixture } from "./fixtures.js";
export { docExample, captureLog } from "./docExample.js";
export type { DocExample } from "./docExample.js";
