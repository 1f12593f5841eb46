// Tests of runRuntimeBench at small sizes: the report's structure, that every round trip really completed in both
// systems, and that the inbox held what was asked (never the speed).
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { attemptsNeeded, createLangGraphPeer, humanAnswerValue, humanKindAt, humanTask, runRuntimeBench, type RuntimeBenchReport } from "./index.js";

const small = { roundTrips: 12, sqliteRoundTrips: 8, passes: 3, attemptRuns: 6, sqliteAttemptRuns: 4, inboxCheckpoints: 240, inboxQueries: 10 } as const;

describe("runRuntimeBench", () => {
  const dir = mkdtempSync(join(tmpdir(), "runtime-bench-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const phases = new Set<string>();
  let report: RuntimeBenchReport;

  it("returns the documented report and reports its progress", async () => {
    report = await runRuntimeBench({
      ...small,
      dir,
      onProgress: (phase, done, total) => {
        expect(done).toBeLessThanOrEqual(total);
        phases.add(phase);
      },
    });
    const rt = report.roundTrips;
    for (const figure of [rt.memory, rt.sqlite, rt.peer.memory, rt.peer.sqlite]) {
      expect(figure.perSec).toBeGreaterThan(0);
      expect(figure.passPerSec).toHaveLength(3);
      expect(figure.warmupPerSec).toBeGreaterThan(0);
    }
    expect(rt.peer.name).toBe("@langchain/langgraph");
    expect(rt.peer.version).toMatch(/^1\./);
    expect(rt.peer.sqliteSaverVersion).toMatch(/^1\./);
    expect(rt.ratios.memory).toBeCloseTo(rt.memory.perSec / rt.peer.memory.perSec, 1);
    expect(rt.ratios.sqlite).toBeCloseTo(rt.sqlite.perSec / rt.peer.sqlite.perSec, 1);
    expect(report.attemptOverhead.memoryMs).toBe(report.attemptOverhead.memory.ms);
    expect(report.attemptOverhead.sqliteMs).toBe(report.attemptOverhead.sqlite.ms);
    expect(report.attemptOverhead.memory.passMs).toHaveLength(3);
    expect(report.inbox.fileMb).toBeGreaterThan(0);
    expect(report.inbox.rssMb).toBeGreaterThan(0);
    expect(report.inbox.p95Ms).toBeGreaterThanOrEqual(report.inbox.p50Ms);
    expect(report.inbox.p95Ms).toBe(Math.max(report.inbox.queries.all.p95Ms, report.inbox.queries.role.p95Ms));
    expect(report.targets).toEqual({ ratio: 10, attemptOverheadMs: 0.2, inboxP95Ms: 50 });
    expect(report.met.ratioSqlite).toBe(rt.ratios.sqlite >= 10);
    expect(report.met.inboxP95).toBe(report.inbox.p95Ms <= 50);
    expect(report.node).toBe(process.version);
    expect(report.notes.join(" ")).toContain("synchronous = NORMAL");
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect([...phases]).toEqual(["round-trips", "attempts:memory", "attempts:sqlite", "inbox:fill", "inbox:query"]);
  }, 120_000);

  it("completes every round trip in both systems, as each call said and as each store holds afterwards", () => {
    const rt = report.roundTrips;
    // A warm-up as long as a pass, then three passes.
    for (const [figure, n] of [
      [rt.memory, small.roundTrips],
      [rt.peer.memory, small.roundTrips],
      [rt.sqlite, small.sqliteRoundTrips],
      [rt.peer.sqlite, small.sqliteRoundTrips],
    ] as const) {
      expect(figure.roundTrips).toBe(n);
      expect(figure.warmup).toBe(n);
      expect(figure.completed).toBe(4 * n);
      expect(figure.completedInStore).toBe(4 * n);
    }
  });

  it("runs every autonomous run to success in the attempts its error curve needs", () => {
    const { memory, sqlite } = report.attemptOverhead;
    expect(memory).toMatchObject({ runs: small.attemptRuns, succeeded: 3 * small.attemptRuns });
    expect(sqlite).toMatchObject({ runs: small.sqliteAttemptRuns, succeeded: 3 * small.sqliteAttemptRuns });
    // Runs are numbered on after the warm-up pass; each needs 8–12 attempts.
    const expected = (runs: number) => Array.from({ length: 3 * runs }, (_, j) => attemptsNeeded(runs + j)).reduce((a, b) => a + b, 0);
    expect(memory.attempts).toBe(expected(small.attemptRuns));
    expect(sqlite.attempts).toBe(expected(small.sqliteAttemptRuns));
    expect(memory.insideShare).toBeGreaterThan(0);
    expect(memory.insideShare).toBeLessThan(1);
  });

  it("fills the inbox with the requested number of open checkpoints and queries it by role", () => {
    const { inbox } = report;
    expect(inbox.checkpoints).toBe(small.inboxCheckpoints);
    expect(inbox.created.method).toMatch(/one store\.append\(\) per run/);
    expect(inbox.queries.all.rows).toBe(50);
    // legal is 30% of 240 tasks (72 ≥ 50); security 1% (3).
    expect(inbox.queries.role.rows).toBe(50);
    expect(inbox.queries.rareRole.rows).toBe(Array.from({ length: small.inboxCheckpoints }, (_, i) => humanKindAt(i).role).filter((r) => r === "security").length);
  });

  it("leaves its SQLite files in a directory it was given", () => {
    expect(readdirSync(dir).filter((f) => f.endsWith(".db")).sort()).toEqual(["attempts.db", "convergent-roundtrips.db", "inbox.db", "langgraph-roundtrips.db"]);
  });

  it("can fill the inbox through runtime.submit() instead", async () => {
    const through = await runRuntimeBench({ ...small, roundTrips: 1, sqliteRoundTrips: 1, passes: 1, attemptRuns: 1, sqliteAttemptRuns: 1, inboxCheckpoints: 60, inboxFill: "runtime" });
    expect(through.inbox.checkpoints).toBe(60);
    expect(through.inbox.created.method).toMatch(/through runtime\.submit\(\)/);
    // Tasks 40–59 are the legal ones.
    expect(through.inbox.queries.role.rows).toBe(20);
  }, 60_000);

  it("rejects sizes that are not positive integers", async () => {
    await expect(runRuntimeBench({ roundTrips: 0 })).rejects.toThrow(/roundTrips: expected an integer ≥ 1/);
    await expect(runRuntimeBench({ inboxCheckpoints: 1.5 })).rejects.toThrow(/inboxCheckpoints: expected an integer ≥ 1/);
  });
});

describe("createLangGraphPeer", () => {
  it("reaches the interrupt, resumes with the answer and holds the completed thread", async () => {
    const peer = createLangGraphPeer();
    expect(await peer.roundTrip("t-1", humanTask("t-1", 1), humanAnswerValue(1))).toBe(true);
    expect(await peer.roundTrip("t-2", humanTask("t-2", 2), humanAnswerValue(2))).toBe(true);
    expect(await peer.countThreads()).toEqual({ threads: 2, completed: 2 });
    await peer.close();
  });
});
