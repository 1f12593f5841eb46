// The embedded store: journals and their indexes in one SQLite file. Every append is one IMMEDIATE
// transaction (journal length check, events, project()ed indexes, outcomes), so several processes can share
// the file and a process killed mid-append leaves nothing half-written.
import { type CalibrationSnapshot, ConvergentError, type Policy, policyHash } from "@convergent/router";
import {
  type Answer,
  type CheckpointInfo,
  type CheckpointQuery,
  type Clock,
  type NewRunEvent,
  type OutcomeRow,
  type Reviewer,
  type RunEvent,
  type RunInfo,
  type RunQuery,
  type RunStatus,
  type Store,
  checkStoredEvent,
  eventVersions,
  outcomeSnapshot,
  outcomesIn,
  project,
  systemClock,
} from "@convergent/runtime";
import type Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { openDatabase } from "./schema.js";

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file, created with its directory when missing; `:memory:` for a private in-memory database. */
  readonly path: string;
  /**
   * The store's clock: event times, deadlines and leases use it. The system clock by default, which every
   * process on the machine shares; pass a manual clock in tests.
   */
  readonly clock?: Clock;
  /** How long to wait for another process's write lock before failing (5000 ms by default). */
  readonly busyTimeoutMs?: number;
  /**
   * `normal` (the default) keeps every commit across a crash of the process; `full` also across a power
   * loss, at the cost of an fsync per commit. See the package README.
   */
  readonly synchronous?: "normal" | "full";
  /**
   * WAL pages (4 KB each) after which a commit checkpoints the WAL into the database file: 4,000 (about
   * 16 MB) by default. Fewer checkpoints mean fewer fsyncs and faster appends, and a larger WAL between them.
   */
  readonly walAutocheckpointPages?: number;
}

interface RunRow {
  run_id: string;
  task_id: string;
  kind: string;
  title: string;
  route: string | null;
  status: RunStatus;
  seq: number;
  open_checkpoints: number;
  created_at: number;
  updated_at: number;
}

interface CheckpointRow {
  status: CheckpointInfo["status"];
  task_id: string;
  title: string;
  checkpoint: string;
  answer: string | null;
  reviewer: string | null;
  answered_at: number | null;
  idempotency_key: string | null;
}

interface EventRow {
  seq: number;
  at: number;
  type: string;
  version: number;
  data: string;
}

/** An event row read before, with the checked event it gave. */
interface CheckedRow extends EventRow {
  readonly event: RunEvent;
}

/** Journals whose checked rows a store keeps to compare with the next read. */
const checkedRunsLimit = 1000;

/** An event row's data, parsed; text that is not JSON is a corrupt journal, named by run and seq. */
function parseData(runId: string, row: EventRow): unknown {
  try {
    return JSON.parse(row.data);
  } catch (error) {
    throw new ConvergentError("INVALID_INPUT", `run ${runId}, event ${row.seq}: corrupt ${row.type} event: its data is not JSON (${(error as Error).message})`);
  }
}

const runColumns = "run_id, task_id, kind, title, route, status, seq, open_checkpoints, created_at, updated_at";
const checkpointColumns = "status, task_id, title, checkpoint, answer, reviewer, answered_at, idempotency_key";

