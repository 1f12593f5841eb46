// `convergent demo` and the samples it ships, run as the built binary from another directory: the demo runs
// real tasks through the runtime into a SQLite store that later processes (inbox, answer, runs) read.
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli, jsonLines, samplePath, workspace } from "./helpers.js";

const slow = { timeout: 60_000 };

let ws: ReturnType<typeof workspace> | undefined;
afterEach(() => ws?.cleanup());

const demoTasks = readFileSync(samplePath("demo-tasks.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as { id: string; kind: string });

interface InboxLine {
  checkpoint: { id: string; runId: string; purpose: string; assigneeRoles: string[] };
  taskId: string;
}

describe("convergent demo", () => {
  it("runs every demo task into the store: agents converge, the bid run is escalated, people get checkpoints and the commands to answer them", slow, () => {
    ws = workspace();
    const storeUrl = `sqlite:${ws.path("c.db")}`;
    const store = ["--store", storeUrl];
    const run = cli(["demo", ...store], { cwd: ws.dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(demoTasks.length).toBe(11);
    expect(out).toContain(`Convergent demo: ${demoTasks.length} real tasks under acme-ops v5 (`);
    expect(out).toContain(`runs kept in ${storeUrl}.`);

    // 1. Every task has its row: id, kind, route, status.
    const row = (id: string) => out.split("\n").find((line) => line.startsWith(`  ${id} `)) ?? "";
    for (const task of demoTasks) expect(row(task.id)).toMatch(new RegExp(`^  ${task.id} +${task.kind.replace(".", "\\.")} +(autonomous|supervised|human) +\\d\\.\\d\\d +(succeeded|waiting) `));
    for (const id of ["demo-fix-slugify", "demo-normalize-crm", "demo-normalize-feed", "demo-schedule-week"]) {
      expect(row(id)).toMatch(/ autonomous .* succeeded .*sandbox \S+ passed attempt \d+ \(errors [\d.]+( → [\d.]+)+\)$/);
    }
    expect(row("demo-bid-spring")).toMatch(/ autonomous .* waiting .* escalated: errors grow ×[\d.]+ per attempt/);
    expect(row("demo-i18n-checkout")).toMatch(/ supervised .* waiting .* passed its sandbox; waits for a reviewer's approval/);
    for (const id of ["demo-marketing-q3", "demo-hiring-offer", "demo-refund-globex", "demo-legal-dpa"]) expect(row(id)).toMatch(/ human .* waiting .* waits for a person: /);
    expect(row("demo-refund-globex")).toContain("rule big-refunds");

    // 2. The summary.
    expect(out).toMatch(/^ {2}routes +5 autonomous, 1 supervised, 5 human$/m);
    expect(out).toMatch(/^ {2}runs +4 succeeded, 7 waiting for people \(1 escalated by the monitor\), 0 failed$/m);
    expect(out).toMatch(/^ {2}agent attempts +\d+, \d+ tokens .*, [\d.]+ USD$/m);
    expect(out).toMatch(/^ {2}human minutes asked for +[\d,]+ min /m);

    // 3. The open checkpoints are the ones another process's inbox lists.
    expect(out).toContain("3. Waiting for people: 7 checkpoints");
    const inbox = jsonLines<InboxLine>(cli(["inbox", "--json", ...store], { cwd: ws.dir }).stdout);
    expect(inbox).toHaveLength(7);
    for (const c of inbox) expect(out).toMatch(new RegExp(`^  ${c.checkpoint.id}  \\S+, ${c.checkpoint.purpose}, for ${c.checkpoint.assigneeRoles.join(" or ")}$`, "m"));
    const bid = inbox.find((c) => c.taskId === "demo-bid-spring")!;
    const review = inbox.find((c) => c.taskId === "demo-i18n-checkout")!;
    expect(bid.checkpoint.purpose).toBe("escalation");
    expect(review.checkpoint.purpose).toBe("review");

    // The hints name this store and the sample policy, and answer as a reviewer who holds the role. Paths are
    // shown relative to the working directory when that is shorter (as the CLI's displayPath does).
    const shown = (path: string) => {
      const rel = relative(ws!.dir, path);
      return rel !== "" && rel.length < path.length ? rel : path;
    };
    const policy = shown(samplePath("policy.yaml"));
    expect(out).toContain(`convergent inbox --store ${storeUrl}\n`);
    expect(out).toContain(
      `convergent answer ${bid.checkpoint.id} --as ada --policy ${policy} --store ${storeUrl} --json '{"type":"direction","constraints":"Halve your corrections"}'\n`,
    );
    expect(out).toContain(`convergent answer ${review.checkpoint.id} --as ada --policy ${policy} --store ${storeUrl} --json '{"type":"approve"}'\n`);
    expect(out).toContain(`convergent runs --store ${storeUrl}\n`);
    expect(out).toContain(`convergent route --policy ${policy} ${shown(samplePath("demo-tasks.jsonl"))}`);

    // The escalation hint works as printed: the redirected run converges.
    const answer = cli(
      ["answer", bid.checkpoint.id, "--as", "ada", "--policy", policy, ...store, "--json", '{"type":"direction","constraints":"Halve your corrections"}'],
      { cwd: ws.dir },
    );
    expect(answer.code).toBe(0);
    expect(answer.stdout).toMatch(new RegExp(`^Answered ${bid.checkpoint.id} as ada \\(direction\\)\\.\\nRun ${bid.checkpoint.runId} \\(demo-bid-spring\\) succeeded — `));
    const approve = cli(["answer", review.checkpoint.id, "--as", "ada", "--policy", policy, ...store, "--json", '{"type":"approve"}'], { cwd: ws.dir });
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain(`Run ${review.checkpoint.runId} (demo-i18n-checkout) succeeded`);
  });

  it("runs twice on the same store: both exit 0 and the store then holds every run of both", slow, () => {
    ws = workspace();
    const store = ["--store", `sqlite:${ws.path("c.db")}`];
    const first = cli(["demo", ...store], { cwd: ws.dir });
    const second = cli(["demo", ...store], { cwd: ws.dir });
    expect([first.code, first.stderr]).toEqual([0, ""]);
    expect([second.code, second.stderr]).toEqual([0, ""]);
    // The second run names its own checkpoints: the runs are new, the first run's are kept.
    expect(second.stdout).toContain("3. Waiting for people: ");

    const runs = jsonLines<{ runId: string; taskId: string; status: string }>(cli(["runs", "--json", ...store], { cwd: ws.dir }).stdout);
    expect(runs).toHaveLength(2 * demoTasks.length);
    expect(new Set(runs.map((r) => r.runId)).size).toBe(2 * demoTasks.length);
    for (const task of demoTasks) expect(runs.filter((r) => r.taskId === task.id)).toHaveLength(2);
    const waiting = runs.filter((r) => r.status === "waiting").length;
    expect(waiting).toBeGreaterThanOrEqual(6);
    expect(jsonLines(cli(["inbox", "--json", ...store], { cwd: ws.dir }).stdout)).toHaveLength(waiting);
  });

  it("keeps its runs in .convergent/convergent.db under the working directory by default", slow, () => {
    ws = workspace();
    const run = cli(["demo"], { cwd: ws.dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("runs kept in sqlite:.convergent/convergent.db.");
    expect(run.stdout).toMatch(/See them: +convergent inbox\n/);
    expect(existsSync(ws.path(".convergent/convergent.db"))).toBe(true);
    expect(jsonLines(cli(["runs", "--json"], { cwd: ws.dir }).stdout)).toHaveLength(demoTasks.length);
  });

  it("ships a sample policy that passes policy check", () => {
    const run = cli(["policy", "check", samplePath("policy.yaml")]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ok: acme-ops v5 sha256:[0-9a-f]{16}, 6 rules, 6 sandbox profiles, 5 reviewers/);
  });
});
