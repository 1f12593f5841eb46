// Reads JSON Lines one line at a time, in order, awaiting each line's handler before the next is read: what the
// long-lived and streaming commands (`route --learn`, `simulate --outcomes`) share.
import { createInterface } from "node:readline";
import { CliError, describeFsError, printProblems } from "./errors.js";
import type { TaskInput } from "./taskInput.js";

/** One problem of a line, for {@link forEachJsonLine}'s `bad`. */
export interface LineProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Calls `onValue` with each non-blank line's parsed JSON and its 1-based number (a byte order mark on the first line
 * is dropped). A line that is not JSON is reported as `NAME:LINE: invalid JSON: …` and counted; `onValue` reports its
 * own problems through `bad`, which prints them the same way. Returns how many lines were bad.
 */
export async function forEachJsonLine(
  input: TaskInput,
  what: string,
  onValue: (value: unknown, line: number, bad: (problems: readonly LineProblem[]) => void) => void | Promise<void>,
): Promise<number> {
  let invalid = 0;
  let lineNumber = 0;
  const bad = (problems: readonly LineProblem[]) => {
    invalid++;
    printProblems(
      problems.map((p) => ({ ...p, line: lineNumber })),
      input.name,
    );
  };
  const lines = createInterface({ input: input.stream, crlfDelay: Number.POSITIVE_INFINITY });
  const failed = new Promise<never>((_, reject) => {
    input.stream.once("error", (cause) => reject(new CliError(`${input.name}: cannot read ${what}: ${describeFsError(cause)}`, { cause })));
  });
  const loop = (async () => {
    for await (const raw of lines) {
      lineNumber++;
      const text = lineNumber === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        bad([{ path: "", message: `invalid JSON: ${(error as Error).message}` }]);
        continue;
      }
      await onValue(value, lineNumber, bad);
    }
  })();
  await Promise.race([loop, failed]);
  return invalid;
}
