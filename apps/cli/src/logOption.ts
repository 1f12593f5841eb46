// The `--log-format` option of the runtime commands: the runtime's events on stderr, as pino JSON lines or pretty.
import { Option } from "commander";
import { createPinoLogger } from "@convergent/pino";
import type { Logger } from "@convergent/runtime";

/** How the runtime's events are written to stderr. */
export type LogFormat = "json" | "pretty" | "auto";

/** The `--log-format` option (no logging when it is left out). */
export function logFormatOption(): Option {
  return new Option(
    "--log-format <format>",
    "write the runtime's events to stderr: pino JSON lines (json), readable lines (pretty), or pretty on a terminal and JSON otherwise (auto)",
  ).choices(["json", "pretty", "auto"]);
}

/** A logger for `--log-format`, or undefined when it was not given. */
export function loggerFor(format: LogFormat | undefined): Logger | undefined {
  if (format === undefined) return undefined;
  const resolved = format === "auto" ? (process.stderr.isTTY ? "pretty" : "json") : format;
  return createPinoLogger({ destination: 2, format: resolved, base: {} });
}
