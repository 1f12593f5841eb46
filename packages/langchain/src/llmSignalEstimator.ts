// A SignalEstimator that asks a chat model, with structured output, for the signals a task leaves out.
import { type SignalEstimate, type SignalEstimator, type SignalName, type Task, canonicalJson } from "@convergent/router";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { estimateSchemaFor } from "./signalEstimateSchema.js";

/** Why the estimator gave up on a task: the router then applies its conservative defaults. */
export interface EstimatorFallback {
  readonly task: Task;
  readonly missing: readonly SignalName[];
  /** What was wrong with each of the (two) replies, or the model's error. */
  readonly reason: string;
}

/** Options of {@link llmSignalEstimator}. */
export interface LlmSignalEstimatorOptions {
  /** Named in decisions as the source of estimated values; `"llm"` when left out. */
  readonly name?: string;
  /** How many tasks' estimates are kept; 256 when left out. The oldest is dropped first. */
  readonly cacheSize?: number;
  /** Extra instructions appended to the system prompt (e.g. what the organisation's tasks are like). */
  readonly instructions?: string;
  /** Called when a task falls back to the defaults, with the reason. */
  readonly onFallback?: (fallback: EstimatorFallback) => void;
}

const systemPrompt = [
  "You estimate how convergent a task is for an autonomous agent, from its text.",
  "For each signal asked, give a value and a one-sentence reason:",
  "- feedbackLatencySec: seconds until an action's correctness becomes known (null if never);",
  "- ruleClosure: share 0..1 of success that is explicit, fixed and machine-checkable;",
  "- driftHalfLifeSec: seconds until half of what is known stops being true (null if no drift);",
  "- horizonSec: how long the task may run, in seconds (> 0).",
  "When unsure, be conservative: slower feedback, lower closure.",
].join("\n");

/**
 * A {@link SignalEstimator} backed by a chat model's structured output. It asks only for the missing
 * signals, caches by task content (the id is left out, so resubmitting a task does not ask again), and
 * never throws: a malformed reply is retried once, then it returns `{}` — nothing estimated, so the
 * router's conservative defaults apply — and reports why through `onFallback`.
 *
 * @example
 * ```ts
 * const router = createRouter({ policy, estimator: llmSignalEstimator(model, { onFallback: (f) => log.warn(f.reason) }) });
 * const decision = await router.decideAsync(task); // estimated signals carry source "estimated"
 * ```
 */
export function llmSignalEstimator(model: BaseChatModel, options: LlmSignalEstimatorOptions = {}): SignalEstimator {
  const cacheSize = Math.max(1, options.cacheSize ?? 256);
  const cache = new Map<string, SignalEstimate>();

  return {
    name: options.name ?? "llm",
    async estimate(task, missing) {
      if (missing.length === 0) return {};
      const { id: _id, ...content } = task;
      const key = canonicalJson({ content, missing: [...missing].sort() });
      const hit = cache.get(key);
      if (hit !== undefined) return hit;

      const schema = estimateSchemaFor(missing);
      const structured = model.withStructuredOutput(schema, { includeRaw: true, name: "signal_estimate" });
      const system = options.instructions === undefined ? systemPrompt : `${systemPrompt}\n\n${options.instructions}`;
      const messages = [
        new SystemMessage(system),
        new HumanMessage(`Signals to estimate: ${missing.join(", ")}\n\nTask (JSON):\n${JSON.stringify(content, null, 2)}`),
      ];

      const problems: string[] = [];
      for (let round = 1; round <= 2; round++) {
        try {
          const { parsed } = await structured.invoke(messages);
          // LangChain's includeRaw pipeline yields parsed: null when the reply had no usable tool call.
          if (parsed === null || parsed === undefined) {
            problems.push(`reply ${round}: no structured output`);
            continue;
          }
          const checked = schema.safeParse(parsed);
          if (!checked.success) {
            problems.push(`reply ${round}: ${checked.error.issues.map((i) => `${i.path.join(".") || "reply"}: ${i.message}`).join("; ")}`);
            continue;
          }
          const estimate = checked.data as SignalEstimate;
          cache.set(key, estimate);
          if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
          return estimate;
        } catch (error) {
          problems.push(`reply ${round}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const reason = `${options.name ?? "llm"} estimator fell back to the policy's defaults for ${missing.join(", ")}: ${problems.join(" | ")}`;
      try {
        options.onFallback?.({ task, missing, reason });
      } catch {
        // A failing callback must not turn a fallback into a crash of the router.
      }
      return {};
    },
  };
}
