// The input of a `code.fix-test` task: the function's current pipeline and the test cases of its suite.
import { z } from "zod";
import { pipelineSchema } from "./pipeline.js";

/** One test case: calling the function on `input` must return `expected`. */
export const testCaseSchema = z.strictObject({
  input: z.string(),
  expected: z.string(),
  /** A name shown in reports; the input is shown when it is missing. */
  name: z.string().min(1).optional(),
});

/** A test case. */
export type TestCase = z.infer<typeof testCaseSchema>;

/** The `input` of a `code.fix-test` task. */
export const fixTestInputSchema = z.strictObject({
  /** The function under test, for reports (`slugify`). */
  function: z.string().regex(/^[A-Za-z_$][\w$]*$/, { message: "must be a function name such as slugify" }).default("slugify"),
  /** The function's current implementation: a pipeline of steps. */
  pipeline: pipelineSchema,
  /** The test suite. */
  cases: z.array(testCaseSchema).min(1).max(500),
});

/** The input of a `code.fix-test` task. */
export type FixTestInput = z.infer<typeof fixTestInputSchema>;
