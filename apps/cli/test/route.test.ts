// `convergent route`, run as the built binary with real files and stdin.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { cli, fixTest, jsonLines, marketingPlan, peoplePolicyYaml, samplePath, startCli, supportReply, toJsonl, workspace } from "./helpers.js";

const routes = ["autonomous", "supervised", "human"];

interface Decision {
  taskId: string;
  route: string;
  convergence: { score: number; limitingAxis: string | null };
  expectedCost: { autonomous: number; supervised: number; human: number };
  reasons: string[];
  rules: string[];
}

/** Money as the CLI and the router print it: two decimals below 100, whole numbers with separators above. */
const usd = (x: number) => `${x.toLocaleString("en-US", { minimumFractionDigits: x >= 100 ? 0 : 2, maximumFractionDigits: x >= 100 ? 0 : 2 })} USD`;
let ws: ReturnType<typeof workspace> | undefined;
afterEach(() => ws?.cleanup());

describe("convergent route", () => {
  it("explains t-112 exactly as docs/cli.md shows it, figures included", () => {
    const doc = readFileSync(fileURLToPath(new URL("../../../docs/cli.md", import.meta.url)), "utf8");
    const start = doc.indexOf("$ convergent route --policy policy.yaml t-112.json\n");
    expect(start).toBeGreaterThan(0);
    const shown = doc.slice(start, doc.indexOf("```", start)).split("\n").slice(1).join("\n").trimEnd();
    const task = readFileSync(samplePath("tasks.jsonl"), "utf8").split("\n").find((l) => l.includes('"id":"t-112"'))!;
    const run = cli(["route", "--policy", samplePath("policy.yaml"), "-"], { input: `${task}\n` });
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd()).toBe(shown);
  });

  it("prints one Decision JSON per task read from stdin with --json", () => {
    const run = cli(["route", "--json", "-"], { input: toJsonl([fixTest, marketingPlan, supportReply]) });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const decisions = jsonLines(run.stdout);
    expect(decisions.map((d) => d["taskId"])).toEqual(["t-fix", "t-plan", "t-reply"]);
    expect(decisions.map((d) => d["route"])).toEqual(["autonomous", "human", "autonomous"]);
    for (const d of decisions) {
      expect(routes).toContain(d["route"]);
      const score = (d["convergence"] as { score: number }).score;
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
      const cost = d["expectedCost"] as Record<string, number>;
      expect(Object.keys(cost).sort()).toEqual(["autonomous", "human", "supervised"]);
      for (const r of routes) expect(Number.isFinite(cost[r])).toBe(true);
      expect((d["reasons"] as string[]).length).toBeGreaterThan(0);
      expect(d["rules"]).toEqual([]);
      const policy = d["policy"] as { id: string; version: number; hash: string };
      expect(policy.id).toBe("convergent-default");
      expect(policy.version).toBe(1);
      expect(policy.hash).toMatch(/^sha256:[0-9a-f]{16}$/);
    }
    // The chosen route is the cheapest when no rule intervenes.
    const fix = decisions[0]!;
    const fixCost = fix["expectedCost"] as Record<string, number>;
    expect(fixCost["autonomous"]).toBeLessThan(fixCost["supervised"]!);
    expect((fix["reasons"] as string[])[0]).toBe(`Autonomous: expected cost ${usd(fixCost["autonomous"]!)} (vs supervised ${usd(fixCost["supervised"]!)}, human ${usd(fixCost["human"]!)}).`);
  });

  it("decides under the policy given with --policy and names the matched rules", () => {
    ws = workspace({ "policy.yaml": peoplePolicyYaml, "tasks.jsonl": toJsonl([supportReply, marketingPlan]) });
    const run = cli(["route", "--json", "--policy", "policy.yaml", "tasks.jsonl"], { cwd: ws.dir });
    expect(run.code).toBe(0);
    const [reply, plan] = jsonLines(run.stdout);
    expect(reply!["route"]).toBe("human");
    expect(reply!["rules"]).toEqual(["support-human"]);
    expect((reply!["reasons"] as string[])[0]).toBe("Human: rule support-human forces it.");
    expect(plan!["rules"]).toEqual(["plans-need-marketing"]);
    expect(plan!["assigneeRoles"]).toEqual(["marketing"]);
    expect(reply!["policy"]).toMatchObject({ id: "people-first", version: 2 });
  });

  it("reports a bad line in the middle as FILE:LINE: path: message, decides the others and exits 1", () => {
    const bad = { ...fixTest, id: "t-bad", signals: { ...fixTest.signals, ruleClosure: 1.5 } };
    ws = workspace({ "tasks.jsonl": toJsonl([fixTest, bad, marketingPlan]) });
    const run = cli(["route", "--json", "tasks.jsonl"], { cwd: ws.dir });
    expect(run.code).toBe(1);
    expect(run.stderr.split("\n")[0]).toBe("tasks.jsonl:2: signals.ruleClosure: must be ≤ 1");
    expect(run.stderr).toContain("1 invalid task in tasks.jsonl; 2 decided");
    expect(jsonLines(run.stdout).map((d) => d["taskId"])).toEqual(["t-fix", "t-plan"]);
  });

  it("names stdin 'stdin' in problems and reports invalid JSON and every problem of a line", () => {
    const input = `${JSON.stringify(fixTest)}\n{"id": "t-broken", \n${JSON.stringify({ id: "", kind: "Not A Kind!", title: "x" })}\n`;
    const run = cli(["route", "--json"], { input });
    expect(run.code).toBe(1);
    const lines = run.stderr.split("\n");
    expect(lines[0]).toMatch(/^stdin:2: invalid JSON: /);
    expect(lines).toContain("stdin:3: id: must not be empty");
    expect(lines.some((l) => l.startsWith("stdin:3: kind: must be dotted words"))).toBe(true);
    expect(jsonLines(run.stdout).map((d) => d["taskId"])).toEqual(["t-fix"]);
  });

  it("accepts one pretty-printed task", () => {
    ws = workspace({ "task.json": JSON.stringify(marketingPlan, null, 2) });
    const run = cli(["route", "--json", "task.json"], { cwd: ws.dir });
    expect(run.code).toBe(0);
    const decisions = jsonLines(run.stdout);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ taskId: "t-plan", route: "human" });
  });

  it("accepts a pretty-printed array of tasks and points at the bad element", () => {
    const bad = { ...supportReply, id: "t-neg", stakes: { cost: -1 } };
    ws = workspace({ "tasks.json": JSON.stringify([fixTest, bad, supportReply], null, 2) });
    const run = cli(["route", "--json", "tasks.json"], { cwd: ws.dir });
    expect(run.code).toBe(1);
    expect(run.stderr.split("\n")[0]).toBe("tasks.json: [1].stakes.cost: must be ≥ 0");
    expect(jsonLines(run.stdout).map((d) => d["taskId"])).toEqual(["t-fix", "t-reply"]);
  });

  it("reports a syntax error in a pretty-printed document with its line", () => {
    ws = workspace({ "task.json": '{\n  "id": "x",\n  "kind": "a.b"\n  "title": "y"\n}\n' });
    const run = cli(["route", "task.json"], { cwd: ws.dir });
    expect(run.code).toBe(1);
    expect(run.stderr.split("\n")[0]).toMatch(/^task\.json:4: invalid JSON: /);
    expect(run.stdout).toBe("");
  });

  it("explains each decision in words without --json, without colours when stdout is not a terminal", () => {
    ws = workspace({ "policy.yaml": peoplePolicyYaml });
    const input = toJsonl([fixTest, supportReply]);
    const [fix, reply] = jsonLines<Decision>(cli(["route", "--json", "--policy", "policy.yaml"], { cwd: ws.dir, input }).stdout);
    const run = cli(["route", "--policy", "policy.yaml"], { cwd: ws.dir, input });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/\u001b\[/);
    const [first, second] = run.stdout.split("\n\n");
    // The words say what the decision says: route, score, limiting axis, the cost of every route, rules, reasons.
    expect(first).toContain("t-fix  code.fix-test  Make parseDate accept ISO week dates");
    expect(fix!.convergence.limitingAxis).toBe("ruleClosure");
    expect(first).toContain(`route     autonomous  (convergence ${fix!.convergence.score.toFixed(2)}, limited by rule closure)`);
    const c = fix!.expectedCost;
    expect(first).toContain(`expected  autonomous ${usd(c.autonomous)} · supervised ${usd(c.supervised)} · human ${usd(c.human)}`);
    expect(first).toContain("rules     none");
    expect(first).toContain(`reasons   · ${fix!.reasons[0]}`);
    for (const reason of fix!.reasons.slice(1)) expect(first).toContain(`          · ${reason}`);
    expect(second).toContain("route     human");
    expect(second).toContain("rules     support-human");
    expect(second).toContain(`reasons   · ${reply!.reasons[0]}`);
    expect(reply!.reasons[0]).toBe("Human: rule support-human forces it.");
  });

  it("answers a task piped in before stdin ends (streams line by line)", async () => {
    const child = startCli(["route", "--json"]);
    const first = await new Promise<string>((resolve, reject) => {
      child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString("utf8")));
      child.once("error", reject);
      child.stdin.write(`${JSON.stringify(fixTest)}\n`);
    });
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(JSON.parse(first.split("\n")[0]!)).toMatchObject({ taskId: "t-fix", route: "autonomous" });
    expect(code).toBe(0);
  });

  it("exits quietly when the reader of stdout goes away (EPIPE)", async () => {
    ws = workspace({ "many.jsonl": toJsonl(Array.from({ length: 20000 }, (_, i) => ({ ...fixTest, id: `t-${i}` }))) });
    const child = startCli(["route", "--json", "many.jsonl"], { cwd: ws.dir });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(code).toBe(0);
    expect(stderr).toBe("");
  });

  it("fails with a clear message for a missing file, a directory or an invalid policy", () => {
    ws = workspace({ "bad.yaml": "id: x\nversion: one\n" });
    const missing = cli(["route", "nope.jsonl"], { cwd: ws.dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("convergent: nope.jsonl: cannot read tasks: no such file\n");
    const directory = cli(["route", "."], { cwd: ws.dir });
    expect(directory.code).toBe(1);
    expect(directory.stderr).toBe("convergent: .: cannot read tasks: is a directory\n");
    const policy = cli(["route", "--policy", "bad.yaml", "-"], { cwd: ws.dir, input: toJsonl([fixTest]) });
    expect(policy.code).toBe(1);
    expect(policy.stderr).toBe('bad.yaml:2: version: expected a number, received "one"\nconvergent: bad.yaml is not a valid policy (1 problem)\n');
    expect(policy.stdout).toBe("");
  });
});
