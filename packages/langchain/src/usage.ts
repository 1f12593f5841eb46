// Reads tokens and cost from a LangChain message's usage_metadata.
import type { BaseMessage, UsageMetadata } from "@langchain/core/messages";

/** Prices per million tokens, in the policy's currency. */
export interface PriceTable {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

/** Tokens and cost of one model reply. */
export interface ModelUsage {
  readonly tokens: number;
  readonly cost: number;
}

/**
 * Usage of a reply: `usage_metadata.total_tokens` (0 when the provider reports none) and, with a price table,
 * input and output tokens priced per million. Without a price table the cost is 0.
 */
export function usageOf(message: BaseMessage | undefined, prices?: PriceTable): ModelUsage {
  // Duck-typed: AIMessage and AIMessageChunk both carry it, and neither is an instance of the other.
  const meta = (message as { usage_metadata?: UsageMetadata } | undefined)?.usage_metadata;
  if (meta === undefined) return { tokens: 0, cost: 0 };
  const tokens = meta.total_tokens ?? (meta.input_tokens ?? 0) + (meta.output_tokens ?? 0);
  const cost =
    prices === undefined ? 0 : ((meta.input_tokens ?? 0) * prices.inputPerMillion + (meta.output_tokens ?? 0) * prices.outputPerMillion) / 1_000_000;
  return { tokens, cost };
}
