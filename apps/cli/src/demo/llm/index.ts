// `convergent demo --llm`: the demo's agent-run tasks done by a real chat model (OpenAI or Ollama) through
// @convergent/langchain, against the same sandboxes as the program agents. Loaded only when `--llm` is given.
export { llmDemoAgents, chatModelTaskAgent, llmTaskSpecs, modelErrorLine, programAgentKinds } from "./agents.js";
export type { LlmDemoAgentsOptions, ModelErrorLineOptions } from "./agents.js";
export { createChatOpenAiModel, modelMaxRetries, modelTimeoutMs } from "./chatOpenAi.js";
export { defaultModels, knownModelPrices, llmEnvVars, modelLabel, ollamaEndpoint, pricesFor, resolveLlmConfig } from "./config.js";
export type { ChatModelFactory, LlmConfig, LlmProvider, ModelPrices } from "./config.js";
export { defineLlmTaskSpec, sharedInstructions } from "./spec.js";
export type { LlmTaskSpec } from "./spec.js";
