// A slugify function as data: a pipeline of steps from a fixed vocabulary, and our interpreter for it.
// Agents propose pipelines; only this file turns one into behaviour — no agent text ever becomes code.
import { z } from "zod";

/** The steps without parameters, in the order they are listed to people. */
export const simpleStepOps = [
  "trim",
  "lowercase",
  "strip-diacritics",
  "replace-whitespace-with-dash",
  "strip-non-alnum-except-dash",
  "collapse-dashes",
  "trim-dashes",
] as const;

/** A step without parameters. */
export type SimpleStepOp = (typeof simpleStepOps)[number];

/** Every step name of the vocabulary. */
export const stepOps = [...simpleStepOps, "max-length"] as const;

/** A step name. */
export type StepOp = (typeof stepOps)[number];

/** One step of a pipeline: `{ op: "trim" }`, or `{ op: "max-length", n: 40 }`. */
export const stepSchema = z.discriminatedUnion("op", [
  z.strictObject({ op: z.enum(simpleStepOps) }),
  z.strictObject({ op: z.literal("max-length"), n: z.number().int().min(1).max(1000) }),
]);

/** One step of a pipeline. */
export type Step = z.infer<typeof stepSchema>;

/** A pipeline: the steps run in order on the input string. */
export const pipelineSchema = z.array(stepSchema).max(32);

/** A pipeline. */
export type Pipeline = readonly Step[];

/** What each step does, in words (for feedback, docs and the agent's explanations). */
export const stepDescriptions: Readonly<Record<StepOp, string>> = {
  trim: "remove leading and trailing whitespace",
  lowercase: "lower-case every letter",
  "strip-diacritics": "turn accented letters into plain ones (é → e)",
  "replace-whitespace-with-dash": "replace each run of whitespace with one dash",
  "strip-non-alnum-except-dash": "remove every character that is not an ASCII letter, digit or dash",
  "collapse-dashes": "collapse runs of dashes into one",
  "trim-dashes": "remove leading and trailing dashes",
  "max-length": "cut the string to at most n characters",
};

/** Runs one step on a string. */
export function runStep(step: Step, value: string): string {
  switch (step.op) {
    case "trim":
      return value.trim();
    case "lowercase":
      return value.toLowerCase();
    case "strip-diacritics":
      return value.normalize("NFKD").replace(/\p{M}+/gu, "");
    case "replace-whitespace-with-dash":
      return value.replace(/\s+/g, "-");
    case "strip-non-alnum-except-dash":
      return value.replace(/[^A-Za-z0-9-]+/g, "");
    case "collapse-dashes":
      return value.replace(/-{2,}/g, "-");
    case "trim-dashes":
      return value.replace(/^-+|-+$/g, "");
    case "max-length":
      return value.slice(0, step.n);
  }
}

/**
 * Runs a pipeline on a string with our interpreter.
 *
 * @example
 * ```ts
 * runPipeline([{ op: "trim" }, { op: "lowercase" }, { op: "replace-whitespace-with-dash" }], "  Hello World ");
 * // "hello-world"
 * ```
 */
export function runPipeline(pipeline: Pipeline, value: string): string {
  let out = value;
  for (const step of pipeline) out = runStep(step, out);
  return out;
}

/** A step in words: `trim`, `max-length 40`. */
export function stepLabel(step: Step): string {
  return step.op === "max-length" ? `max-length ${step.n}` : step.op;
}

/** A pipeline in words: `trim → lowercase → max-length 40`. */
export function pipelineLabel(pipeline: Pipeline): string {
  return pipeline.length === 0 ? "(no steps)" : pipeline.map(stepLabel).join(" → ");
}
