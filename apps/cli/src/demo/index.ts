// The demo's real, non-LLM agents and sandboxes: what `convergent demo` (and `run`) execute with no API key.
//
// | kind             | agent                               | sandbox                                  | behaviour            |
// |------------------|-------------------------------------|------------------------------------------|----------------------|
// | code.fix-test    | slug-repair (edits a step pipeline) | test-suite (runs the cases)              | converges            |
// | data.normalize   | mapping-repair (mapping + coercion) | schema-validator (zod)                   | converges            |
// | ops.schedule(.*) | min-conflicts (local search)        | constraint-checker                       | converges; the board |
// |                  |                                     |                                          | offsite is shadowed  |
// | ads.bid-tuning   | bid-controller (proportional)       | market-simulator (late reports, drift)   | diverges → escalates |
// | i18n.translate   | glossary-translator                 | glossary-check (closure 0.6: supervised) | needs a reviewer     |
//
// Agents output data (pipelines, mappings, schedules, bids, translations); sandboxes interpret that data with our
// own code. No task or agent text is ever evaluated as code.
import type { Agent, Sandbox } from "@convergent/runtime";
import { createBidControllerAgent } from "./bidTuning/agent.js";
import { createMarketSimulatorSandbox } from "./bidTuning/sandbox.js";
import { createSlugRepairAgent } from "./fixTest/agent.js";
import { createTestSuiteSandbox } from "./fixTest/sandbox.js";
import { createMappingAgent } from "./normalize/agent.js";
import { createSchemaValidatorSandbox } from "./normalize/sandbox.js";
import { createMinConflictsAgent } from "./schedule/agent.js";
import { createConstraintCheckerSandbox } from "./schedule/sandbox.js";
import { createGlossaryAgent } from "./translate/agent.js";
import { createGlossaryCheckSandbox } from "./translate/sandbox.js";

export { createBidControllerAgent, defaultGain } from "./bidTuning/agent.js";
export { createMarketSimulatorSandbox } from "./bidTuning/sandbox.js";
export { bidTuningInputSchema, marketReport } from "./bidTuning/market.js";
export { createSlugRepairAgent } from "./fixTest/agent.js";
export { createTestSuiteSandbox } from "./fixTest/sandbox.js";
export { fixTestInputSchema } from "./fixTest/input.js";
export { runPipeline, stepOps } from "./fixTest/pipeline.js";
export { createMappingAgent } from "./normalize/agent.js";
export { createSchemaValidatorSandbox } from "./normalize/sandbox.js";
export { normalizeInputSchema } from "./normalize/input.js";
export { createMinConflictsAgent } from "./schedule/agent.js";
export { createConstraintCheckerSandbox } from "./schedule/sandbox.js";
export { scheduleInputSchema, violations } from "./schedule/model.js";
export { createGlossaryAgent } from "./translate/agent.js";
export { createGlossaryCheckSandbox } from "./translate/sandbox.js";
export { translateInputSchema } from "./translate/strings.js";

/** The kinds the demo's agents and sandboxes cover. */
export const demoKinds = ["code.fix-test", "data.normalize", "ops.schedule", "ads.bid-tuning", "i18n.translate"] as const;

/** A fresh set of the demo's agents, one per kind in {@link demoKinds}. */
export function demoAgents(): Agent[] {
  return [createSlugRepairAgent(), createMappingAgent(), createMinConflictsAgent(), createBidControllerAgent(), createGlossaryAgent()];
}

/** A fresh set of the demo's sandboxes, one per kind in {@link demoKinds}. */
export function demoSandboxes(): Sandbox[] {
  return [createTestSuiteSandbox(), createSchemaValidatorSandbox(), createConstraintCheckerSandbox(), createMarketSimulatorSandbox(), createGlossaryCheckSandbox()];
}
