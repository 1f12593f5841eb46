// `convergent bench router` wiring (tiny workloads: it checks the report, never the speed).
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

describe("convergent bench", () => {
  it("runs the router benchmark and prints its report as one JSON line", () => {
    const run = cli(["bench", "router", "--json", "--tasks", "2000", "--simulate-tasks", "0"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report["tasks"]).toBe(2000);
    expect(report["simulate"]).toBeUndefined();
    for (const key of ["decisionsPerSec", "p50Us", "p99Us", "ratio"]) expect(typeof report[key]).toBe("number");
    const peer = report["peer"] as { name: string; decisionsPerSec: number };
    expect(peer.name).toBe("json-rules-engine");
    // The report rounds the ratio (to one decimal); it must still be decisionsPerSec / peer.decisionsPerSec.
    const ratio = (report["decisionsPerSec"] as number) / peer.decisionsPerSec;
    expect(Math.abs((report["ratio"] as number) - ratio)).toBeLessThanOrEqual(Math.max(0.051, ratio * 0.01));
  });

  it("prints a readable table with the ratio without --json", () => {
    const run = cli(["bench", "--tasks", "1000", "--simulate-tasks", "0"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Router benchmark: 1,000 varied tasks, a policy with \d+ rules, Node /);
    expect(run.stdout).toMatch(/│ convergent decide\(\) \(full routing, explained\) +│ +[\d,]+ \/s │/);
    expect(run.stdout).toMatch(/\nratio: [\d,.]+× the decisions per second of json-rules-engine; rules alone, like for like: [\d,.]+×\n/);
    expect(run.stdout).toContain("convergent compiled rules alone");
  });
});
