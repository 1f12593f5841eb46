// Usage errors exit 2 and --help/--version exit 0, run as the built binary.
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

describe("convergent usage", () => {
  it("exits 2 on an unknown command", () => {
    const run = cli(["frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("convergent: unknown command 'frobnicate'");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on an unknown option", () => {
    const run = cli(["route", "--frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("convergent: unknown option '--frobnicate'");
  });

  it("exits 2 when simulate has neither --tasks nor --outcomes, or both", () => {
    for (const args of [["simulate"], ["simulate", "--tasks", "a.jsonl", "--outcomes", "b.jsonl"]]) {
      const run = cli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("simulate needs either --tasks FILE (replay tasks) or --outcomes FILE (evaluate on a log of runs), not both");
    }
  });

  it("exits 2 on a number option that is not a number, naming the option", () => {
    const run = cli(["simulate", "--tasks", "tasks.jsonl", "--max-changed", "abc"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("option '--max-changed <n>' argument 'abc' is invalid");
  });

  it("exits 2 on a benchmark that does not exist", () => {
    const run = cli(["bench", "quantum"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Allowed choices are router, runtime, quality.");
  });

  it("exits 0 with --help and --version", () => {
    const help = cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: convergent");
    for (const command of ["demo", "route", "policy", "schema", "simulate", "bench"]) expect(help.stdout).toMatch(new RegExp(`\\n  ${command}\\b`));
    const subHelp = cli(["simulate", "--help"]);
    expect(subHelp.code).toBe(0);
    expect(subHelp.stdout).toContain("--against <file>");
    const version = cli(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
