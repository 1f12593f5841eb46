// Tests of the seeded task generator: determinism, validity and variety.
import { parseTask } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { generateTask, generateTasks, taskFamilies, taskKinds } from "./taskGenerator.js";

describe("generateTasks", () => {
  it("gives the same tasks for the same seed", () => {
    const a = [...generateTasks({ count: 500, seed: 7 })];
    const b = [...generateTasks({ count: 500, seed: 7 })];
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it("gives different tasks for a different seed", () => {
    const a = [...generateTasks({ count: 50, seed: 7 })];
    const b = [...generateTasks({ count: 50, seed: 8 })];
    expect(a.map((t) => t.kind)).not.toEqual(b.map((t) => t.kind));
  });

  it("makes each task depend only on the seed and its index", () => {
    const slice = [...generateTasks({ count: 10, seed: 3, start: 90 })];
    expect(slice).toEqual(Array.from({ length: 10 }, (_, i) => generateTask(3, 90 + i)));
    expect(slice[0]!.id).toBe("t-90");
  });

  it("produces tasks that parseTask accepts unchanged", () => {
    for (const task of generateTasks({ count: 3000, seed: 11 })) expect(parseTask(task)).toEqual(task);
  });

  it("varies kinds, signals, stakes, tags and metadata, including missing values and nulls", () => {
    const tasks = [...generateTasks({ count: 5000, seed: 5 })];
    const families = new Set(tasks.map((t) => t.kind.split(".")[0]));
    expect(families.size).toBe(taskFamilies.length);
    expect(taskFamilies.length).toBeGreaterThanOrEqual(12);
    expect(new Set(tasks.map((t) => t.kind)).size).toBeGreaterThan(50);
    expect(new Set(tasks.map((t) => t.kind)).size).toBeLessThanOrEqual(taskKinds.length);
    expect(tasks.some((t) => t.signals === undefined)).toBe(true);
    expect(tasks.some((t) => t.signals !== undefined && t.signals.ruleClosure === undefined)).toBe(true);
    expect(tasks.some((t) => t.signals?.feedbackLatencySec === null)).toBe(true);
    expect(tasks.some((t) => t.signals?.driftHalfLifeSec === null)).toBe(true);
    expect(tasks.some((t) => t.stakes === undefined)).toBe(true);
    expect(tasks.some((t) => t.stakes?.reversible === false)).toBe(true);
    expect(tasks.some((t) => t.tags === undefined)).toBe(true);
    expect(tasks.some((t) => (t.tags?.length ?? 0) >= 2)).toBe(true);
    expect(tasks.some((t) => t.metadata === undefined)).toBe(true);
    expect(tasks.some((t) => t.metadata?.region === null)).toBe(true);
    expect(tasks.some((t) => typeof t.metadata?.customer === "object")).toBe(true);
    const latencies = new Set(tasks.map((t) => t.signals?.feedbackLatencySec).filter((v) => typeof v === "number"));
    expect(latencies.size).toBeGreaterThan(1000);
  });
});
