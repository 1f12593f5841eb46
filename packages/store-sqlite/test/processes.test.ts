// The SQLite store across real processes on one file: racing reviewers (exactly one answer lands) and a
// process killed with SIGKILL in the middle of appending (the file stays consistent and another process
// carries on). The children import the built package (dist), as another program on the machine would.
import { type Child, startChild } from "./childProcess.js";
import { project } from "@convergent/runtime";
import type { CheckpointInfo, RunEvent, Store } from "@convergent/runtime";
import Database from "better-sqlite3";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteStore, schemaVersion } from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const children = join(here, "children");
const root = mkdtempSync(join(tmpdir(), "convergent-sqlite-processes-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(() => {
  if (!existsSync(join(here, "..", "dist", "index.js"))) {
    throw new Error("packages/store-sqlite/dist is missing: build first (turbo run build, or pnpm --filter @convergent/store-sqlite build)");
  }
});

const start = (script: string, args: readonly string[]): Child => startChild(join(children, script), args);

/** Checks a run's journal and indexes against a fresh projection of the journal; returns the journal. */
async function expectConsistent(store: Store, path: string, runId: string): Promise<readonly RunEvent[]> {
  const journal = await store.readRun(runId);
  expect(journal.map((e) => e.seq)).toEqual(Array.from({ length: journal.length }, (_, i) => i + 1));
  const fresh = project(undefined, 0, journal, () => undefined);
  expect(await store.getRun(runId)).toEqual(fresh.run);
  const byId = (list: readonly CheckpointInfo[]) => [...list].sort((a, b) => (a.checkpoint.id < b.checkpoint.id ? -1 : 1));
  expect(byId(await store.listCheckpoints({ runId, status: "any" }))).toEqual(byId(fresh.checkpoints));
  expect((await store.listCheckpoints({ runId })).length).toBe(fresh.open);
  const db = new Database(path, { readonly: true });
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(db.pragma("foreign_key_check")).toEqual([]);
    expect(db.prepare("SELECT seq, open_checkpoints AS open FROM runs WHERE run_id = ?").get(runId)).toEqual({ seq: journal.length, open: fresh.open });
    const roles = fresh.checkpoints.reduce((n, c) => n + c.checkpoint.assigneeRoles.length, 0);
    expect(db.prepare("SELECT COUNT(*) AS n FROM checkpoint_roles r JOIN checkpoints c USING (checkpoint_id) WHERE c.run_id = ?").get(runId)).toEqual({ n: roles });
  } finally {
    db.close();
  }
  return journal;
}

