// Reading a task's `input` (and an agent's output) with a zod schema, and saying exactly which field is wrong.
import { type Task, problemsFromZod } from "@convergent/router";
import type { z } from "zod";

/** The first few problems of a failed parse as `path: message` lines, paths prefixed with `root`. */
export function describeProblems(error: z.ZodError, root: string, max = 3): string {
  const problems = problemsFromZod(error.issues);
  const lines = problems.slice(0, max).map((p) => `${p.path === "" ? root : `${root}.${p.path}`}: ${p.message}`);
  if (problems.length > max) lines.push(`(and ${problems.length - max} more)`);
  return lines.join("; ");
}

/**
 * Parses `task.input` with `schema`, or throws an Error that names the task, its kind and the wrong field
 * (`code.fix-test task t-1: input.cases[2].expected: expected a string, received 3`).
 *
 * @example
 * ```ts
 * const input = parseTaskInput(fixTestInputSchema, task);
 * ```
 */
export function parseTaskInput<S extends z.ZodType>(schema: S, task: Task): z.infer<S> {
  const parsed = schema.safeParse(task.input, { reportInput: true });
  if (!parsed.success) throw new Error(`${task.kind} task ${task.id}: ${describeProblems(parsed.error, "input")}`);
  return parsed.data;
}

/** Parses an agent's output with `schema`: the data, or the problem in words (`output.bids[2]: …`). */
export function parseOutput<S extends z.ZodType>(schema: S, output: unknown): { ok: true; value: z.infer<S> } | { ok: false; problem: string } {
  const parsed = schema.safeParse(output, { reportInput: true });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: describeProblems(parsed.error, "output") };
}
