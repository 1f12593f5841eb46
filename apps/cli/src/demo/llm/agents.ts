// The demo's agents with a chat model: one agentFromChatModel agent per kind it can work on, each reshaping the
// model's structured output into what the kind's sandbox reads, and the bid controller kept as a program.
import { agentFromChatModel } from "@convergent/langchain";
import { ConvergentError } from "@convergent/router";
import type { Agent, AttemptInput, AttemptResult } from "@convergent/runtime";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { createBidControllerAgent } from "../bidTuning/agent.js";
import { fixTestLlmSpec } from "../fixTest/llm.js";
import { normalizeLlmSpec } from "../normalize/llm.js";
import { scheduleLlmSpec } from "../schedule/llm.js";
import { translateLlmSpec } from "../translate/llm.js";
import type { ModelPrices } from "./config.js";
import type { LlmTaskSpec } from "./spec.js";

/** The kinds a chat model works on with `demo --llm`, with their specs. */
export const llmTaskSpecs: readonly LlmTaskSpec[] = [fixTestLlmSpec, normalizeLlmSpec, scheduleLlmSpec, translateLlmSpec];

/** The kinds that keep their program agent with `demo --llm`, and why. */
export const programAgentKinds: readonly { readonly kind: string; readonly agent: string; readonly reason: string }[] = [
  {
    kind: "ads.bid-tuning",
    agent: "bid-controller",
    reason: "a dynamic controller on a drifting market with late reports, kept as a program so the demo shows a run that diverges and is escalated",
  },
];

/** Options of {@link llmDemoAgents} and {@link chatModelTaskAgent}. */
export interface LlmDemoAgentsOptions {
  /** The chat model every LLM agent calls (one instance shared by all kinds). */
  readonly model: BaseChatModel;
  /** The model in words (`gpt-4.1-mini (OpenAI)`), named in every model error. */
  readonly label: string;
  /** Prices per million tokens in the policy's currency; cost is 0 without them. */
  readonly prices?: ModelPrices | undefined;
  /** Values that must never appear in an error message (the API key). */
  readonly secrets?: readonly string[];
}

/**
 * The demo's agents for `demo --llm`: a chat-model agent for each kind of {@link llmTaskSpecs} and the program
 * agent for each kind of {@link programAgentKinds}.
 *
 * @example
 * ```ts
 * const agents = llmDemoAgents({ model: new ChatOpenAI({ model: "gpt-4.1-mini" }), label: "gpt-4.1-mini (OpenAI)" });
 * const runtime = createRuntime({ router, store, agents, sandboxes: demoSandboxes() });
 * ```
 */
export function llmDemoAgents(options: LlmDemoAgentsOptions): Agent[] {
  return [...llmTaskSpecs.map((spec) => chatModelTaskAgent(spec, options)), createBidControllerAgent()];
}

/**
 * A chat-model agent for one kind. Each attempt is one model call (task, direction, the previous output and the
 * sandbox's feedback go into the messages); the reply is checked against the spec's schema and reshaped for the
 * sandbox. Any failure — network, authentication, rate limit, a reply off the schema — is thrown as one line that
 * names the model, with secrets removed; the runtime records it as a failed attempt.
 */
export function chatModelTaskAgent(spec: LlmTaskSpec, options: LlmDemoAgentsOptions): Agent {
  const inner = agentFromChatModel(options.model, {
    name: spec.agentName,
    kinds: [spec.kind],
    instructions: spec.instructions,
    outputSchema: spec.outputSchema,
    outputName: spec.outputName,
    ...(options.prices === undefined ? {} : { prices: options.prices }),
  });
  const fail = (error: unknown): never => {
    throw new ConvergentError("INTERNAL", modelErrorLine(options.label, error, { agentName: spec.agentName, secrets: options.secrets ?? [] }), { cause: error });
  };
  return {
    name: inner.name,
    kinds: inner.kinds,
    async attempt(input: AttemptInput): Promise<AttemptResult> {
      let result: AttemptResult;
      try {
        result = await inner.attempt(input);
      } catch (error) {
        return fail(error);
      }
      const reply = spec.outputSchema.safeParse(result.output);
      if (!reply.success) return fail(new Error("the reply does not match the output schema"));
      return { output: spec.toSandboxOutput(reply.data), usage: result.usage };
    },
  };
}

/** Options of {@link modelErrorLine}. */
export interface ModelErrorLineOptions {
  /** The agent's name, dropped where the error message starts with it. */
  readonly agentName?: string;
  /** Values replaced with `[redacted]`. */
  readonly secrets?: readonly string[];
}

const maxLineLength = 300;

/**
 * A model error as one line: `gpt-4.1-mini (OpenAI): 401 Incorrect API key provided: sk-…`. LangChain's
 * troubleshooting link is dropped, the innermost cause of a network error (`connect ECONNREFUSED …`) is added,
 * secrets and anything shaped like an OpenAI key are removed, and the line is cut at 300 characters.
 *
 * @example
 * ```ts
 * modelErrorLine("llama3.1 (Ollama at http://localhost:11434/v1)", new Error("Connection error.", { cause: new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:11434") }) }));
 * // "llama3.1 (Ollama at http://localhost:11434/v1): Connection error. (connect ECONNREFUSED 127.0.0.1:11434)"
 * ```
 */
export function modelErrorLine(label: string, error: unknown, options: ModelErrorLineOptions = {}): string {
  const issues = schemaIssues(error);
  let text = issues ?? (error instanceof Error ? error.message : String(error));
  text = text.split(/\s*Troubleshooting URL:/)[0]!;
  if (options.agentName !== undefined && text.startsWith(`${options.agentName}: `)) text = text.slice(options.agentName.length + 2);
  text = text.replace(/\s+/g, " ").trim();
  if (text === "") text = error instanceof Error ? error.name : "unknown error";
  const cause = issues === undefined ? rootCause(error) : undefined;
  if (cause !== undefined && !text.includes(cause)) text += ` (${cause})`;
  for (const secret of options.secrets ?? []) if (secret.length >= 4) text = text.split(secret).join("[redacted]");
  text = text.replace(/\bsk-[A-Za-z0-9_*-]{3,}/g, "sk-…");
  if (text.length > maxLineLength) text = `${text.slice(0, maxLineLength - 1)}…`;
  return `${label}: ${text}`;
}

/**
 * A zod error from parsing the reply (ChatOpenAI's JSON-schema mode throws one, with its issues as a JSON dump
 * for a message) in words: `the reply does not match the output schema: mapping: Invalid input: …`.
 */
function schemaIssues(error: unknown): string | undefined {
  const issues = (error as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  const lines = issues.slice(0, 3).map((issue: { path?: unknown; message?: unknown }) => {
    const path = Array.isArray(issue.path) && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return `${path}${String(issue.message)}`;
  });
  return `the reply does not match the output schema: ${lines.join("; ")}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ""}`;
}

/**
 * The message of the innermost cause, when there is one: a network failure surfaces as "Connection error."
 * with the reason (`connect ECONNREFUSED 127.0.0.1:11434`, `getaddrinfo ENOTFOUND …`) two causes down.
 */
function rootCause(error: unknown): string | undefined {
  let message: string | undefined;
  let current = (error as { cause?: unknown } | null)?.cause;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.message.trim() !== "") message = current.message.replace(/\s+/g, " ").trim();
    current = current.cause;
  }
  return message;
}
