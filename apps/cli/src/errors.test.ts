// reportError: what the CLI prints for each kind of failure, and the exit code it returns.
import { PassThrough } from "node:stream";
import { CommanderError } from "commander";
import { ConvergentError } from "@convergent/router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CliError, reportError } from "./errors.js";

function capture(error: unknown): { code: number; text: string } {
  const stream = new PassThrough();
  const code = reportError(error, stream);
  return { code, text: String(stream.read() ?? "") };
}

afterEach(() => vi.unstubAllEnvs());

describe("reportError", () => {
  it("prints an unexpected error as an internal error without its stack, exit 1", () => {
    vi.stubEnv("CONVERGENT_DEBUG", "");
    const { code, text } = capture(new TypeError("boom"));
    expect(code).toBe(1);
    expect(text).toBe("convergent: internal error: boom\nconvergent: set CONVERGENT_DEBUG=1 to see the stack trace\n");
  });

  it("adds the stack when CONVERGENT_DEBUG=1", () => {
    vi.stubEnv("CONVERGENT_DEBUG", "1");
    const { text } = capture(new TypeError("boom"));
    expect(text).toMatch(/^convergent: internal error: boom\nTypeError: boom\n\s+at /);
  });

  it("prints a ConvergentError's problems as file:line: path: message lines, exit 1", () => {
    const error = new ConvergentError("INVALID_POLICY", "Invalid policy", {
      source: "p.yaml",
      problems: [
        { path: "rules[0].route", message: "expected one of ...", line: 4 },
        { path: "", message: "invalid YAML: bad" },
      ],
    });
    expect(capture(error)).toEqual({
      code: 1,
      text: "p.yaml:4: rules[0].route: expected one of ...\np.yaml: invalid YAML: bad\nconvergent: p.yaml is not a valid policy (2 problems)\n",
    });
  });

  it("prints an expected failure's message with its exit code", () => {
    expect(capture(new CliError("x.yaml already exists"))).toEqual({ code: 1, text: "convergent: x.yaml already exists\n" });
    expect(capture(new CliError("bad usage", { exitCode: 2 })).code).toBe(2);
  });

  it("maps commander's usage errors to 2 and --help/--version to 0, printing nothing more", () => {
    expect(capture(new CommanderError(1, "commander.unknownCommand", "unknown command"))).toEqual({ code: 2, text: "" });
    expect(capture(new CommanderError(0, "commander.helpDisplayed", "(outputHelp)"))).toEqual({ code: 0, text: "" });
  });
});
