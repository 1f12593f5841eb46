// Child processes for the multi-process tests: a node script's stdout read line by line, and its exit.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** A child process and its stdout, line by line. */
export interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Every stdout line so far. */
  readonly seen: readonly string[];
  /** Resolves with the first stdout line that `match` accepts; rejects if the child exits first. */
  line(match: (line: string) => boolean): Promise<string>;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
}

/** Starts `node script ...args`. */
export function startChild(script: string, args: readonly string[]): Child {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  const waiting: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  const seen: string[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
    seen.push(line);
    for (const w of [...waiting]) {
      if (w.match(line)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    process: child,
    seen,
    exited,
    stderr: () => stderr,
    line: (match) =>
      new Promise<string>((resolve, reject) => {
        const found = seen.find(match);
        if (found !== undefined) return resolve(found);
        waiting.push({ match, resolve });
        void exited.then((code) =>
          reject(new Error(`child ${script} ${args.join(" ")} exited (${code}) before the expected line; stdout:\n${seen.join("\n")}\nstderr:\n${stderr}`)),
        );
      }),
  };
}
