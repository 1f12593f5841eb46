// What a chat model needs to work on one demo kind: instructions, the structured output it must give, and how
// that output becomes the data the kind's sandbox reads. The model's output is data from outside: it is checked
// against the schema and reshaped, never executed.
import type { JsonValue } from "@convergent/router";
import type { z } from "zod";

/** The system prompt's closing lines, shared by every kind. */
export const sharedInstructions = [
  "Each attempt, return the whole result (not a change to the previous one) through the structured output, and say in `change` what you changed and why, in one sentence.",
  "From the second attempt on you get your previous output and the sandbox's feedback: fix every problem it names and keep what already passes.",
  "Your output is data that the sandbox interprets with its own code; it is never run as code.",
].join("\n");

/**
 * One kind's specification for a chat-model agent.
 *
 * @example
 * ```ts
 * const agent = agentFromChatModel(model, { name: spec.agentName, kinds: [spec.kind], instructions: spec.instructions, outputSchema: spec.outputSchema });
 * ```
 */
export interface LlmTaskSpec<S extends z.ZodType = z.ZodType> {
  /** The task kind. */
  readonly kind: string;
  /** The agent's name in journals and logs. */
  readonly agentName: string;
  /** The name of the structured-output tool the model is asked to call. */
  readonly outputName: string;
  /** The system prompt. */
  readonly instructions: string;
  /**
   * The structured output asked of the model. Kept to what strict JSON-schema modes accept: every property
   * required, nullable instead of optional, no records, no numeric or length bounds (the sandbox checks those).
   */
  readonly outputSchema: S;
  /** Turns a reply that matches {@link outputSchema} into the output the kind's sandbox reads. */
  toSandboxOutput(reply: z.infer<S>): JsonValue;
}

/** Declares a spec with its schema's type kept (a helper so that `toSandboxOutput` is typed). */
export function defineLlmTaskSpec<S extends z.ZodType>(spec: LlmTaskSpec<S>): LlmTaskSpec<S> {
  return spec;
}
