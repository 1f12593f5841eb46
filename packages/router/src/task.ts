// Parsing tasks at the edges: one JSON value, or a line of JSON Lines, into a validated Task.
import { ConvergentError, type InputProblem, formatProblem } from "./errors.js";
import { problemsFromZod } from "./problems.js";
import { type Task, taskSchema } from "./taskSchema.js";

/** Where a task came from, for error messages (`tasks.jsonl:12`). */
export interface TaskSource {
  readonly source?: string;
  readonly line?: number;
}

/** The result of checking one task: the task, or every problem with it. */
export type TaskCheck = { readonly ok: true; readonly task: Task } | { readonly ok: false; readonly problems: readonly InputProblem[] };

/** Validates a parsed JSON value as a task without throwing. */
export function checkTask(value: unknown, where: TaskSource = {}): TaskCheck {
  // Valid tasks take zod's fast path; only an invalid one is parsed again to quote the bad values.
  const fast = taskSchema.safeParse(value);
  if (fast.success) return { ok: true, task: fast.data };
  const result = taskSchema.safeParse(value, { reportInput: true });
  if (result.success) return { ok: true, task: result.data };
  const problems = problemsFromZod(result.error.issues).map((p) => (where.line === undefined ? p : { ...p, line: where.line }));
  return { ok: false, problems };
}

/**
 * Validates a parsed JSON value as a task; throws `INVALID_TASK` naming every problem
 * (`tasks.jsonl:12: signals.ruleClosure: must be ≤ 1`).
 */
export function parseTask(value: unknown, where: TaskSource = {}): Task {
  const check = checkTask(value, where);
  if (check.ok) return check.task;
  throw invalidTask(check.problems, where.source);
}

/** Parses one line of JSON Lines (or a whole JSON document) as a task without throwing. */
export function checkTaskText(text: string, where: TaskSource = {}): TaskCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const message = `invalid JSON: ${(cause as Error).message}`;
    return { ok: false, problems: [where.line === undefined ? { path: "", message } : { path: "", message, line: where.line }] };
  }
  return checkTask(value, where);
}

function invalidTask(problems: readonly InputProblem[], source: string | undefined): ConvergentError {
  const lines = problems.map((p) => formatProblem(p, source ?? (p.line === undefined ? "task" : "tasks")));
  return new ConvergentError("INVALID_TASK", lines.join("\n"), source === undefined ? { problems } : { problems, source });
}
