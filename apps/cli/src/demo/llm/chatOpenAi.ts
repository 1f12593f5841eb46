// The default chat model of `demo --llm`: ChatOpenAI, talking to OpenAI or to Ollama's OpenAI-compatible endpoint.
import { ChatOpenAI } from "@langchain/openai";
import type { LlmConfig } from "./config.js";

/** Retries after a rate limit, a server error or a dropped connection (authentication errors are not retried). */
export const modelMaxRetries = 2;

/** How long one model call may take: local models on a laptop can be slow. */
export const modelTimeoutMs = 120_000;

/**
 * Builds the ChatOpenAI model for a config: OpenAI with the key, or Ollama at `config.baseURL` (its
 * OpenAI-compatible `/v1` endpoint, which ignores the key).
 *
 * @example
 * ```ts
 * const model = createChatOpenAiModel(resolveLlmConfig(process.env));
 * ```
 */
export function createChatOpenAiModel(config: LlmConfig): ChatOpenAI {
  return new ChatOpenAI({
    model: config.model,
    apiKey: config.apiKey,
    maxRetries: modelMaxRetries,
    timeout: modelTimeoutMs,
    ...(config.baseURL === undefined ? {} : { configuration: { baseURL: config.baseURL } }),
  });
}
