// `code.fix-test` for a chat model: it proposes the whole slugify pipeline as data — steps from the fixed
// vocabulary — and the test suite runs it with our interpreter.
import { z } from "zod";
import { defineLlmTaskSpec, sharedInstructions } from "../llm/spec.js";
import { type Step, stepDescriptions, stepOps } from "./pipeline.js";

/** The structured output asked of the model: `n` is null except on `max-length` (strict schemas have no optional fields). */
export const fixTestLlmOutputSchema = z
  .object({
    pipeline: z
      .array(
        z.object({
          op: z.enum(stepOps).describe("the step"),
          n: z.number().nullable().describe("for max-length: the maximum length, a whole number; null for every other step"),
        }),
      )
      .describe("the function's steps, run in order on the input string"),
    change: z.string().describe("what changed since the previous attempt and why, in one sentence"),
  })
  .describe("The repaired slugify function as a pipeline of steps");

/** The spec of the chat-model agent for `code.fix-test`. */
export const fixTestLlmSpec = defineLlmTaskSpec({
  kind: "code.fix-test",
  agentName: "llm-slug-repair",
  outputName: "slug_pipeline",
  instructions: [
    "You repair a function written as a pipeline of steps from a fixed vocabulary, so that it passes its test suite.",
    "The task's input has the function's current pipeline and the suite's cases (input → expected output); the sandbox runs your pipeline on every case and reports each failing one as ✗ fn(\"input\") → expected \"…\", got \"…\".",
    "The steps, run in order on the input string:",
    ...stepOps.map((op) => `- ${op}: ${stepDescriptions[op]}${op === "max-length" ? " (give n)" : ""}`),
    sharedInstructions,
  ].join("\n"),
  outputSchema: fixTestLlmOutputSchema,
  toSandboxOutput: (reply) => ({
    // `n` is dropped where it is null; a non-null `n` on another step is kept so the suite reports it.
    pipeline: reply.pipeline.map((s) => (s.n === null ? { op: s.op } : { op: s.op, n: s.n }) as Step),
    change: reply.change,
  }),
});
