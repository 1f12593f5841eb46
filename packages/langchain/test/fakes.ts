// LangChain's own fake chat model, with the real structured-output pipeline of BaseChatModel.
import type { JsonValue } from "@convergent/router";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import type { FakeBuiltModel } from "@langchain/core/testing";
import { fakeModel } from "langchain";

/**
 * `fakeModel()` whose `withStructuredOutput` is BaseChatModel's own (bind a tool, parse the reply's tool call,
 * keep the raw message with `includeRaw`). fakeModel's replacement returns a fixed value without calling the
 * model, so neither the messages sent nor usage_metadata could be observed through it.
 */
export function structuredFakeModel(): FakeBuiltModel {
  const model = fakeModel();
  model.withStructuredOutput = BaseChatModel.prototype.withStructuredOutput as FakeBuiltModel["withStructuredOutput"];
  return model;
}

/** A reply calling the structured-output tool `name` with `args`, reporting `tokens` (input, output). */
export function toolReply(name: string, args: Record<string, JsonValue>, tokens?: { input: number; output: number }): AIMessageChunk {
  return new AIMessageChunk({
    content: "",
    tool_calls: [{ name, args, id: `call-${name}`, type: "tool_call" }],
    ...(tokens === undefined
      ? {}
      : { usage_metadata: { input_tokens: tokens.input, output_tokens: tokens.output, total_tokens: tokens.input + tokens.output } }),
  });
}

/** The text of every message of one recorded call, joined. */
export function textOf(messages: readonly BaseMessage[]): string {
  return messages.map((m) => m.text).join("\n---\n");
}
