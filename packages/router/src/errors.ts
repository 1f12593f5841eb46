// The one error class of Convergent: a closed set of codes, the problems found, and a cause.

/** Every code a {@link ConvergentError} may carry. */
export const convergentErrorCodes = [
  "INVALID_TASK",
  "INVALID_POLICY",
  "INVALID_DECISION",
  "INVALID_CALIBRATION",
  "INVALID_INPUT",
  "INVALID_ANSWER",
  "NOT_FOUND",
  "CONFLICT",
  "FORBIDDEN",
  "INTERNAL",
] as const;

/** A code that says what kind of failure a {@link ConvergentError} is. */
export type ConvergentErrorCode = (typeof convergentErrorCodes)[number];

/** One problem found in an input: where it is (`rules[2].when.kind`) and what is wrong. */
export interface InputProblem {
  /** Dotted path with `[i]` for array indexes; empty for the whole input. */
  readonly path: string;
  /** What is wrong, in words: `expected a number, received "high"`. */
  readonly message: string;
  /** 1-based line in the source file, when it is known. */
  readonly line?: number;
}

/**
 * The error every Convergent package throws on purpose.
 *
 * `problems` lists every problem found in an input, so a caller can print them all as
 * `file: path: message` lines instead of stopping at the first.
 *
 * @example
 * ```ts
 * try { parsePolicy(text, { source: "policy.yaml" }); }
 * catch (error) {
 *   if (isConvergentError(error)) console.error(error.message); // policy.yaml: rules[0].route: ...
 * }
 * ```
 */
export class ConvergentError extends Error {
  /** The failure's code. */
  readonly code: ConvergentErrorCode;
  /** Every problem found, when the error is about an input. */
  readonly problems: readonly InputProblem[];
  /** Where the input came from (a file name, `stdin`), when known. */
  readonly source: string | undefined;

  constructor(
    code: ConvergentErrorCode,
    message: string,
    options?: { cause?: unknown; problems?: readonly InputProblem[]; source?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.problems = options?.problems ?? [];
    this.source = options?.source;
  }
}

/** True when `value` is a {@link ConvergentError} (also across copies of this package). */
export function isConvergentError(value: unknown): value is ConvergentError {
  return (
    value instanceof ConvergentError ||
    (value instanceof Error &&
      value.name === "ConvergentError" &&
      typeof (value as { code?: unknown }).code === "string")
  );
}

/** Formats one problem as `source:line: path: message` (parts that are unknown are left out). */
export function formatProblem(problem: InputProblem, source?: string): string {
  const where = source === undefined ? "" : problem.line === undefined ? `${source}: ` : `${source}:${problem.line}: `;
  const path = problem.path === "" ? "" : `${problem.path}: `;
  return `${where}${path}${problem.message}`;
}
