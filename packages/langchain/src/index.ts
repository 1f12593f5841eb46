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
export { convergenceMiddleware } from "./convergenceMiddleware.js";
export type {
  ConvergenceActionRequest,
  ConvergenceMiddlewareOptions,
  ConvergenceRequest,
  ConvergenceReviewConfig,
} from "./convergenceMiddleware.js";
export { matchDecisions, toolDecisionSchema, toolDecisionsSchema, toolDecisionTypes } from "./toolCallDecisions.js";
export type { HeldCall, ToolDecision, ToolDecisions, ToolDecisionType } from "./toolCallDecisions.js";
export { taskFromToolCall, toolKind } from "./toolCallTask.js";
export type { ToolCallInfo, ToolRouting, ToolRoutingOption } from "./toolCallTask.js";
export { defaultAllowedDecisions, explain } from "./toolCallRouting.js";
export type { RoutedToolCall, ToolCallExplanation, TurnRouting } from "./toolCallRouting.js";
export { answerForDecision, decisionForAnswer, decisionsFromCheckpoints, recordedRunId } from "./toolCallCheckpoints.js";
export type { RecordedActionRequest, RecordedCall } from "./toolCallCheckpoints.js";
export { agentFromLangChainAgent } from "./langChainAgent.js";
export type { LangChainAgentLike, LangChainAgentOptions, LangChainAgentState } from "./langChainAgent.js";
