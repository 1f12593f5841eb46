import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createRouter, createSimulation, parseTask, simulate } from "./index.js";

const tasks = readFileSync(new URL("../test/fixtures/canonical-tasks.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((l) => parseTask(JSON.parse(l)));

describe("simulate", () => {
  it("sums the route mix, human minutes, agent cost and failure cost of the chosen routes", () => {
    const report = simulate(undefined, tasks);
    const router = createRouter();
    const decisions = tasks.map((t) => router.decide(t));
    const [summary] = report.policies;
    expect(report.policies).toHaveLength(1);
    expect(summary!.tasks).toBe(10);
    expect(summary!.routeMix).toEqual({
      autonomous: decisions.filter((d) => d.route === "autonomous").length,
      supervised: decisions.filter((d) => d.route === "supervised").length,
      human: decisions.filter((d) => d.route === "human").length,
    });
    const sum = (f: (d: (typeof decisions)[number]) => number) => decisions.reduce((s, d) => s + f(d), 0);
    expect(summary!.humanMinutes).toBeCloseTo(sum((d) => d.estimates[d.route].humanMinutes), 9);
    expect(summary!.agentCost).toBeCloseTo(sum((d) => d.estimates[d.route].agentCost), 9);
    expect(summary!.expectedFailureCost).toBeCloseTo(sum((d) => d.estimates[d.route].failureCost), 9);
    expect(report.changed).toEqual([]);
  });

  it("lists each task whose route changes against a second policy, with both reasons", () => {
    const strict = { id: "strict", version: 2, rules: [{ id: "no-autonomy", when: { kind: "code.*" }, forbid: ["autonomous" as const] }] };
    const report = simulate(undefined, tasks, { against: strict });
    expect(report.policies.map((p) => p.id)).toEqual(["convergent-default", "strict"]);
    expect(report.changed.map((c) => [c.taskId, c.from, c.to])).toEqual([
      ["c01", "autonomous", "supervised"],
      ["c02", "autonomous", "supervised"],
    ]);
    expect(report.changed[0]!.reasons.to).toContain("Rule no-autonomy forbids autonomous.");
    expect(report.changed[0]!.reasons.from[0]).toMatch(/^Autonomous: expected cost/);
    expect(report.changedCount).toBe(2);
    expect(report.policies[1]!.humanMinutes).toBeGreaterThan(report.policies[0]!.humanMinutes);
  });

  it("keeps at most maxChanged changes while counting all of them", () => {
    const simulation = createSimulation(undefined, { against: { id: "all-human", version: 1, rules: [{ id: "h", when: {}, route: "human" }] }, maxChanged: 1 });
    for (const t of tasks) simulation.add(t);
    const report = simulation.report();
    expect(report.changed).toHaveLength(1);
    expect(report.changedCount).toBe(tasks.filter((t) => createRouter().decide(t).route !== "human").length);
    expect(report.policies[1]!.routeMix).toEqual({ autonomous: 0, supervised: 0, human: 10 });
  });
});
