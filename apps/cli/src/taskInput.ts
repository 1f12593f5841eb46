// Reading tasks from a file or stdin: JSON Lines streamed line by line, or one JSON document (a task or an array).
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { type InputProblem, type Task, type TaskCheck, checkTask } from "@convergent/router";
import { CliError, describeFsError } from "./errors.js";

/** One task read from the input, or the problems that kept a line from being one. */
export type TaskItem =
  | { readonly ok: true; readonly task: Task; readonly line: number | undefined }
  | { readonly ok: false; readonly problems: readonly InputProblem[]; readonly line: number | undefined };

/** An opened source of tasks. */
export interface TaskInput {
  /** The name used in messages: the path as given, or `stdin`. */
  readonly name: string;
  /** The bytes to read. */
  readonly stream: Readable;
  /** Size in bytes when known (a regular file), for progress bars. */
  readonly size: number | undefined;
  /** Bytes read so far (0 when unknown). */
  bytesRead(): number;
}

/** What {@link readTasks} saw. */
export interface TaskReadSummary {
  /** Valid tasks handed on. */
  readonly tasks: number;
  /** Lines (or array elements) that were not valid tasks. */
  readonly invalid: number;
}

/**
 * Opens a task file, or stdin for `-` or no path. A missing or unreadable file is a {@link CliError}
 * (`tasks.jsonl: cannot read tasks: no such file`).
 */
export async function openTaskInput(path: string | undefined): Promise<TaskInput> {
  if (path === undefined || path === "-") {
    if (process.stdin.isTTY) process.stderr.write("convergent: reading tasks from stdin (JSON or JSON Lines; end with Ctrl-D)\n");
    return { name: "stdin", stream: process.stdin, size: undefined, bytesRead: () => 0 };
  }
  let size: number | undefined;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    size = info.isFile() ? info.size : undefined;
  } catch (cause) {
    throw new CliError(`${path}: cannot read tasks: ${describeFsError(cause)}`, { cause });
  }
  const stream = createReadStream(path);
  return { name: path, stream, size, bytesRead: () => stream.bytesRead };
}

/** A pretty-printed document larger than this is not held in memory: it is read as JSON Lines instead. */
const documentLimit = 64 * 1024 * 1024;

interface Buffered {
  readonly text: string;
  readonly line: number;
}

/**
 * Reads tasks and calls `onItem` for each one, in input order, without holding the input in memory.
 *
 * The first non-blank line decides the format: when it is a complete JSON value the input is JSON Lines
 * (a line holding an array contributes each element); otherwise it opens a multi-line JSON document —
 * one task, or an array of tasks — which is parsed whole at the end. Problems carry the line they are
 * on (JSON Lines) or the element's path (`[2].signals.ruleClosure`).
 */
export async function readTasks(input: TaskInput, onItem: (item: TaskItem) => void): Promise<TaskReadSummary> {
  let tasks = 0;
  let invalid = 0;
  let lineNumber = 0;
  let mode: "unknown" | "lines" | "document" = "unknown";
  let documentLines: Buffered[] = [];
  let documentSize = 0;

  const emit = (check: TaskCheck, line: number | undefined, prefix: string): void => {
    if (check.ok) {
      tasks++;
      onItem({ ok: true, task: check.task, line });
    } else {
      invalid++;
      const problems = prefix === "" ? check.problems : check.problems.map((p) => ({ ...p, path: joinPath(prefix, p.path) }));
      onItem({ ok: false, problems, line });
    }
  };

  const emitValue = (value: unknown, line: number | undefined): void => {
    if (Array.isArray(value)) {
      value.forEach((element, i) => emit(checkTask(element, line === undefined ? {} : { line }), line, `[${i}]`));
    } else {
      emit(checkTask(value, line === undefined ? {} : { line }), line, "");
    }
  };

  const badJson = (message: string, line: number | undefined): void => {
    invalid++;
    const problem: InputProblem = line === undefined ? { path: "", message: `invalid JSON: ${message}` } : { path: "", message: `invalid JSON: ${message}`, line };
    onItem({ ok: false, problems: [problem], line });
  };

  const handleLine = (text: string, line: number): void => {
    if (text.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      badJson((error as Error).message, line);
      return;
    }
    emitValue(value, line);
  };

  const replayAsLines = (): void => {
    mode = "lines";
    const lines = documentLines;
    documentLines = [];
    documentSize = 0;
    for (const b of lines) handleLine(b.text, b.line);
  };

  const onLine = (line: string): void => {
    lineNumber++;
    // Editors on Windows may start a file with a byte order mark, which JSON.parse rejects.
    const text = lineNumber === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
    if (mode === "lines") {
      handleLine(text, lineNumber);
      return;
    }
    if (mode === "document") {
      documentLines.push({ text, line: lineNumber });
      documentSize += text.length + 1;
      if (documentSize > documentLimit) replayAsLines();
      return;
    }
    const trimmed = text.trim();
    if (trimmed === "") return;
    if (parses(trimmed) || looksLikeOneRecord(trimmed)) {
      mode = "lines";
      handleLine(text, lineNumber);
    } else {
      mode = "document";
      documentLines.push({ text, line: lineNumber });
      documentSize = text.length + 1;
    }
  };

  const endDocument = (): void => {
    if (mode !== "document" || documentLines.length === 0) return;
    const first = documentLines[0]!.line;
    const text = documentLines.map((b) => b.text).join("\n");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      // A JSON Lines file whose first line is broken: report line by line instead of as one document.
      if (documentLines.slice(1).some((b) => looksLikeOneRecord(b.text.trim()) && parses(b.text))) {
        replayAsLines();
        return;
      }
      const message = (error as Error).message;
      badJson(message, lineOfError(text, message, first));
      return;
    }
    emitValue(value, undefined);
  };

  const lines = createInterface({ input: input.stream, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on("line", onLine);
  await new Promise<void>((resolve, reject) => {
    input.stream.once("error", (cause) => {
      lines.close();
      reject(new CliError(`${input.name}: cannot read tasks: ${describeFsError(cause)}`, { cause }));
    });
    lines.once("close", resolve);
  });
  endDocument();
  return { tasks, invalid };
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A line that opens and closes an object (or array) on its own: a JSON Lines record, even if broken inside. */
function looksLikeOneRecord(trimmed: string): boolean {
  return (trimmed.startsWith("{") && trimmed.endsWith("}")) || (trimmed.startsWith("[") && trimmed.endsWith("]"));
}

function joinPath(prefix: string, path: string): string {
  if (path === "") return prefix;
  return path.startsWith("[") ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** The line of a JSON syntax error in a document that starts on line `first`, when the message gives a position. */
function lineOfError(text: string, message: string, first: number): number {
  const match = /at position (\d+)/.exec(message);
  if (match === null) return first;
  const position = Number(match[1]);
  let line = first;
  for (let i = 0; i < position && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
