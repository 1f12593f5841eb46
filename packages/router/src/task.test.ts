import { describe, expect, it } from "vitest";
import { checkTask, checkTaskText, isConvergentError, parseTask } from "./index.js";

describe("parseTask", () => {
  it("accepts the task of DESIGN.md §7", () => {
    const task = parseTask({
      id: "t-17",
      kind: "code.fix-test",
      title: "Make parseDate accept ISO week dates",
      input: { repo: "web", test: "date.test.ts" },
      signals: { feedbackLatencySec: 30, ruleClosure: 0.9, driftHalfLifeSec: 94608000, horizonSec: 1800 },
      stakes: { cost: 50, reversible: true },
      tags: ["repo:web"],
      metadata: { team: "frontend" },
    });
    expect(task.signals?.ruleClosure).toBe(0.9);
  });

  it("names the file, line, path and problem", () => {
    try {
      parseTask({ id: "x", kind: "code.fix", title: "t", signals: { ruleClosure: 1.5 } }, { source: "tasks.jsonl", line: 12 });
      expect.unreachable();
    } catch (error) {
      expect(isConvergentError(error) && error.code).toBe("INVALID_TASK");
      expect((error as Error).message).toBe("tasks.jsonl:12: signals.ruleClosure: must be ≤ 1");
    }
  });

  it("reports every problem, typos as unknown keys, and bad JSON", () => {
    const check = checkTaskText('{"id":"","kind":"Code fix","signals":{"ruleclosure":0.5},"stakes":{"cost":"high"}}', { line: 3 });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`)).toEqual([
      "3: id: must not be empty",
      "3: kind: must be dotted words such as code.fix-test (letters, digits, - and _)",
      "3: title: required (expected a string)",
      "3: signals.ruleclosure: unknown key",
      '3: stakes.cost: expected a number, received "high"',
    ]);
    const bad = checkTaskText("{nope", { line: 4 });
    expect(bad.ok === false && bad.problems[0]!.message).toMatch(/^invalid JSON: /);
  });

  it("accepts only JSON data in input and metadata", () => {
    expect(checkTask({ id: "a", kind: "k", title: "t", input: { when: new Date(0) } }).ok).toBe(false);
    expect(checkTask({ id: "a", kind: "k", title: "t", input: [1, { x: Number.NaN }] }).ok).toBe(false);
    expect(checkTask({ id: "a", kind: "k", title: "t", metadata: [1] }).ok).toBe(false);
    const bad = checkTask({ id: "a", kind: "k", title: "t", metadata: { f: () => 1 } });
    expect(bad.ok === false && bad.problems).toEqual([{ path: "metadata", message: "must be an object of JSON data" }]);
    expect(checkTask({ id: "a", kind: "k", title: "t", input: { a: [1, "b", null, { c: true }] }, metadata: { team: { lead: "ada" } } }).ok).toBe(true);
  });

  it("keeps null latency and half-life (never / no drift)", () => {
    const task = parseTask({ id: "a", kind: "k", title: "t", signals: { feedbackLatencySec: null, driftHalfLifeSec: null } });
    expect(task.signals).toEqual({ feedbackLatencySec: null, driftHalfLifeSec: null });
  });
});
