// ConvergeBench at a small size, as CI runs it: the report's structure, determinism, and the oracle beating every baseline.
import { isConvergentError } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { formatQualityMarkdown } from "./markdown.js";
import { runQualityBench } from "./qualityBench.js";
import { qualityReportSchema } from "./qualityReport.js";

const small = { tasks: 400, warmupTasks: 300, shiftTasks: 400, onlineTasks: 600, reps: 4, seed: 11 } as const;
const baselines = ["always-autonomous", "always-supervised", "always-human", "random", "a2i", "static-rules", "conformal"];

describe("runQualityBench", () => {
  const report = runQualityBench(small);

  it("produces a report of the documented shape with every router, target and split", () => {
    const parsed = qualityReportSchema.parse(report);
    expect(parsed.routers.map((r) => r.id)).toEqual(["convergent", ...baselines, "oracle", "hindsight"]);
    expect(Object.keys(parsed.targets).sort()).toEqual(
      ["area", "eceAt500", "failureGapToOracle", "falseEscalationsPer100", "loadVsA2i", "loadVsRandom", "medianDetectionDelay", "minutesVsOracle", "recoveryTasks", "wastedTokensReduction"].sort(),
    );
    expect(parsed.calibration.map((c) => c.outcomes)).toEqual([0, 100, 500, 2000]);
    expect(parsed.families).toHaveLength(12);
    expect(parsed.families.reduce((s, f) => s + f.tasks, 0)).toBe(small.tasks);
    for (const r of parsed.routers) {
      const mix = r.figures.routeMix;
      expect(mix.autonomous + mix.supervised + mix.human).toBe(small.tasks);
      expect(r.curve.length).toBeGreaterThan(0);
    }
  });

  it("is deterministic for a seed and size", () => {
    const again = runQualityBench(small);
    expect({ ...again, seconds: 0 }).toEqual({ ...report, seconds: 0 });
  });

  it("has the oracle beat every baseline on expected total cost, and scores random at 0.5 and the oracle at 1", () => {
    const oracle = report.routers.find((r) => r.id === "oracle")!;
    for (const id of baselines) {
      const baseline = report.routers.find((r) => r.id === id)!;
      expect(baseline.figures.expectedCostPerTask, id).toBeGreaterThan(oracle.figures.expectedCostPerTask);
    }
    expect(report.routers.find((r) => r.id === "random")!.area).toBeCloseTo(0.5, 12);
    expect(oracle.area).toBeCloseTo(1, 12);
  });

  it("renders every router and target in the Markdown table", () => {
    const md = formatQualityMarkdown(report);
    for (const r of report.routers) expect(md).toContain(`| ${r.name} |`);
    for (const t of Object.values(report.targets)) expect(md).toContain(t.target);
  });

  it("rejects options out of range with an INVALID_INPUT error naming the option", () => {
    let caught: unknown;
    try {
      runQualityBench({ tasks: 3 });
    } catch (error) {
      caught = error;
    }
    expect(isConvergentError(caught) && caught.code === "INVALID_INPUT").toBe(true);
    expect((caught as Error).message).toContain("tasks");
  });
});
