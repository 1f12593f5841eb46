// Any LangChain chat model as a Convergent Agent: one model call per attempt.
import { type JsonValue, isJsonValue } from "@convergent/router";
import type { Agent, AttemptInput, AttemptResult } from "@convergent/runtime";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import type { z } from "zod";
import { buildMessages } from "./messages.js";
import { type PriceTable, usageOf } from "./usage.js";

/** Options of {@link agentFromChatModel}. */
export interface ChatModelAgentOptions {
  /** Named in journals and logs. */
  readonly name: string;
  /** Kinds or globs (`code.*`) it takes. */
  readonly kinds: readonly string[];
  /** The system prompt; a short default when left out. */
  readonly instructions?: string;
  /**
   * A zod schema for the output: the model is asked for structured output and the reply is validated
   * against it. Without one, the output is the reply's text.
   */
  readonly outputSchema?: z.ZodType;
  /** The name of the structured-output tool the model is asked to call; `"output"` when left out. */
  readonly outputName?: string;
  /** Prices per million tokens in the policy's currency; cost is 0 without it. */
  readonly prices?: PriceTable;
}

/**
 * Wraps a LangChain chat model as a Convergent {@link Agent}. Each attempt sends the task, the person's
 * direction and the feedback so far (see `buildMessages`); usage comes from the reply's `usage_metadata`.
 * A model error propagates (the runtime records it as a failed attempt).
 *
 * @example
 * ```ts
 * import { ChatOpenAI } from "@langchain/openai";
 * const agent = agentFromChatModel(new ChatOpenAI({ model: "gpt-4.1-mini" }), {
 *   name: "writer",
 *   kinds: ["text.*"],
 *   outputSchema: z.object({ answer: z.string() }),
 *   prices: { inputPerMillion: 0.4, outputPerMillion: 1.6 },
 * });
 * const runtime = createRuntime({ router, store, agents: [agent], sandboxes });
 * ```
 */
export function agentFromChatModel(model: BaseChatModel, options: ChatModelAgentOptions): Agent {
  const schema = options.outputSchema;
  const structured =
    schema === undefined
      ? undefined
      : model.withStructuredOutput(schema as z.ZodType<Record<string, unknown>>, { includeRaw: true, name: options.outputName ?? "output" });

  return {
    name: options.name,
    kinds: options.kinds,
    async attempt(input: AttemptInput): Promise<AttemptResult> {
      const messages = buildMessages(input, options.instructions === undefined ? {} : { instructions: options.instructions });
      const config = input.signal === undefined ? {} : { signal: input.signal };
      if (structured === undefined || schema === undefined) {
        const reply = await invoke(() => model.invoke(messages, config));
        return { output: reply.text, usage: usageOf(reply, options.prices) };
      }
      const { raw, parsed } = await invoke(() => structured.invoke(messages, config));
      if (parsed === null || parsed === undefined) {
        throw new Error(`${options.name}: the model's reply had no structured output (expected a call to the "${options.outputName ?? "output"}" tool)`);
      }
      const checked = schema.safeParse(parsed);
      if (!checked.success) {
        const why = checked.error.issues.map((i) => `${i.path.join(".") || "output"}: ${i.message}`).join("; ");
        throw new Error(`${options.name}: the model's output does not match outputSchema: ${why}`);
      }
      if (!isJsonValue(checked.data)) throw new Error(`${options.name}: the model's structured output is not JSON data`);
      return { output: checked.data as JsonValue, usage: usageOf(raw as BaseMessage, options.prices) };
    },
  };
}

/** Calls the model; anything thrown becomes an Error carrying the model's own message. */
async function invoke<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Error) throw error;
    throw new Error(String(error), { cause: error });
  }
}
