// Tests of runRouterBench at a small size: the report's structure and that every figure is measured (never its speed).
import { describe, expect, it } from "vitest";
import { runRouterBench } from "./index.js";

describe("runRouterBench", () => {
  it("returns the documented report with positive figures and reports its progress", async () => {
    const phases = new Set<string>();
    const report = await runRouterBench({ tasks: 2000, simulateTasks: 0, onProgress: (phase, done, total) => {
      expect(done).toBeLessThanOrEqual(total);
      phases.add(phase);
    } });
    expect(report.tasks).toBe(2000);
    expect(report.rules).toBe(20);
    expect(report.node).toBe(process.version);
    expect(report.decisionsPerSec).toBeGreaterThan(0);
    expect(report.p50Us).toBeGreaterThan(0);
    expect(report.p99Us).toBeGreaterThanOrEqual(report.p50Us);
    expect(report.peer.name).toBe("json-rules-engine");
    expect(report.peer.version).toMatch(/^7\./);
    expect(report.peer.decisionsPerSec).toBeGreaterThan(0);
    expect(report.peer.agreement).toEqual({ checked: 2000, mismatches: 0 });
    expect(report.ratio).toBeCloseTo(report.decisionsPerSec / report.peer.decisionsPerSec, 1);
    expect(report.rulesOnly!.evaluationsPerSec).toBeGreaterThan(0);
    expect(report.rulesOnly!.ratio).toBeCloseTo(report.rulesOnly!.evaluationsPerSec / report.peer.decisionsPerSec, 1);
    expect(report.simulate).toBeUndefined();
    expect(report.passDecisionsPerSec).toHaveLength(5);
    expect(report.workload?.families).toBeGreaterThanOrEqual(12);
    const mix = report.workload!.routeMix;
    expect(mix.autonomous + mix.supervised + mix.human).toBe(2000);
    expect(Math.min(mix.autonomous, mix.supervised, mix.human)).toBeGreaterThan(0);
    expect(Object.keys(report.workload!.ruleMatches)).toHaveLength(20);
    expect(report.met?.simulateSeconds).toBeUndefined();
    expect(report.notes?.join(" ")).toContain("only evaluates");
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect([...phases]).toEqual(["generate", "warmup", "decide", "latency", "peer-warmup", "peer"]);
  }, 60_000);

  it("gives the same workload for the same seed", async () => {
    const a = await runRouterBench({ tasks: 300, seed: 5, simulateTasks: 0 });
    const b = await runRouterBench({ tasks: 300, seed: 5, simulateTasks: 0 });
    expect(a.workload).toEqual(b.workload);
  }, 60_000);

  it("rejects a task count that is not a positive integer", async () => {
    await expect(runRouterBench({ tasks: 0, simulateTasks: 0 })).rejects.toThrow(/tasks: expected a positive integer/);
  });
});
