// Which chat model `convergent demo --llm` talks to, from the environment and `--model`: OpenAI with
// OPENAI_API_KEY, or Ollama's OpenAI-compatible endpoint with OLLAMA_BASE_URL. The key is kept here and in the
// model client only; nothing that prints a config prints it.
import { ConvergentError } from "@convergent/router";
import { z } from "zod";

/** The environment variables `demo --llm` reads. */
export const llmEnvVars = {
  openaiKey: "OPENAI_API_KEY",
  ollamaUrl: "OLLAMA_BASE_URL",
  model: "CONVERGENT_LLM_MODEL",
} as const;

/** Where the model runs. */
export type LlmProvider = "openai" | "ollama";

/** The model used when neither `--model` nor CONVERGENT_LLM_MODEL names one. */
export const defaultModels: Readonly<Record<LlmProvider, string>> = { openai: "gpt-4.1-mini", ollama: "llama3.1" };

/** Prices per million tokens, in USD (the sample policy's currency). */
export interface ModelPrices {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

/**
 * OpenAI's list prices (USD per million tokens, standard tier) for the models the demo knows; a dated snapshot
 * (`gpt-4.1-mini-2025-04-14`) is priced as its family. Other models run at a cost of 0, and the demo says so.
 */
export const knownModelPrices: Readonly<Record<string, ModelPrices>> = {
  "gpt-4.1": { inputPerMillion: 2, outputPerMillion: 8 },
  "gpt-4.1-mini": { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  "gpt-4.1-nano": { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  "gpt-4o": { inputPerMillion: 2.5, outputPerMillion: 10 },
  "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  "gpt-5": { inputPerMillion: 1.25, outputPerMillion: 10 },
  "gpt-5-mini": { inputPerMillion: 0.25, outputPerMillion: 2 },
  "gpt-5-nano": { inputPerMillion: 0.05, outputPerMillion: 0.4 },
  "o3-mini": { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  "o4-mini": { inputPerMillion: 1.1, outputPerMillion: 4.4 },
};

/** The chat model `demo --llm` uses. `apiKey` is a secret: never print a whole config. */
export interface LlmConfig {
  readonly provider: LlmProvider;
  readonly model: string;
  readonly apiKey: string;
  /** The OpenAI-compatible endpoint for Ollama (`http://localhost:11434/v1`); undefined for OpenAI itself. */
  readonly baseURL: string | undefined;
  /** Prices per million tokens, or undefined when none are known (the run's cost is then 0). */
  readonly prices: ModelPrices | undefined;
}

/** A function that builds the chat model for a config; the default builds `ChatOpenAI`, tests pass fakes. */
export type ChatModelFactory<M> = (config: LlmConfig) => M;

const unset = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());

const modelName = z
  .string()
  .min(1, { message: "must not be empty" })
  .max(200, { message: "must be at most 200 characters" })
  .regex(/^[^\s]+$/, { message: "must be a model name without spaces, such as gpt-4.1-mini or llama3.1" });

const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL such as http://localhost:11434" });

/** The environment as `demo --llm` reads it; empty values count as unset. */
export const llmEnvSchema = z.object({
  [llmEnvVars.openaiKey]: z.string().optional().transform(unset),
  [llmEnvVars.ollamaUrl]: z.string().optional().transform(unset).pipe(httpUrl.optional()),
  [llmEnvVars.model]: z.string().optional().transform(unset).pipe(modelName.optional()),
});

/** The prices of `model`: its own entry, or its family's for a dated snapshot (`gpt-4o-mini-2024-07-18`). */
export function pricesFor(model: string): ModelPrices | undefined {
  if (Object.hasOwn(knownModelPrices, model)) return knownModelPrices[model];
  const family = /^(.+?)-\d{4}-\d{2}-\d{2}$/.exec(model)?.[1];
  return family !== undefined && Object.hasOwn(knownModelPrices, family) ? knownModelPrices[family] : undefined;
}

/** Ollama's OpenAI-compatible endpoint under a base URL: `http://host:11434` → `http://host:11434/v1`. */
export function ollamaEndpoint(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, "");
  return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

/**
 * Resolves the model `demo --llm` uses: OPENAI_API_KEY → OpenAI (it wins when both are set), else
 * OLLAMA_BASE_URL → Ollama's OpenAI-compatible endpoint. The model comes from `--model`, then
 * CONVERGENT_LLM_MODEL, then {@link defaultModels}. Throws a ConvergentError (INVALID_INPUT) naming both
 * variables when neither is set, or naming the variable that is malformed — never its value when it is the key.
 *
 * @example
 * ```ts
 * resolveLlmConfig({ OLLAMA_BASE_URL: "http://localhost:11434" });
 * // { provider: "ollama", model: "llama3.1", apiKey: "ollama", baseURL: "http://localhost:11434/v1", prices: undefined }
 * ```
 */
export function resolveLlmConfig(env: Readonly<Record<string, string | undefined>>, model?: string): LlmConfig {
  const parsed = llmEnvSchema.safeParse({
    [llmEnvVars.openaiKey]: env[llmEnvVars.openaiKey],
    [llmEnvVars.ollamaUrl]: env[llmEnvVars.ollamaUrl],
    [llmEnvVars.model]: env[llmEnvVars.model],
  });
  if (!parsed.success) {
    // Report the variable and the rule it breaks; the value itself is never echoed.
    const issue = parsed.error.issues[0]!;
    throw new ConvergentError("INVALID_INPUT", `${String(issue.path[0])}: ${issue.message}`);
  }
  const vars = parsed.data;
  let chosen: string | undefined = vars[llmEnvVars.model];
  if (model !== undefined) {
    const checked = modelName.safeParse(model.trim());
    if (!checked.success) throw new ConvergentError("INVALID_INPUT", `--model: ${checked.error.issues[0]!.message}`);
    chosen = checked.data;
  }
  const key = vars[llmEnvVars.openaiKey];
  if (key !== undefined) {
    const name = chosen ?? defaultModels.openai;
    return { provider: "openai", model: name, apiKey: key, baseURL: undefined, prices: pricesFor(name) };
  }
  const ollama = vars[llmEnvVars.ollamaUrl];
  if (ollama !== undefined) {
    // Ollama ignores the key, but the OpenAI client insists on one.
    return { provider: "ollama", model: chosen ?? defaultModels.ollama, apiKey: "ollama", baseURL: ollamaEndpoint(ollama), prices: undefined };
  }
  throw new ConvergentError(
    "INVALID_INPUT",
    [
      `demo --llm needs a model: set ${llmEnvVars.openaiKey} (OpenAI, default model ${defaultModels.openai}) or ${llmEnvVars.ollamaUrl} (a local Ollama, e.g. http://localhost:11434, default model ${defaultModels.ollama}).`,
      `Choose the model with --model or ${llmEnvVars.model}; run without --llm for the program agents (no key needed).`,
    ].join("\n"),
  );
}

/** The model in words, without any secret: `gpt-4.1-mini (OpenAI)`, `llama3.1 (Ollama at http://localhost:11434/v1)`. */
export function modelLabel(config: LlmConfig): string {
  return config.provider === "openai" ? `${config.model} (OpenAI)` : `${config.model} (Ollama at ${withoutCredentials(config.baseURL ?? "")})`;
}

/** A URL without the user and password it may carry (`http://me:pw@host/v1` → `http://host/v1`). */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}
