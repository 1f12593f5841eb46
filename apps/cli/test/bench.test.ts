// `convergent bench [router|runtime|quality]` wiring (tiny workloads: it checks the reports, never the speed).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

/** ConvergeBench at a size that runs in a second. */
const tinyQuality = ["--quality-tasks", "200", "--reps", "2"];

/** The runtime benchmark at a size that runs in seconds. */
const tinyRuntime = ["--round-trips", "10", "--sqlite-round-trips", "6", "--attempt-runs", "3", "--sqlite-attempt-runs", "2", "--inbox-checkpoints", "120"];

describe("convergent bench", () => {
  it("runs the router benchmark and prints its report as one JSON line", () => {
    const run = cli(["bench", "router", "--json", "--tasks", "2000", "--simulate-tasks", "0"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report["tasks"]).toBe(2000);
    expect(report["simulate"]).toBeUndefined();
    for (const key of ["decisionsPerSec", "p50Us", "p99Us", "ratio"]) expect(typeof report[key]).toBe("number");
    const peer = report["peer"] as { name: string; decisionsPerSec: number };
    expect(peer.name).toBe("json-rules-engine");
    // The report rounds the ratio (to one decimal); it must still be decisionsPerSec / peer.decisionsPerSec.
    const ratio = (report["decisionsPerSec"] as number) / peer.decisionsPerSec;
    expect(Math.abs((report["ratio"] as number) - ratio)).toBeLessThanOrEqual(Math.max(0.051, ratio * 0.01));
  });

  it("runs the runtime benchmark and prints its report as one JSON line", () => {
    const run = cli(["bench", "runtime", "--json", ...tinyRuntime]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    const report = JSON.parse(run.stdout) as {
      roundTrips: Record<"memory" | "sqlite", { perSec: number; completed: number; completedInStore: number }> & {
        peer: { name: string } & Record<"memory" | "sqlite", { perSec: number; completed: number; completedInStore: number }>;
        ratios: { memory: number; sqlite: number };
      };
      attemptOverhead: { memoryMs: number; sqliteMs: number };
      inbox: { checkpoints: number; p50Ms: number; p95Ms: number; fileMb: number; rssMb: number };
      targets: Record<string, number>;
      met: Record<string, boolean>;
      router?: unknown;
    };
    expect(report.router).toBeUndefined();
    const rt = report.roundTrips;
    expect(rt.peer.name).toBe("@langchain/langgraph");
    // A warm-up pass and three timed passes, every round trip completed, in both systems, on both stores.
    for (const [figure, n] of [[rt.memory, 10], [rt.peer.memory, 10], [rt.sqlite, 6], [rt.peer.sqlite, 6]] as const) {
      expect(figure.completed).toBe(4 * n);
      expect(figure.completedInStore).toBe(4 * n);
    }
    expect(rt.ratios.sqlite).toBeCloseTo(rt.sqlite.perSec / rt.peer.sqlite.perSec, 1);
    expect(report.inbox.checkpoints).toBe(120);
    for (const key of ["memoryMs", "sqliteMs"] as const) expect(typeof report.attemptOverhead[key]).toBe("number");
    for (const key of ["p50Ms", "p95Ms", "fileMb", "rssMb"] as const) expect(typeof report.inbox[key]).toBe("number");
    expect(Object.keys(report.met).sort()).toEqual(["attemptOverheadMemory", "attemptOverheadSqlite", "inboxP95", "ratioMemory", "ratioSqlite"]);
  }, 120_000);

  it("runs every benchmark with no suite named and prints { router, runtime, quality } with --json", () => {
    const run = cli(["bench", "--json", "--tasks", "1000", "--simulate-tasks", "0", ...tinyRuntime, ...tinyQuality]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    const report = JSON.parse(run.stdout) as {
      router: { tasks: number; peer: { name: string } };
      runtime: { inbox: { checkpoints: number } };
      quality: { config: { tasks: number } };
    };
    expect(Object.keys(report).sort()).toEqual(["quality", "router", "runtime"]);
    expect(report.quality.config.tasks).toBe(200);
    expect(report.router.tasks).toBe(1000);
    expect(report.router.peer.name).toBe("json-rules-engine");
    expect(report.runtime.inbox.checkpoints).toBe(120);
  }, 120_000);

  it("prints every report as readable tables with their ratios without --json", () => {
    const run = cli(["bench", "--tasks", "1000", "--simulate-tasks", "0", ...tinyRuntime, ...tinyQuality]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Router benchmark: 1,000 varied tasks, a policy with \d+ rules, Node /);
    expect(run.stdout).toMatch(/│ convergent decide\(\) \(full routing, explained\) +│ +[\d,]+ \/s │/);
    expect(run.stdout).toMatch(/\nratio: [\d,.]+× the decisions per second of json-rules-engine; rules alone, like for like: [\d,.]+×\n/);
    expect(run.stdout).toContain("convergent compiled rules alone");
    expect(run.stdout).toMatch(/\n\nRuntime benchmark: checkpoint round trips \(submit → checkpoint → answer → resume → complete\), Node /);
    expect(run.stdout).toMatch(/│ memory +│ +[\d,]+ \/s │ +[\d,]+ \/s │ +[\d,.]+× │/);
    expect(run.stdout).toMatch(/│ SQLite \(file, WAL\) +│ +[\d,]+ \/s │ +[\d,]+ \/s │ +[\d,.]+× │/);
    expect(run.stdout).toMatch(/@langchain\/langgraph 1\.\d+\.\d+/);
    expect(run.stdout).toMatch(/\nattempt overhead \(runtime only, agent and sandbox time excluded\): memory [\d.]+ ms, SQLite [\d.]+ ms per attempt; target ≤ 0\.2 ms: memory (met|missed), SQLite (met|missed)\n/);
    expect(run.stdout).toMatch(/\ninbox: 120 open checkpoints in SQLite \(\d+ MB file\), 50 per query: p50 [\d.]+ ms, p95 [\d.]+ ms .*; target p95 ≤ 50 ms: (met|missed)\n/);
    expect(run.stdout).toContain("\n## ConvergeBench: routing quality\n");
  }, 120_000);

  it("prints the router report alone for bench router", () => {
    const run = cli(["bench", "router", "--tasks", "1000", "--simulate-tasks", "0"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Router benchmark: /);
    expect(run.stdout).not.toContain("Runtime benchmark");
  });

  it("rejects a suite it does not know", () => {
    const run = cli(["bench", "disk"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/value 'disk' is invalid for argument 'suite'\. Allowed choices are router, runtime, quality\./);
  });

  it("runs the quality benchmark alone: one JSON report, the same for the same seed, and an HTML page with its charts", () => {
    const dir = mkdtempSync(join(tmpdir(), "convergent-bench-"));
    const html = join(dir, "quality.html");
    const first = cli(["bench", "quality", "--json", "--seed", "3", "--html", html, ...tinyQuality]);
    const second = cli(["bench", "quality", "--json", "--seed", "3", ...tinyQuality]);
    expect(first.code).toBe(0);
    const a = JSON.parse(first.stdout) as { routers: { id: string }[]; targets: Record<string, { met: boolean }>; seconds: number };
    const b = JSON.parse(second.stdout) as typeof a;
    expect({ ...a, seconds: 0 }).toEqual({ ...b, seconds: 0 });
    expect(a.routers.map((r) => r.id)).toContain("oracle");
    const page = readFileSync(html, "utf8");
    expect(page).toContain("<h1>ConvergeBench</h1>");
    expect(page).toContain("Cost–failure curves");
    expect((page.match(/<svg/g) ?? []).length).toBe(3);
    expect(page).not.toContain("<script");
  }, 120_000);

  it("prints the quality report as Markdown tables", () => {
    const run = cli(["bench", "quality", ...tinyQuality]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^## ConvergeBench: routing quality\n/);
    expect(run.stdout).toMatch(/\n\| Convergent router \| [\d.]+% \| [\d.]+% \|/);
    expect(run.stdout).toContain("| oracle (least expected cost) |");
    expect(run.stdout).toContain("### Targets");
  }, 120_000);

  it("runs ConvergeBench across worlds with --worlds: one JSON report with the held-out and training worlds, or Markdown", () => {
    const args = ["bench", "quality", "--worlds", "1", "--quality-tasks", "100", "--reps", "1"];
    const run = cli([...args, "--json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { config: { heldOutSeeds: number[]; trainingSeeds: number[]; zeroShotTasks: number }; worlds: unknown[]; targets: Record<string, unknown> };
    expect(report.config.heldOutSeeds).toEqual([0, 1]);
    expect(report.config.trainingSeeds).toHaveLength(10);
    expect(report.config.zeroShotTasks).toBe(100);
    expect(report.worlds).toHaveLength(12);
    expect(Object.keys(report.targets).sort()).toEqual(["eceAt500", "onlineMeanGap", "zeroShotMeanGap", "zeroShotWorstCostRatio"]);
    const md = cli(args);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^## ConvergeBench across worlds\n/);
    expect(md.stdout).toContain("### Targets (held-out worlds)");
  }, 120_000);
});
