import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConvergentError, defaultPolicy, loadPolicy, parsePolicy, policyHash, starterPolicyYaml, validatePolicy } from "./index.js";

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConvergentError);
    return (error as ConvergentError).message.split("\n").slice(1);
  }
  throw new Error("expected the policy to be rejected");
}

const example = `id: acme-support
version: 3
costs: { currency: USD, reviewerPerMinute: 1.5, reviewMinutes: 4, humanTaskMinutes: 30, agentPerAttempt: 0.05 }
sandboxes:
  - { kind: "code.*", feedbackLatencySec: 30, ruleClosure: 0.9 }
rules:
  - { id: big-refunds, when: { kind: payments.refund, stakes: { cost: { gt: 10000 } } }, route: human }
  - { id: no-solo-legal, when: { kind: "legal.*" }, forbid: [autonomous] }
  - { id: finance-eyes, when: { tags: { includes: finance } }, requireRoles: [finance] }
`;

describe("parsePolicy", () => {
  it("reads the contract example of DESIGN.md and fills every default", () => {
    const p = parsePolicy(example, { source: "policy.yaml" });
    expect(p.id).toBe("acme-support");
    expect(p.costs).toEqual({ currency: "USD", reviewerPerMinute: 1.5, reviewMinutes: 4, humanTaskMinutes: 30, agentPerAttempt: 0.05, irreversibleMultiplier: 1 });
    expect(p.rules.map((r) => r.id)).toEqual(["big-refunds", "no-solo-legal", "finance-eyes"]);
    expect(p.guards.autonomous.minScore).toBe(0.25);
    expect(p.checkpoints.onTimeout).toEqual({ action: "fail" });
  });

  it("reads the same policy as JSON with the same hash", () => {
    const yaml = parsePolicy(example);
    const json = parsePolicy(JSON.stringify(yaml, null, 2), { source: "policy.json" });
    expect(json).toEqual(yaml);
    expect(policyHash(json)).toBe(policyHash(yaml));
    expect(policyHash(yaml)).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it("hashes content, not formatting or key order, and changes the hash with the content", () => {
    const reordered = parsePolicy(`version: 3\nid: acme-support\n# a comment\ncosts:\n  agentPerAttempt: 0.05\n  reviewerPerMinute: 1.5\n  reviewMinutes: 4\n  humanTaskMinutes: 30\nsandboxes: [{ kind: "code.*", ruleClosure: 0.9, feedbackLatencySec: 30 }]\nrules:\n  - { id: big-refunds, when: { kind: payments.refund, stakes: { cost: { gt: 10000 } } }, route: human }\n  - { id: no-solo-legal, when: { kind: "legal.*" }, forbid: [autonomous] }\n  - { id: finance-eyes, when: { tags: { includes: finance } }, requireRoles: [finance] }\n`);
    expect(policyHash(reordered)).toBe(policyHash(parsePolicy(example)));
    expect(policyHash(parsePolicy(example.replace("version: 3", "version: 4")))).not.toBe(policyHash(reordered));
  });

  it("ignores the editor's $schema line in the hash", () => {
    expect(policyHash(parsePolicy(`$schema: ./policy.schema.json\n${example}`))).toBe(policyHash(parsePolicy(example)));
  });

  it("checks escalation roles against the reviewers", () => {
    const text = "id: p\nversion: 1\nreviewers: [{ id: ada, roles: [reviewer] }]\ncheckpoints:\n  onTimeout: { action: escalate, roles: [legal] }\n";
    expect(problemsOf(() => parsePolicy(text, { source: "p.yaml" }))).toEqual(['p.yaml:5: checkpoints.onTimeout.roles[0]: no reviewer has the role "legal"']);
  });

  it("reports every problem as file:line: path: message", () => {
    const text = `id: acme
version: 1
rules:
  - id: a
    when: { stakes: { cost: { gt: high } } }
    route: human
  - id: b
    when: { kindd: x }
    forbid: [robot]
costs:
  reviewerPerMinute: -2
`;
    expect(problemsOf(() => parsePolicy(text, { source: "policy.yaml" }))).toEqual([
      'policy.yaml:5: rules[0].when.stakes.cost.gt: expected a number, received "high"',
      "policy.yaml:8: rules[1].when.kindd: unknown key",
      'policy.yaml:9: rules[1].forbid[0]: expected one of "autonomous", "supervised", "human", received "robot"',
      "policy.yaml:11: costs.reviewerPerMinute: must be ≥ 0",
    ]);
  });

  it("checks what spans fields: duplicate rule ids, rules that forbid what they force, unknown roles", () => {
    const text = `id: p
version: 1
reviewers: [{ id: ada, roles: [reviewer] }]
rules:
  - { id: r, when: {}, route: human, forbid: [human] }
  - { id: r, when: {}, requireRoles: [legal] }
`;
    expect(problemsOf(() => parsePolicy(text, { source: "p.yaml" }))).toEqual([
      'p.yaml:5: rules[0].forbid: forbids the route "human" it forces',
      'p.yaml:6: rules[1].id: duplicate rule id "r" (first at rules[0])',
      'p.yaml:6: rules[1].requireRoles[0]: no reviewer has the role "legal"',
    ]);
  });

  it("rejects a rule without an effect, bad globs and empty comparisons", () => {
    const text = `id: p
version: 1
rules:
  - { id: a, when: { kind: "code..x" } }
  - { id: b, when: { metadata: { team: {} } }, route: human }
`;
    const problems = problemsOf(() => parsePolicy(text, { source: "p.yaml" }));
    expect(problems).toContain("p.yaml:4: rules[0].when.kind: must be a kind or a glob such as code.* (letters, digits, -, _, . and *)");
    expect(problems).toContain("p.yaml:4: rules[0]: a rule needs an effect: route, forbid, requireRoles or deadlineSec");
    expect(problems.some((p) => p.startsWith("p.yaml:5: rules[1].when.metadata.team"))).toBe(true);
  });

  it("reports YAML syntax errors with their line, and non-mappings", () => {
    expect(problemsOf(() => parsePolicy("id: a\nversion: [1\n", { source: "x.yaml" }))[0]).toMatch(/^x\.yaml:\d+: invalid YAML: /);
    expect(problemsOf(() => parsePolicy("- a\n- b\n", { source: "x.yaml" }))).toEqual(["x.yaml: a policy must be a mapping with at least id and version"]);
    expect(problemsOf(() => parsePolicy("id: a\nid: b\nversion: 1\n", { source: "x.yaml" }))[0]).toMatch(/^x\.yaml:2: invalid YAML: .*unique/i);
  });

  it("requires id and version", () => {
    expect(problemsOf(() => parsePolicy("costs: {}\n", { source: "x.yaml" }))).toEqual([
      "x.yaml:1: id: required (expected a string)",
      "x.yaml:1: version: required (expected a number)",
    ]);
  });

  it("loads files and names an unreadable one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convergent-policy-"));
    writeFileSync(join(dir, "policy.yaml"), example);
    expect((await loadPolicy(join(dir, "policy.yaml"))).id).toBe("acme-support");
    await expect(loadPolicy(join(dir, "missing.yaml"))).rejects.toThrow(`${join(dir, "missing.yaml")}: cannot read policy: no such file`);
    await expect(loadPolicy(join(dir, "missing.yaml"))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("ships a starter policy that is valid and documents the defaults it spells out", () => {
    const starter = parsePolicy(starterPolicyYaml({ id: "team" }), { source: "starter" });
    const defaults = defaultPolicy();
    expect(starter.id).toBe("team");
    expect(starter.costs).toEqual(defaults.costs);
    expect(starter.human).toEqual(defaults.human);
    expect(starter.model).toEqual(defaults.model);
    expect(starter.defaults).toEqual(defaults.defaults);
    expect(starter.guards).toEqual(defaults.guards);
    expect(starter.budgets).toEqual(defaults.budgets);
    expect(starterPolicyYaml().startsWith("# yaml-language-server: $schema=./policy.schema.json\n")).toBe(true);
  });

  it("validates objects the same way", () => {
    expect(() => validatePolicy({ id: "x", version: 1, exploration: { rate: 0.9 } }, { source: "inline" })).toThrow(
      "inline: exploration.rate: must be ≤ 0.5",
    );
  });
});
