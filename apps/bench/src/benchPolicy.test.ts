// Tests of the benchmark's policy: it validates, has 20 rules using every kind of condition and effect, and they fire.
import { createRouter, validatePolicy } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { benchPolicy } from "./benchPolicy.js";
import { generateTasks } from "./taskGenerator.js";

describe("benchPolicy", () => {
  const policy = validatePolicy(benchPolicy, { source: "benchPolicy" });

  it("validates with 20 rules, sandboxes and kind overrides", () => {
    expect(policy.rules).toHaveLength(20);
    expect(new Set(policy.rules.map((r) => r.id)).size).toBe(20);
    expect(policy.sandboxes.length).toBeGreaterThan(0);
    expect(policy.kinds.length).toBeGreaterThan(0);
  });

  it("uses every effect and every kind of condition", () => {
    const rules = policy.rules;
    expect(rules.some((r) => r.route !== undefined)).toBe(true);
    expect(rules.some((r) => r.forbid !== undefined)).toBe(true);
    expect(rules.some((r) => r.requireRoles !== undefined)).toBe(true);
    expect(rules.some((r) => r.deadlineSec !== undefined)).toBe(true);
    const kinds = rules.flatMap((r) => (r.when.kind === undefined ? [] : typeof r.when.kind === "string" ? [r.when.kind] : r.when.kind));
    expect(kinds.some((k) => !k.includes("*"))).toBe(true);
    expect(kinds.some((k) => k.endsWith(".*"))).toBe(true);
    expect(kinds.some((k) => k.startsWith("*."))).toBe(true);
    expect(rules.some((r) => Array.isArray(r.when.kind))).toBe(true);
    expect(rules.some((r) => r.when.tags?.includes !== undefined)).toBe(true);
    expect(rules.some((r) => r.when.tags?.includesAny !== undefined)).toBe(true);
    expect(rules.some((r) => r.when.tags?.excludes !== undefined)).toBe(true);
    expect(rules.some((r) => r.when.signals !== undefined)).toBe(true);
    expect(rules.some((r) => r.when.stakes !== undefined)).toBe(true);
    expect(rules.some((r) => r.when.metadata !== undefined)).toBe(true);
    const text = JSON.stringify(rules.map((r) => r.when));
    for (const op of ["in", "gt", "gte", "lt", "lte", "ne"]) expect(text).toContain(`"${op}":`);
  });

  it("has every rule match some generated tasks and no rule match most of them", () => {
    const router = createRouter({ policy: benchPolicy });
    const counts = new Map<string, number>();
    const n = 5000;
    for (const task of generateTasks({ count: n, seed: 1 })) for (const id of router.decide(task).rules) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const rule of policy.rules) {
      expect(counts.get(rule.id) ?? 0, rule.id).toBeGreaterThan(0);
      expect(counts.get(rule.id) ?? 0, rule.id).toBeLessThan(n / 2);
    }
  });
});
