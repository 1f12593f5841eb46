// How the CLI fails: expected failures carry an exit code and a message; everything else is an internal error.
import { CommanderError } from "commander";
import { type InputProblem, formatProblem, isConvergentError } from "@convergent/router";

/** Exit codes of DESIGN.md §7: 0 ok, 1 invalid input or a failed check, 2 usage error. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * An expected failure of a command (a missing file, a file that would be overwritten): its message is
 * printed as is, without a stack trace, and the process exits with `exitCode`.
 */
export class CliError extends Error {
  /** 1 for invalid input or a failed check, 2 for a usage error. */
  readonly exitCode: number;

  constructor(message: string, options: { readonly exitCode?: number; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? exitCodes.failed;
  }
}

/** Why a file could not be read, in words (`no such file`, `is a directory`). */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "is a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOTDIR":
      return "a parent is not a directory";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The lines to print for an error. A ConvergentError about an input prints one `file:line: path: message`
 * line per problem; other expected failures print `convergent: message`.
 */
export function errorLines(error: unknown): string[] {
  if (isConvergentError(error)) {
    // Problems of a file or stream print as FILE:LINE: path: message; other errors carry their context in the message.
    if (error.problems.length > 0 && error.source !== undefined) {
      const source = error.source ?? "input";
      const lines = error.problems.map((p) => formatProblem(p, source));
      const n = error.problems.length;
      const what = error.code === "INVALID_POLICY" ? "policy" : error.code === "INVALID_TASK" ? "task" : "input";
      lines.push(`convergent: ${source} is not a valid ${what} (${n} problem${n === 1 ? "" : "s"})`);
      return lines;
    }
    return error.message.split("\n").map((line, i) => (i === 0 ? `convergent: ${line}` : `  ${line}`));
  }
  if (error instanceof CliError) return error.message.split("\n").map((line) => `convergent: ${line}`);
  return [`convergent: internal error: ${error instanceof Error ? error.message : String(error)}`];
}

/**
 * Prints an error to stderr and returns the exit code for it. Commander has printed its own usage
 * errors already; `--help` and `--version` end as CommanderErrors with exit code 0.
 */
export function reportError(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
  const lines = errorLines(error);
  const expected = isConvergentError(error) || error instanceof CliError;
  if (!expected) {
    const debug = process.env["CONVERGENT_DEBUG"] === "1";
    if (debug && error instanceof Error && error.stack !== undefined) lines.push(error.stack);
    else if (!debug) lines.push("convergent: set CONVERGENT_DEBUG=1 to see the stack trace");
  }
  stderr.write(`${lines.join("\n")}\n`);
  return error instanceof CliError ? error.exitCode : exitCodes.failed;
}

/** Prints problems of an input as `FILE:LINE: path: message` lines on stderr. */
export function printProblems(problems: readonly InputProblem[], source: string): void {
  process.stderr.write(`${problems.map((p) => formatProblem(p, source)).join("\n")}\n`);
}
