// The `code.fix-test` sandbox: a real test suite. It runs the proposed pipeline with our interpreter on every
// case of the task's suite; the error is the number of failing cases, the feedback names the first ones.
import type { Sandbox, Verdict } from "@convergent/runtime";
import { z } from "zod";
import { parseOutput, parseTaskInput } from "../shared/input.js";
import { fixTestInputSchema } from "./input.js";
import { pipelineLabel, pipelineSchema, runPipeline } from "./pipeline.js";
import { formatFailure } from "./report.js";

/** What the sandbox reads from an attempt's output (other fields, such as the agent's notes, are ignored). */
export const fixTestOutputSchema = z.object({ pipeline: pipelineSchema });

/** Options of {@link createTestSuiteSandbox}. */
export interface TestSuiteSandboxOptions {
  readonly name?: string;
  readonly kinds?: readonly string[];
  /** Failing cases named in the feedback (5 by default). */
  readonly shownFailures?: number;
}

/**
 * Creates the test-suite sandbox for `code.fix-test`: error = failing cases, 0 exactly when every case passes.
 * An output that is not a valid pipeline fails every case (like code that does not compile) and says why.
 *
 * @example
 * ```ts
 * const suite = createTestSuiteSandbox();
 * await suite.verify({ task, attempt: 1, output: { pipeline: [{ op: "lowercase" }] }, idempotencyKey: "k" });
 * // { passed: false, error: 3, feedback: "3 of 5 cases fail …" }
 * ```
 */
export function createTestSuiteSandbox(options: TestSuiteSandboxOptions = {}): Sandbox {
  const shown = options.shownFailures ?? 5;
  return {
    name: options.name ?? "test-suite",
    kinds: options.kinds ?? ["code.fix-test"],
    closure: 0.9,
    async verify({ task, output }): Promise<Verdict> {
      const input = parseTaskInput(fixTestInputSchema, task);
      const total = input.cases.length;
      const read = parseOutput(fixTestOutputSchema, output);
      if (!read.ok) {
        return { passed: false, error: total, feedback: `${read.problem}\nThe pipeline does not run, so all ${total} cases fail.` };
      }
      const pipeline = read.value.pipeline;
      const failures = input.cases
        .map((c) => ({ input: c.input, expected: c.expected, actual: runPipeline(pipeline, c.input) }))
        .filter((r) => r.actual !== r.expected);
      if (failures.length === 0) return { passed: true, error: 0, feedback: `All ${total} cases pass (${pipelineLabel(pipeline)}).` };
      const lines = [`${failures.length} of ${total} cases fail (pipeline: ${pipelineLabel(pipeline)}).`];
      for (const f of failures.slice(0, shown)) lines.push(formatFailure(input.function, f));
      if (failures.length > shown) lines.push(`… and ${failures.length - shown} more failing case${failures.length - shown === 1 ? "" : "s"}.`);
      return { passed: false, error: failures.length, feedback: lines.join("\n") };
    },
  };
}
