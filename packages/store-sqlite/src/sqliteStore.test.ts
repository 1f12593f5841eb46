// The SQLite store in one process: the shared conformance suite on a temp file, and what is particular to a
// file (settings, migrations, rollback of a half-applied append, two connections on one file).
import { isConvergentError } from "@convergent/router";
import type { NewRunEvent, RunEvent, Store } from "@convergent/runtime";
import { eventFixtures, makeTask, runStart, runStoreConformance } from "@convergent/runtime/testing";
import Database from "better-sqlite3";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { once } from "node:events";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { schemaVersion } from "./schema.js";
import { createSqliteStore } from "./sqliteStore.js";

const root = mkdtempSync(join(tmpdir(), "convergent-sqlite-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let files = 0;
const newPath = () => join(root, `store-${process.pid}-${++files}.db`);
const pathOf = (store: Store) => store.name.slice("sqlite:".length);
const removeFiles = (path: string) => {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
};

runStoreConformance({
  name: "sqlite store",
  create: async (options) => createSqliteStore({ path: newPath(), ...(options?.clock === undefined ? {} : { clock: options.clock }) }),
  reopen: async (store, options) => createSqliteStore({ path: pathOf(store), ...(options?.clock === undefined ? {} : { clock: options.clock }) }),
  destroy: async (store, { closed }) => {
    if (!closed) await store.close();
    removeFiles(pathOf(store));
  },
  // Another process writes the file under the store: its next read sees the damage.
  corrupt: async (store, runId, seq, damage) => {
    const db = new Database(pathOf(store));
    try {
      if (damage.type !== undefined) db.prepare("UPDATE events SET type = ? WHERE run_id = ? AND seq = ?").run(damage.type, runId, seq);
      if (damage.version !== undefined) db.prepare("UPDATE events SET version = ? WHERE run_id = ? AND seq = ?").run(damage.version, runId, seq);
      if (damage.data !== undefined) db.prepare("UPDATE events SET data = ? WHERE run_id = ? AND seq = ?").run(damage.data, runId, seq);
    } finally {
      db.close();
    }
  },
});

const task = (id: string) => ({
  id,
  kind: "code.fix-test",
  title: "Make parseDate accept ISO week dates",
  signals: { feedbackLatencySec: 30, ruleClosure: 0.9 },
});
const submitted = (id: string): NewRunEvent => ({ type: "run.submitted", data: { task: task(id), mode: "auto", acceptance: false } });
const attemptStarted = (attempt: number): NewRunEvent => ({ type: "attempt.started", data: { attempt, idempotencyKey: `k-${attempt}`, reservedCost: 0.05 } });

describe("createSqliteStore", () => {
  it("puts the file in WAL mode", async () => {
    const path = newPath();
    const store = createSqliteStore({ path });
    // WAL is kept in the file (the other settings are per connection), so another connection sees it.
    const db = new Database(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
    expect(store.name).toBe(`sqlite:${path}`);
    await store.close();
  });

  it("waits up to busyTimeoutMs for another connection's write lock, then fails with a clear error", async () => {
    const path = newPath();
    const patient = createSqliteStore({ path, busyTimeoutMs: 5000 });
    const hasty = createSqliteStore({ path, busyTimeoutMs: 20 });
    await patient.append("run-1", 0, [submitted("t-1")]);
    // Another thread holds the write lock for 300 ms (the store's calls block this thread while they wait).
    const holdLock = (ms: number) =>
      new Promise<Worker>((resolve, reject) => {
        const worker = new Worker(
          `const { workerData, parentPort } = require("node:worker_threads");
           const Database = require(workerData.driver);
           const db = new Database(workerData.path);
           db.exec("BEGIN IMMEDIATE");
           parentPort.postMessage("locked");
           Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.ms);
           db.exec("COMMIT");
           db.close();`,
          { eval: true, workerData: { path, ms, driver: createRequire(import.meta.url).resolve("better-sqlite3") } },
        );
        worker.once("message", () => resolve(worker));
        worker.once("error", reject);
      });

    let worker = await holdLock(300);
    const error = await hasty.append("run-1", 1, [attemptStarted(1)]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConvergentError(error) && error.code).toBe("INTERNAL");
    expect((error as Error).message).toContain("busy timeout");
    await once(worker, "exit");

    // The same wait with a patient connection: it gets the lock once the other thread commits.
    worker = await holdLock(300);
    expect((await patient.append("run-1", 1, [attemptStarted(1)])).map((e) => e.seq)).toEqual([2]);
    await once(worker, "exit");
    await patient.close();
    await hasty.close();
  });

  it("creates the file's directory and records the schema version", async () => {
    const path = join(root, "nested", "dir", "convergent.db");
    const store = createSqliteStore({ path });
    await store.append("run-1", 0, [submitted("t-1")]);
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT MAX(version) AS v FROM schema_version").get()).toEqual({ v: schemaVersion });
    expect(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name),
    ).toEqual(["checkpoint_roles", "checkpoints", "events", "leases", "outcomes", "policies", "router_state", "runs", "schema_version"]);
    db.close();
  });

  it("brings a version-3 file's outcomes forward to approvals with their share, keeping every row and its order", async () => {
    const path = newPath();
    const store = createSqliteStore({ path });
    const finish = async (runId: string, outcome: Parameters<typeof eventFixtures.completed>[1]) => {
      await store.append(runId, 0, runStart(makeTask(`t-${runId}`, {}, "autonomous")));
      await store.append(runId, 2, [eventFixtures.completed("succeeded", outcome)]);
    };
    await finish("old-1", { route: "autonomous", result: "failed", modelFailure: 0.3 });
    await finish("old-2", { route: "supervised", result: "succeeded", modelFailure: 0.2 });
    const before = await store.calibrationSnapshot();
    await store.close();
    // The file as version 3 left it: outcomes without failure_share, whose CHECK knows three results.
    const raw = new Database(path);
    raw.exec(`
      CREATE TABLE outcomes_v3 (
        run_id TEXT PRIMARY KEY REFERENCES runs (run_id) DEFERRABLE INITIALLY DEFERRED,
        kind TEXT NOT NULL,
        route TEXT NOT NULL CHECK (route IN ('autonomous', 'supervised', 'human')),
        result TEXT NOT NULL CHECK (result IN ('succeeded', 'failed', 'overridden')),
        model_failure REAL
      );
      INSERT INTO outcomes_v3 (rowid, run_id, kind, route, result, model_failure) SELECT rowid, run_id, kind, route, result, model_failure FROM outcomes;
      DROP TABLE outcomes;
      ALTER TABLE outcomes_v3 RENAME TO outcomes;
      ALTER TABLE events DROP COLUMN version;
      UPDATE events SET data = json_set(data, '$.policy', json((SELECT policy FROM policies WHERE hash = json_extract(data, '$.policy."$ref"')))) WHERE type = 'run.routed'; DROP TABLE policies; 
      DELETE FROM schema_version WHERE version >= 4;
    `);
    raw.close();
    const upgraded = createSqliteStore({ path });
    expect(await upgraded.calibrationSnapshot()).toEqual(before);
    await upgraded.append("new-1", 0, runStart(makeTask("t-new-1", {}, "supervised")));
    await upgraded.append("new-1", 2, [eventFixtures.completed("succeeded", { route: "supervised", result: "approved", modelFailure: 0.2, failureShare: 0.1 })]);
    const after = await upgraded.calibrationSnapshot();
    await upgraded.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT run_id AS runId, result, failure_share AS share FROM outcomes ORDER BY rowid").all()).toEqual([
      { runId: "old-1", result: "failed", share: null },
      { runId: "old-2", result: "succeeded", share: null },
      { runId: "new-1", result: "approved", share: 0.1 },
    ]);
    // The schema refuses an approval without its share, and a share on a known outcome.
    db.close();
    const rw = new Database(path);
    expect(() => rw.prepare("UPDATE outcomes SET failure_share = NULL WHERE run_id = 'new-1'").run()).toThrow(/CHECK/);
    expect(() => rw.prepare("UPDATE outcomes SET failure_share = 0.5 WHERE run_id = 'old-1'").run()).toThrow(/CHECK/);
    rw.close();
    const kind = makeTask("t-new-1", {}, "supervised").kind;
    expect(after.entries.find((e) => e.kind === kind && e.route === "supervised")).toMatchObject({ successes: 0.9, failures: 0.1 });
  });

  it("brings a version-4 file's outcomes forward to one per run and source, so a shadow run's judgement is kept beside the run's", async () => {
    const path = newPath();
    const store = createSqliteStore({ path });
    await store.append("old-1", 0, runStart(makeTask("t-old-1", {}, "human")));
    await store.append("old-1", 2, [eventFixtures.completed("succeeded", { route: "human", result: "succeeded" })]);
    await store.append("old-2", 0, runStart(makeTask("t-old-2", {}, "supervised")));
    await store.append("old-2", 2, [eventFixtures.completed("succeeded", { route: "supervised", result: "approved", modelFailure: 0.2, failureShare: 0.1 })]);
    const before = await store.calibrationSnapshot();
    await store.close();
    // The file as version 4 left it: one outcome per run, keyed by the run alone.
    const raw = new Database(path);
    raw.exec(`
      CREATE TABLE outcomes_v4 (
        run_id        TEXT PRIMARY KEY REFERENCES runs (run_id) DEFERRABLE INITIALLY DEFERRED,
        kind          TEXT NOT NULL,
        route         TEXT NOT NULL CHECK (route IN ('autonomous', 'supervised', 'human')),
        result        TEXT NOT NULL CHECK (result IN ('succeeded', 'failed', 'overridden', 'approved')),
        model_failure REAL,
        failure_share REAL CHECK (failure_share IS NULL OR (failure_share >= 0 AND failure_share <= 1)),
        CHECK ((result = 'approved') = (failure_share IS NOT NULL))
      );
      INSERT INTO outcomes_v4 (rowid, run_id, kind, route, result, model_failure, failure_share)
        SELECT rowid, run_id, kind, route, result, model_failure, failure_share FROM outcomes;
      DROP TABLE outcomes;
      ALTER TABLE outcomes_v4 RENAME TO outcomes;
      ALTER TABLE events DROP COLUMN version;
      UPDATE events SET data = json_set(data, '$.policy', json((SELECT policy FROM policies WHERE hash = json_extract(data, '$.policy."$ref"')))) WHERE type = 'run.routed'; DROP TABLE policies; 
      DELETE FROM schema_version WHERE version >= 5;
    `);
    raw.close();
    const upgraded = createSqliteStore({ path });
    expect(await upgraded.calibrationSnapshot()).toEqual(before);
    await upgraded.append("new-1", 0, runStart(makeTask("t-new-1", {}, "human")));
    await upgraded.append("new-1", 2, [
      eventFixtures.shadowStarted(),
      eventFixtures.shadowEnded(1),
      eventFixtures.shadowJudged({ route: "autonomous", result: "succeeded", modelFailure: 0.3 }),
      eventFixtures.completed("succeeded", { route: "human", result: "succeeded" }),
    ]);
    await upgraded.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT run_id AS runId, source, route, result FROM outcomes ORDER BY rowid").all()).toEqual([
      { runId: "old-1", source: "run", route: "human", result: "succeeded" },
      { runId: "old-2", source: "run", route: "supervised", result: "approved" },
      { runId: "new-1", source: "shadow", route: "autonomous", result: "succeeded" },
      { runId: "new-1", source: "run", route: "human", result: "succeeded" },
    ]);
    db.close();
  });

  it("takes the journals of the runtime's 2026-12 fixture and reads them back as written, each event with its schema version", async () => {
    const fixture = JSON.parse(readFileSync(new URL("../../runtime/test/fixtures/journals-2026-12.json", import.meta.url), "utf8")) as {
      journals: Record<string, { type: NewRunEvent["type"]; data: unknown }[]>;
    };
    const path = newPath();
    const store = createSqliteStore({ path });
    for (const [runId, events] of Object.entries(fixture.journals)) {
      await store.append(runId, 0, events.map(({ type, data }) => ({ type, data }) as NewRunEvent));
      expect((await store.readRun(runId)).map(({ type, data }) => ({ type, data }))).toEqual(events.map(({ type, data }) => ({ type, data })));
    }
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT DISTINCT version FROM events").all()).toEqual([{ version: 1 }]);
    db.close();
  });

  it("keeps each policy once, by its content hash, and puts it back in the journals it routed; inline policies of older files still read", async () => {
    const path = newPath();
    const store = createSqliteStore({ path });
    const journals: (readonly RunEvent[])[] = [];
    for (const id of ["p-1", "p-2", "p-3"]) {
      await store.append(id, 0, runStart(makeTask(`t-${id}`)));
      journals.push(await store.readRun(id));
    }
    const raw = new Database(path);
    expect(raw.prepare("SELECT COUNT(*) AS n FROM policies").get()).toEqual({ n: 1 });
    const { hash } = raw.prepare("SELECT hash FROM policies").get() as { hash: string };
    const routed = raw.prepare("SELECT data FROM events WHERE type = 'run.routed' AND run_id = 'p-1'").get() as { data: string };
    expect(JSON.parse(routed.data).policy).toEqual({ $ref: hash });
    // A fresh connection reads the policy back from the table, as it was written.
    const again = createSqliteStore({ path });
    expect(await again.readRun("p-2")).toEqual(journals[1]);
    // A file from before kept the policy inline; a policy the table lost is a corrupt journal, named.
    raw.prepare("UPDATE events SET data = ? WHERE type = 'run.routed' AND run_id = 'p-3'").run(JSON.stringify(journals[2]![1]!.data));
    raw.prepare("UPDATE events SET data = json_set(data, '$.policy', json_object('$ref', 'sha256:0000')) WHERE type = 'run.routed' AND run_id = 'p-1'").run();
    raw.close();
    const third = createSqliteStore({ path });
    expect(await third.readRun("p-3")).toEqual(journals[2]);
    await expect(third.readRun("p-1")).rejects.toThrow("run p-1, event 2: corrupt run.routed event: its policy sha256:0000 is not in the store");
    for (const s of [store, again, third]) await s.close();
  });

  it("does not migrate a file twice, and refuses a file from a newer schema", async () => {
    const path = newPath();
    await createSqliteStore({ path }).close();
    const again = createSqliteStore({ path });
    await again.append("run-1", 0, [submitted("t-1")]);
    await again.close();
    const db = new Database(path);
    expect(db.prepare("SELECT COUNT(*) AS n FROM schema_version").get()).toEqual({ n: schemaVersion });
    db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(schemaVersion + 1);
    db.close();
    let error: unknown;
    try {
      createSqliteStore({ path });
    } catch (e) {
      error = e;
    }
    expect(isConvergentError(error)).toBe(true);
    expect((error as Error).message).toContain(`schema version ${schemaVersion + 1}`);
  });

  it("appends none of a batch when one of its events is not what its schema says", async () => {
    const store = createSqliteStore({ path: newPath() });
    await store.append("run-1", 0, [submitted("t-1")]);
    // The second event's output is not JSON data: it could not be read back, so the first must not stay behind either.
    const bad = { type: "attempt.recorded", data: { attempt: 1, output: { big: 1n }, usage: { tokens: 1, cost: 0 }, durationMs: 1 } } as unknown as NewRunEvent;
    await expect(store.append("run-1", 1, [attemptStarted(1), bad])).rejects.toThrow(/^run run-1, event 3: corrupt attempt\.recorded event:\ndata\.output: must be JSON data/);
    expect((await store.readRun("run-1")).map((e) => e.seq)).toEqual([1]);
    expect((await store.getRun("run-1"))?.seq).toBe(1);
    expect((await store.append("run-1", 1, [attemptStarted(1)])).map((e) => e.seq)).toEqual([2]);
    await store.close();
  });

  it("lets two connections on one file see each other's appends and conflict on a stale seq", async () => {
    const path = newPath();
    const a = createSqliteStore({ path });
    const b = createSqliteStore({ path });
    await a.append("run-1", 0, [submitted("t-1")]);
    expect((await b.readRun("run-1")).map((e) => e.seq)).toEqual([1]);
    await b.append("run-1", 1, [attemptStarted(1)]);
    const error = await a.append("run-1", 1, [attemptStarted(1)]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConvergentError(error) && error.code).toBe("CONFLICT");
    expect((await a.getRun("run-1"))?.seq).toBe(2);
    expect(await a.acquireLease("run-1", "process-a", 60_000)).toBe(true);
    expect(await b.acquireLease("run-1", "process-b", 60_000)).toBe(false);
    await a.close();
    await b.close();
  });

  it("keeps a :memory: database private to its store", async () => {
    const a = createSqliteStore({ path: ":memory:" });
    const b = createSqliteStore({ path: ":memory:" });
    expect(a.name).toBe("sqlite::memory:");
    await a.append("run-1", 0, [submitted("t-1")]);
    expect((await a.readRun("run-1")).map((e) => e.seq)).toEqual([1]);
    expect(await b.readRun("run-1")).toEqual([]);
    await a.close();
    await b.close();
  });

  it("fails clearly when used after close(), and closing twice is harmless", async () => {
    const store = createSqliteStore({ path: newPath() });
    await store.close();
    await store.close();
    const error = await store.readRun("run-1").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConvergentError(error) && error.code).toBe("INTERNAL");
    expect((error as Error).message).toContain("used after close()");
  });

  it("brings a version-1 file forward: its outcomes are kept, and new ones carry the model's estimate", async () => {
    const path = newPath();
    const store = createSqliteStore({ path });
    await store.append("run-old", 0, [
      submitted("t-old"),
      { type: "run.completed", data: { status: "succeeded", output: null, reason: "passed", outcome: { route: "autonomous", result: "succeeded" } } },
    ]);
    await store.close();
    // What a file written by version 1 looks like: no model_failure column, one migration recorded.
    const db = new Database(path);
    db.exec(`ALTER TABLE outcomes DROP COLUMN model_failure; DROP TABLE router_state; ALTER TABLE events DROP COLUMN version; UPDATE events SET data = json_set(data, '$.policy', json((SELECT policy FROM policies WHERE hash = json_extract(data, '$.policy."$ref"')))) WHERE type = 'run.routed'; DROP TABLE policies; DELETE FROM schema_version WHERE version > 1;`);
    db.close();

    const reopened = createSqliteStore({ path });
    await reopened.append("run-new", 0, [
      submitted("t-new"),
      { type: "run.completed", data: { status: "failed", output: null, reason: "escalated", outcome: { route: "autonomous", result: "overridden", modelFailure: 0.4 } } },
    ]);
    expect((await reopened.calibrationSnapshot()).entries).toEqual([
      { kind: "code.fix-test", route: "autonomous", successes: 1, failures: 1, overridden: 1, modelled: [expect.objectContaining({ outcomes: 1, failures: 1, expected: 0.4 })] },
    ]);
    await reopened.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT MAX(version) AS v FROM schema_version").get()).toEqual({ v: schemaVersion });
    check.close();
  });

  it("keeps one outcome per run: a later completion replaces the earlier one", async () => {
    const store = createSqliteStore({ path: newPath() });
    await store.append("run-1", 0, [
      submitted("t-1"),
      { type: "run.completed", data: { status: "succeeded", output: null, reason: "passed", outcome: { route: "autonomous", result: "succeeded" } } },
    ]);
    await store.append("run-1", 2, [
      { type: "run.completed", data: { status: "failed", output: null, reason: "a person rejected it", outcome: { route: "autonomous", result: "overridden" } } },
    ]);
    expect((await store.calibrationSnapshot()).entries).toEqual([{ kind: "code.fix-test", route: "autonomous", successes: 0, failures: 1, overridden: 1 }]);
    await store.close();
  });
});