describe("sqlite store across processes", () => {
  it("lets 6 processes create and migrate one new file at once, each then appending its own run", async () => {
    const path = join(root, "fresh.db");
    const runIds = Array.from({ length: 6 }, (_, i) => `run-fresh-${i}`);
    const writers = runIds.map((runId) => start("appender.mjs", [path, runId, "3", "complete"]));
    const done = await Promise.all(writers.map((child) => child.line((l) => l.startsWith("done "))));
    expect(await Promise.all(writers.map((child) => child.exited))).toEqual(runIds.map(() => 0));
    const db = new Database(path, { readonly: true });
    // Every migration applied exactly once, though six processes raced to open the new file.
    expect(db.prepare("SELECT version FROM schema_version ORDER BY version").all()).toEqual(Array.from({ length: schemaVersion }, (_, i) => ({ version: i + 1 })));
    db.close();
    const store = createSqliteStore({ path });
    for (const [i, runId] of runIds.entries()) expect((await expectConsistent(store, path, runId)).length).toBe(Number(done[i]!.slice(5)));
    expect((await store.listRuns({ status: "succeeded" })).map((r) => r.runId).sort()).toEqual(runIds);
    await store.close();
  }, 60_000);

  it("accepts exactly one of 8 processes answering one checkpoint at the seq each read; the others get CONFLICT", async () => {
    const path = join(root, "answers.db");
    const store = createSqliteStore({ path });
    const now = await store.now();
    await store.append("run-refund", 0, [
      { type: "run.submitted", data: { task: { id: "t-refund", kind: "payments.refund", title: "Approve the $40k refund for order 1182" }, mode: "auto", acceptance: false } },
      {
        type: "checkpoint.opened",
        data: {
          checkpoint: {
            id: "cp-refund",
            runId: "run-refund",
            kind: "takeover",
            purpose: "task",
            attempt: null,
            question: "Refund $40,000 for order 1182?",
            reasons: ["big-refunds: refunds over $10,000 go to a person"],
            assigneeRoles: ["finance"],
            deadline: now + 86_400_000,
            onTimeout: { action: "escalate", roles: ["cfo"] },
            openedAt: now,
          },
        },
      },
    ]);

    const racers = Array.from({ length: 8 }, (_, i) => start("answer.mjs", [path, "run-refund", "cp-refund", `reviewer-${i}`]));
    const ready = await Promise.all(racers.map((c) => c.line((l) => l.includes('"ready"'))));
    expect(ready.map((l) => JSON.parse(l))).toEqual(racers.map(() => ({ ready: true, seq: 2, status: "open" })));
    for (const c of racers) c.process.stdin.write("go\n");
    const results = (await Promise.all(racers.map((c) => c.line((l) => l.includes('"ok"'))))).map((l) => JSON.parse(l) as { ok: boolean; code?: string });
    expect(await Promise.all(racers.map((c) => c.exited))).toEqual(racers.map(() => 0));

    const winners = results.flatMap((r, i) => (r.ok ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => r.code)).toEqual(Array.from({ length: 7 }, () => "CONFLICT"));
    expect(await store.getCheckpoint("cp-refund")).toMatchObject({
      status: "answered",
      reviewer: { id: `reviewer-${winners[0]}` },
      idempotencyKey: `answer-reviewer-${winners[0]}`,
    });
    const journal = await expectConsistent(store, path, "run-refund");
    expect(journal.filter((e) => e.type === "checkpoint.answered")).toHaveLength(1);
    await store.close();
  }, 60_000);

  it("keeps the file consistent when appending processes are killed with SIGKILL, and other processes carry on", async () => {
    const path = join(root, "killed.db");
    const runIds = ["run-killed-0", "run-killed-1", "run-killed-2", "run-killed-3"];
    const reported = new Map(runIds.map((id) => [id, 0]));
    // Four processes append to four runs of one file at once, so one of them nearly always holds the write lock;
    // killing all four then very likely tears an append in flight. Three rounds, each past the last one's progress.
    for (let round = 0; round < 3; round++) {
      const writers = runIds.map((runId) => ({ runId, child: start("appender.mjs", [path, runId, "1000000"]) }));
      const lines = await Promise.all(
        writers.map(({ runId, child }) => child.line((l) => l.startsWith("progress ") && Number(l.slice(9)) >= reported.get(runId)! + 60)),
      );
      for (const { child } of writers) child.process.kill("SIGKILL");
      expect(await Promise.all(writers.map(({ child }) => child.exited))).toEqual(runIds.map(() => "SIGKILL"));

      const store = createSqliteStore({ path });
      for (const [i, runId] of runIds.entries()) {
        const journal = await expectConsistent(store, path, runId);
        // Everything reported was committed (and more may have been committed since).
        expect(journal.length).toBeGreaterThanOrEqual(Number(lines[i]!.slice(9)));
        reported.set(runId, journal.length);
      }
      await store.close();
    }

    // Other processes continue the runs from where their journals stand, at once, and complete them.
    const finishers = runIds.map((runId) => start("appender.mjs", [path, runId, "12", "complete"]));
    const done = await Promise.all(finishers.map((child) => child.line((l) => l.startsWith("done "))));
    expect(await Promise.all(finishers.map((child) => child.exited))).toEqual(runIds.map(() => 0));
    const store = createSqliteStore({ path });
    for (const [i, runId] of runIds.entries()) {
      const journal = await expectConsistent(store, path, runId);
      expect(journal.length).toBe(Number(done[i]!.slice(5)));
      expect(journal.length).toBeGreaterThan(reported.get(runId)!);
      expect(journal.at(-1)?.type).toBe("run.completed");
      expect((await store.getRun(runId))?.status).toBe("succeeded");
      // Attempts are numbered on without gaps or repeats across the processes.
      const attempts = journal.filter((e) => e.type === "attempt.started").map((e) => (e.data as { attempt: number }).attempt);
      expect(attempts).toEqual(Array.from({ length: attempts.length }, (_, n) => n + 1));
    }
    expect((await store.calibrationSnapshot()).entries).toEqual([{ kind: "code.fix-test", route: "autonomous", successes: 4, failures: 0 }]);
    await store.close();
  }, 120_000);
});