function toRunInfo(row: RunRow): RunInfo {
  return {
    runId: row.run_id,
    taskId: row.task_id,
    kind: row.kind,
    title: row.title,
    route: row.route,
    status: row.status,
    seq: row.seq,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toCheckpointInfo(row: CheckpointRow): CheckpointInfo {
  return {
    checkpoint: JSON.parse(row.checkpoint) as CheckpointInfo["checkpoint"],
    status: row.status,
    taskId: row.task_id,
    title: row.title,
    answer: row.answer === null ? null : (JSON.parse(row.answer) as Answer),
    reviewer: row.reviewer === null ? null : (JSON.parse(row.reviewer) as Reviewer),
    answeredAt: row.answered_at,
    idempotencyKey: row.idempotency_key,
  };
}

/**
 * Creates the embedded store on one SQLite file (better-sqlite3, WAL mode). Several processes on one
 * machine may open the same file at once: appends are serialized by SQLite's write lock, and the journal
 * length check inside the transaction makes a stale append fail with a `CONFLICT` instead of forking a run.
 *
 * @example
 * ```ts
 * import { createSqliteStore } from "@convergent/store-sqlite";
 *
 * const store = createSqliteStore({ path: ".convergent/convergent.db" });
 * const runtime = createRuntime({ router, store, agents, sandboxes });
 * // …
 * await store.close();
 * ```
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const path = options.path === ":memory:" ? options.path : resolve(options.path);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const clock = options.clock ?? systemClock;
  const db = openDatabase({
    path,
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    synchronous: options.synchronous ?? "normal",
    walAutocheckpointPages: options.walAutocheckpointPages ?? 4000,
  });
  const name = `sqlite:${path}`;

  const sql = {
    loadRouterState: db.prepare<[string], { snapshot: string }>("SELECT snapshot FROM router_state WHERE name = ?"),
    saveRouterState: db.prepare<[string, string, number]>(
      "INSERT INTO router_state (name, snapshot, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at",
    ),
    journalLength: db.prepare<[string], { seq: number | null }>("SELECT MAX(seq) AS seq FROM events WHERE run_id = ?"),
    insertPolicy: db.prepare<[string, string]>("INSERT OR IGNORE INTO policies (hash, policy) VALUES (?, ?)"),
    getPolicy: db.prepare<[string], { policy: string }>("SELECT policy FROM policies WHERE hash = ?"),
    insertEvent: db.prepare<[string, number, number, string, number, string]>("INSERT INTO events (run_id, seq, at, type, version, data) VALUES (?, ?, ?, ?, ?, ?)"),
    readRun: db.prepare<[string], EventRow>("SELECT seq, at, type, version, data FROM events WHERE run_id = ? ORDER BY seq"),
    getRun: db.prepare<[string], RunRow>(`SELECT ${runColumns} FROM runs WHERE run_id = ?`),
    upsertRun: db.prepare<[string, string, string, string, string | null, string, number, number, number, number]>(
      `INSERT INTO runs (${runColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET task_id = excluded.task_id, kind = excluded.kind, title = excluded.title,
         route = excluded.route, status = excluded.status, seq = excluded.seq, open_checkpoints = excluded.open_checkpoints,
         created_at = excluded.created_at, updated_at = excluded.updated_at`,
    ),
    getCheckpoint: db.prepare<[string], CheckpointRow>(`SELECT ${checkpointColumns} FROM checkpoints WHERE checkpoint_id = ?`),
    upsertCheckpoint: db.prepare<[string, string, string, number, string, string, string, string | null, string | null, number | null, string | null]>(
      `INSERT INTO checkpoints (checkpoint_id, run_id, status, deadline, task_id, title, checkpoint, answer, reviewer, answered_at, idempotency_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (checkpoint_id) DO UPDATE SET run_id = excluded.run_id, status = excluded.status, deadline = excluded.deadline,
         task_id = excluded.task_id, title = excluded.title, checkpoint = excluded.checkpoint, answer = excluded.answer,
         reviewer = excluded.reviewer, answered_at = excluded.answered_at, idempotency_key = excluded.idempotency_key`,
    ),
    insertRole: db.prepare<[string, string]>("INSERT OR IGNORE INTO checkpoint_roles (checkpoint_id, role) VALUES (?, ?)"),
    upsertOutcome: db.prepare<[string, string, string, string, string, number | null, number | null]>(
      `INSERT INTO outcomes (run_id, source, kind, route, result, model_failure, failure_share) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, source) DO UPDATE SET kind = excluded.kind, route = excluded.route, result = excluded.result,
         model_failure = excluded.model_failure, failure_share = excluded.failure_share`,
    ),
    // In the order they were recorded, as a router would have seen them.
    outcomeRows: db.prepare<[], OutcomeRow>("SELECT kind, route, result, model_failure AS modelFailure, failure_share AS failureShare FROM outcomes ORDER BY rowid"),
    acquireLease: db.prepare<[string, string, number, number]>(
      `INSERT INTO leases (run_id, owner, until) VALUES (?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, until = excluded.until
       WHERE leases.owner = excluded.owner OR leases.until <= ?`,
    ),
    releaseLease: db.prepare<[string, string]>("DELETE FROM leases WHERE run_id = ? AND owner = ?"),
  };

  // listRuns and listCheckpoints take optional filters; each combination is one fixed SQL text, prepared
  // once. Values are always bound: lists (statuses, roles) go in as one JSON array read by json_each.
  const listStatements = new Map<string, Database.Statement<unknown[]>>();
  const listStatement = (key: string, build: () => string) => {
    let statement = listStatements.get(key);
    if (statement === undefined) {
      statement = db.prepare<unknown[]>(build());
      listStatements.set(key, statement);
    }
    return statement;
  };

  const lookup = (checkpointId: string): CheckpointInfo | undefined => {
    const row = sql.getCheckpoint.get(checkpointId);
    return row === undefined ? undefined : toCheckpointInfo(row);
  };

  // Returns the stamped events and the rows written for them (checked already: the read cache takes them on commit).
  const appendTransaction = db.transaction((runId: string, expectedSeq: number, batch: readonly NewRunEvent[]): { stamped: RunEvent[]; written: CheckedRow[] } => {
    const length = sql.journalLength.get(runId)?.seq ?? 0;
    if (length !== expectedSeq) {
      throw new ConvergentError(
        "CONFLICT",
        `run ${runId}: expected ${expectedSeq} events in the journal, found ${length}; re-read the run and try again`,
      );
    }
    if (batch.length === 0) return { stamped: [], written: [] };
    // The time is read under the write lock, so event times follow commit order across processes.
    const at = clock.now();
    // What cannot be read back is not written: every event is checked against its schema first.
    const stamped = batch.map((e, i) => checkStoredEvent({ ...e, runId, seq: expectedSeq + i + 1, at }));
    const beforeRow = sql.getRun.get(runId);
    const change = project(beforeRow === undefined ? undefined : toRunInfo(beforeRow), beforeRow?.open_checkpoints ?? 0, stamped, lookup);
    const written: CheckedRow[] = [];
    for (const e of stamped) {
      const data = JSON.stringify(e.type === "run.routed" ? { ...e.data, policy: { $ref: storePolicy(e.data.policy) } } : e.data);
      sql.insertEvent.run(runId, e.seq, at, e.type, eventVersions[e.type], data);
      written.push({ seq: e.seq, at, type: e.type, version: eventVersions[e.type], data, event: e });
    }
    const run = change.run;
    sql.upsertRun.run(run.runId, run.taskId, run.kind, run.title, run.route, run.status, run.seq, change.open, run.createdAt, run.updatedAt);
    for (const info of change.checkpoints) {
      const cp = info.checkpoint;
      sql.upsertCheckpoint.run(
        cp.id,
        cp.runId,
        info.status,
        cp.deadline,
        info.taskId,
        info.title,
        JSON.stringify(cp),
        info.answer === null ? null : JSON.stringify(info.answer),
        info.reviewer === null ? null : JSON.stringify(info.reviewer),
        info.answeredAt,
        info.idempotencyKey,
      );
      // Roles are fixed when a checkpoint opens (which may be in this very batch, already answered).
      for (const role of cp.assigneeRoles) sql.insertRole.run(cp.id, role);
    }
    for (const { source, outcome } of outcomesIn(stamped)) {
      sql.upsertOutcome.run(runId, source, run.kind, outcome.route, outcome.result, outcome.modelFailure ?? null, outcome.failureShare ?? null);
    }
    return { stamped, written };
  });

  /** The rows of recently read journals, with the events their check gave (oldest run first; at most checkedRunsLimit). */
  const checkedRows = new Map<string, CheckedRow[]>();
  const rememberRows = (runId: string, rows: CheckedRow[]) => {
    checkedRows.delete(runId);
    if (checkedRows.size >= checkedRunsLimit) checkedRows.delete(checkedRows.keys().next().value!);
    checkedRows.set(runId, rows);
  };
  /** Policies by content hash, as the policies table holds them (a few per store; parsed once). */
  const policies = new Map<string, Policy>();
  const hashes = new WeakMap<Policy, string>();
  /** Keeps a run's policy once per content hash (in the append transaction) and returns the hash. */
  const storePolicy = (policy: Policy): string => {
    let hash = hashes.get(policy);
    if (hash === undefined) {
      hash = policyHash(policy);
      hashes.set(policy, hash);
    }
    // Always inside the append's transaction: a rolled-back append takes its policy row with it.
    sql.insertPolicy.run(hash, JSON.stringify(policy));
    return hash;
  };
  /** A run.routed event's data with the policy its `$ref` names put back; other data as it is. */
  const withPolicy = (runId: string, row: EventRow, data: unknown): unknown => {
    if (row.type !== "run.routed" || typeof data !== "object" || data === null) return data;
    const ref = (data as { policy?: { $ref?: unknown } }).policy?.$ref;
    if (typeof ref !== "string") return data;
    let policy = policies.get(ref);
    if (policy === undefined) {
      const found = sql.getPolicy.get(ref);
      if (found === undefined) throw new ConvergentError("INVALID_INPUT", `run ${runId}, event ${row.seq}: corrupt run.routed event: its policy ${ref} is not in the store`);
      policy = JSON.parse(found.policy) as Policy;
      if (policies.size >= 100) policies.clear();
      policies.set(ref, policy);
    }
    return { ...data, policy };
  };
  let closed = false;
  /** Runs `fn` on the open database; after close() every call fails the same clear way. */
  const use = <T>(fn: () => T): T => {
    if (closed) throw new ConvergentError("INTERNAL", `${name}: used after close()`);
    try {
      return fn();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === "string" && code.startsWith("SQLITE_BUSY")) {
        throw new ConvergentError("INTERNAL", `${name}: another process held the database's write lock for longer than the busy timeout; try again`, { cause: error });
      }
      throw error;
    }
  };

  return {
    name,
    async now() {
      return clock.now();
    },
    async append(runId, expectedSeq, batch) {
      return use(() => {
        const { stamped, written } = appendTransaction.immediate(runId, expectedSeq, batch);
        // Committed: what was written is checked already; the next read of the run compares its rows with these.
        const seen = checkedRows.get(runId);
        if (written.length > 0 && expectedSeq === 0) rememberRows(runId, written);
        else if (written.length > 0 && seen !== undefined && seen.length === expectedSeq) rememberRows(runId, [...seen, ...written]);
        return stamped;
      });
    },
    async readRun(runId) {
      return use(() => {
        // Every event is checked against its type's schema: a corrupt journal is an error naming the run and seq. A row
        // read before with the same text is the event checked then (journals are append-only), so a run read again
        // is parsed and checked only where it grew, or where its file was changed under it.
        const rows = sql.readRun.all(runId);
        const seen = checkedRows.get(runId);
        const events: RunEvent[] = [];
        const kept: CheckedRow[] = [];
        for (const [i, row] of rows.entries()) {
          if (row.seq !== i + 1) throw new ConvergentError("INVALID_INPUT", `run ${runId}: the journal skips from event ${i} to ${row.seq}; it is corrupt`);
          const before = seen?.[i];
          const event =
            before !== undefined && before.at === row.at && before.type === row.type && before.version === row.version && before.data === row.data
              ? before.event
              : checkStoredEvent({ runId, seq: row.seq, at: row.at, type: row.type, version: row.version, data: withPolicy(runId, row, parseData(runId, row)) });
          events.push(event);
          kept.push({ ...row, event });
        }
        rememberRows(runId, kept);
        return events;
      });
    },
    async getRun(runId) {
      return use(() => {
        const row = sql.getRun.get(runId);
        return row === undefined ? undefined : toRunInfo(row);
      });
    },
    async listRuns(query: RunQuery = {}) {
      return use(() => {
        const statuses = query.status === undefined ? undefined : typeof query.status === "string" ? [query.status] : [...query.status];
        const limit = query.limit ?? -1;
        if (statuses === undefined) {
          return listStatement("runs", () => `SELECT ${runColumns} FROM runs ORDER BY created_at DESC, run_id DESC LIMIT ?`)
            .all(limit)
            .map((row) => toRunInfo(row as RunRow));
        }
        return listStatement(
          "runs:status",
          () => `SELECT ${runColumns} FROM runs WHERE status IN (SELECT value FROM json_each(?)) ORDER BY created_at DESC, run_id DESC LIMIT ?`,
        )
          .all(JSON.stringify(statuses), limit)
          .map((row) => toRunInfo(row as RunRow));
      });
    },
    async getCheckpoint(checkpointId) {
      return use(() => lookup(checkpointId));
    },
    async listCheckpoints(query: CheckpointQuery = {}) {
      return use(() => {
        const status = query.status ?? "open";
        const where: string[] = [];
        const params: unknown[] = [];
        let key = "checkpoints";
        if (status !== "any") {
          where.push("c.status = ?");
          params.push(status);
          key += ":status";
        }
        if (query.runId !== undefined) {
          where.push("c.run_id = ?");
          params.push(query.runId);
          key += ":run";
        }
        if (query.dueBefore !== undefined) {
          where.push("c.deadline <= ?");
          params.push(query.dueBefore);
          key += ":due";
        }
        if (query.roles !== undefined) {
          where.push("EXISTS (SELECT 1 FROM checkpoint_roles r WHERE r.checkpoint_id = c.checkpoint_id AND r.role IN (SELECT value FROM json_each(?)))");
          params.push(JSON.stringify(query.roles));
          key += ":roles";
        }
        params.push(query.limit ?? -1);
        return listStatement(
          key,
          () =>
            `SELECT c.status, c.task_id, c.title, c.checkpoint, c.answer, c.reviewer, c.answered_at, c.idempotency_key
             FROM checkpoints c
             ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
             ORDER BY c.deadline, c.checkpoint_id LIMIT ?`,
        )
          .all(...params)
          .map((row) => toCheckpointInfo(row as CheckpointRow));
      });
    },
    async loadRouterState(name) {
      return use(() => {
        const row = sql.loadRouterState.get(name);
        return row === undefined ? undefined : (JSON.parse(row.snapshot) as CalibrationSnapshot);
      });
    },
    async saveRouterState(name, snapshot) {
      use(() => sql.saveRouterState.run(name, JSON.stringify(snapshot), clock.now()));
    },
    async calibrationSnapshot(): Promise<CalibrationSnapshot> {
      return use(() => {
        return outcomeSnapshot(sql.outcomeRows.all());
      });
    },
    async acquireLease(runId, owner, ttlMs) {
      return use(() => {
        const now = clock.now();
        return sql.acquireLease.run(runId, owner, now + ttlMs, now).changes === 1;
      });
    },
    async releaseLease(runId, owner) {
      use(() => sql.releaseLease.run(runId, owner));
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
