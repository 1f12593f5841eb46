// `convergent simulate`: JSON report, text report, HTML report and bad lines, run as the built binary.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { cli, fixTest, marketingPlan, peoplePolicyYaml, supportReply, toJsonl, workspace } from "./helpers.js";

/** A policy that leaves support work to agents, so that people-first changes exactly the support tasks. */
const agentsPolicyYaml = `id: agents-first
version: 5
rules:
  - { id: support-agent, when: { kind: "support.*" }, route: autonomous }
`;

const evilId = '<script>alert("x")</script>';
const tasks = [
  fixTest,
  marketingPlan,
  supportReply,
  { ...supportReply, id: "t-reply-2", title: "Explain how to change the billing address" },
  { ...supportReply, id: evilId, title: "<img src=x onerror=alert(1)>" },
];

let ws: ReturnType<typeof workspace> | undefined;
afterEach(() => ws?.cleanup());

const summaryKeys = ["agentCost", "currency", "expectedCost", "expectedFailureCost", "explored", "hash", "humanMinutes", "id", "routeMix", "tasks", "version"];

describe("convergent simulate", () => {
  it("prints the report as JSON: one summary per policy and every task that changes route, with both reasons", () => {
    ws = workspace({ "tasks.jsonl": toJsonl(tasks), "people.yaml": peoplePolicyYaml, "agents.yaml": agentsPolicyYaml });
    const run = cli(["simulate", "--tasks", "tasks.jsonl", "--policy", "agents.yaml", "--against", "people.yaml", "--json"], { cwd: ws.dir });
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    const report = JSON.parse(run.stdout) as {
      policies: Record<string, unknown>[];
      changed: { taskId: string; kind: string; from: string; to: string; reasons: { from: string[]; to: string[] } }[];
      changedCount: number;
    };
    expect(Object.keys(report).sort()).toEqual(["changed", "changedCount", "policies"]);
    expect(report.policies.map((p) => [p["id"], p["version"]])).toEqual([
      ["agents-first", 5],
      ["people-first", 2],
    ]);
    for (const p of report.policies) {
      expect(Object.keys(p).sort()).toEqual(summaryKeys);
      expect(p["tasks"]).toBe(5);
      const mix = p["routeMix"] as Record<string, number>;
      expect(Object.keys(mix).sort()).toEqual(["autonomous", "human", "supervised"]);
      expect(mix["autonomous"]! + mix["supervised"]! + mix["human"]!).toBe(5);
      expect(p["expectedCost"]).toBeCloseTo((p["agentCost"] as number) + (p["expectedFailureCost"] as number) + (p["humanMinutes"] as number) * 1, 6);
    }
    // The two policies agree on the two other tasks; the three support replies move from autonomous to human.
    const [a, b] = report.policies.map((p) => p["routeMix"] as Record<string, number>);
    expect(b!["human"]! - a!["human"]!).toBe(3);
    expect(a!["autonomous"]! - b!["autonomous"]!).toBe(3);
    expect(b!["supervised"]).toBe(a!["supervised"]);
    expect(report.changedCount).toBe(3);
    expect(report.changed.map((c) => [c.taskId, c.kind, c.from, c.to])).toEqual([
      ["t-reply", "support.reply", "autonomous", "human"],
      ["t-reply-2", "support.reply", "autonomous", "human"],
      [evilId, "support.reply", "autonomous", "human"],
    ]);
    expect(report.changed[0]!.reasons.from[0]).toBe("Autonomous: rule support-agent forces it.");
    expect(report.changed[0]!.reasons.to[0]).toBe("Human: rule support-human forces it.");
  });

  it("keeps at most --max-changed changes but counts them all", () => {
    ws = workspace({ "tasks.jsonl": toJsonl(tasks), "people.yaml": peoplePolicyYaml, "agents.yaml": agentsPolicyYaml });
    const run = cli(["simulate", "--tasks", "tasks.jsonl", "--policy", "agents.yaml", "--against", "people.yaml", "--json", "--max-changed", "1"], { cwd: ws.dir });
    const report = JSON.parse(run.stdout) as { changed: unknown[]; changedCount: number };
    expect(report.changed).toHaveLength(1);
    expect(report.changedCount).toBe(3);
  });

  it("reports bad lines as FILE:LINE: path: message, simulates the rest and exits 1", () => {
    const lines = toJsonl(tasks).split("\n");
    lines.splice(1, 0, JSON.stringify({ ...fixTest, id: "t-bad", stakes: { cost: "lots" } }));
    ws = workspace({ "tasks.jsonl": lines.join("\n") });
    const run = cli(["simulate", "--tasks", "tasks.jsonl", "--json"], { cwd: ws.dir });
    expect(run.code).toBe(1);
    expect(run.stderr.split("\n")[0]).toBe('tasks.jsonl:2: stakes.cost: expected a number, received "lots"');
    const report = JSON.parse(run.stdout) as { policies: { tasks: number }[]; changed: unknown[]; changedCount: number };
    expect(report.policies).toHaveLength(1);
    expect(report.policies[0]!.tasks).toBe(5);
    expect(report.changed).toEqual([]);
    expect(report.changedCount).toBe(0);
  });

  it("prints a table per policy and the changed tasks with the reasons of both sides", () => {
    ws = workspace({ "tasks.jsonl": toJsonl(tasks), "people.yaml": peoplePolicyYaml, "agents.yaml": agentsPolicyYaml });
    const run = cli(["simulate", "--tasks", "tasks.jsonl", "--policy", "agents.yaml", "--against", "people.yaml"], { cwd: ws.dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Simulated 5 tasks from tasks.jsonl.");
    expect(run.stdout).toMatch(/│ +│ agents-first v5 │ people-first v2 │ +change │/);
    expect(run.stdout).toMatch(/│ tasks +│ +5 │ +5 │ +│/);
    expect(run.stdout).toMatch(/│ human +│ +\d \(\d+%\) │ +\d \(\d+%\) │ +\+3 │/);
    expect(run.stdout).toMatch(/│ human minutes +│ +[\d.,]+ min │ +[\d.,]+ min │ +\+[\d.,]+ min │/);
    expect(run.stdout).toContain("3 tasks change route from agents-first v5 to people-first v2:");
    expect(run.stdout).toContain("t-reply  support.reply  autonomous → human");
    expect(run.stdout).toContain("    agents-first v5: Autonomous: rule support-agent forces it.");
    expect(run.stdout).toContain("    people-first v2: Human: rule support-human forces it.");
  });

  it("writes one self-contained HTML report with SVG charts and every task's text escaped", () => {
    ws = workspace({ "tasks.jsonl": toJsonl(tasks), "people.yaml": peoplePolicyYaml, "agents.yaml": agentsPolicyYaml });
    const run = cli(["simulate", "--tasks", "tasks.jsonl", "--policy", "agents.yaml", "--against", "people.yaml", "--html", "report.html"], { cwd: ws.dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Wrote report.html.");
    const html = readFileSync(ws.path("report.html"), "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(2);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link|@import|url\((?!#)|\ssrc=/i);
    // Both charts number their clip paths; in one page every id must be unique.
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [, ref] of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref);
    expect(html).not.toContain(evilId);
    expect(html).toContain("<code>&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;</code>");
    expect(html).toContain("Human: rule support-human forces it.");
    expect(html).toContain("agents-first v5");
    expect(html).toContain("people-first v2");
    // Headline figures: tasks, human minutes and the cost delta between the policies.
    expect(html).toMatch(/<div class="label">Tasks<\/div><div class="value">5<\/div>/);
    expect(html).toMatch(/<div class="label">Human minutes<\/div>/);
    expect(html).toMatch(/<div class="label">Expected cost<\/div><div class="value">[\d,.]+ USD<\/div><div class="detail \w+">[+−][\d,.]+ USD/);
    expect(html).toMatch(/<div class="label">Route changes<\/div><div class="value">3<\/div>/);
  });

  it("fails with a clear message when the task file is missing", () => {
    ws = workspace();
    const run = cli(["simulate", "--tasks", "nope.jsonl"], { cwd: ws.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("convergent: nope.jsonl: cannot read tasks: no such file\n");
  });
});
