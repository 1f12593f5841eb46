// @convergent/langchain: LangChain chat models as Convergent agents, and an LLM signal estimator.
export { agentFromChatModel } from "./chatModelAgent.js";
export type { ChatModelAgentOptions } from "./chatModelAgent.js";
export { buildMessages, defaultInstructions, formatFeedback } from "./messages.js";
export type { BuildMessagesOptions } from "./messages.js";
export { usageOf } from "./usage.js";
export type { ModelUsage, PriceTable } from "./usage.js";
export { llmSignalEstimator } from "./llmSignalEstimator.js";
export type { EstimatorFallback, LlmSignalEstimatorOptions } from "./llmSignalEstimator.js";
export { estimateSchemaFor, signalEstimateSchema } from "./signalEstimateSchema.js";
export type { SignalEstimateReply } from "./signalEstimateSchema.js";
