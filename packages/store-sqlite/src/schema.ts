// Opening the SQLite file: connection settings (WAL, busy timeout, synchronous, foreign keys) and the
// numbered schema migrations, applied under a write lock so processes opening one file together agree.
import Database from "better-sqlite3";
import { ConvergentError } from "@convergent/router";

/** One migration: the schema change that takes the file from `version - 1` to `version`. */
interface Migration {
  readonly version: number;
  readonly sql: string;
}

/**
 * The schema, as numbered steps. Append new steps; never edit a released one: files in the field are at
 * some step and are brought forward from there.
 */
const migrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      -- The journals: the source of truth. Everything below is an index derived from them by project().
      CREATE TABLE events (
        run_id TEXT NOT NULL REFERENCES runs (run_id) DEFERRABLE INITIALLY DEFERRED,
        seq    INTEGER NOT NULL CHECK (seq >= 1),
        at     INTEGER NOT NULL,
        type   TEXT NOT NULL,
        data   TEXT NOT NULL, -- JSON (TEXT, not a JSON-named type: that would get NUMERIC affinity)
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE runs (
        run_id           TEXT PRIMARY KEY,
        task_id          TEXT NOT NULL,
        kind             TEXT NOT NULL,
        title            TEXT NOT NULL,
        route            TEXT,
        status           TEXT NOT NULL,
        seq              INTEGER NOT NULL,
        open_checkpoints INTEGER NOT NULL CHECK (open_checkpoints >= 0),
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL
      );
      CREATE INDEX runs_by_created ON runs (created_at DESC, run_id DESC);
      CREATE INDEX runs_by_status ON runs (status, created_at DESC, run_id DESC);

      CREATE TABLE checkpoints (
        checkpoint_id   TEXT PRIMARY KEY,
        run_id          TEXT NOT NULL REFERENCES runs (run_id) DEFERRABLE INITIALLY DEFERRED,
        status          TEXT NOT NULL CHECK (status IN ('open', 'answered', 'expired')),
        deadline        REAL NOT NULL,
        task_id         TEXT NOT NULL,
        title           TEXT NOT NULL,
        checkpoint      TEXT NOT NULL, -- JSON
        answer          TEXT,          -- JSON
        reviewer        TEXT,          -- JSON
        answered_at     INTEGER,
        idempotency_key TEXT
      );
      CREATE INDEX checkpoints_by_status ON checkpoints (status, deadline, checkpoint_id);
      CREATE INDEX checkpoints_by_run ON checkpoints (run_id, status, deadline, checkpoint_id);

      -- Assignee roles, one row each, so "open checkpoints any of these roles may answer" is an index probe.
      CREATE TABLE checkpoint_roles (
        checkpoint_id TEXT NOT NULL REFERENCES checkpoints (checkpoint_id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        role          TEXT NOT NULL,
        PRIMARY KEY (checkpoint_id, role)
      ) WITHOUT ROWID;
      CREATE INDEX checkpoint_roles_by_role ON checkpoint_roles (role, checkpoint_id);

      -- Exactly one outcome per run: the latest completion's.
      CREATE TABLE outcomes (
        run_id TEXT PRIMARY KEY REFERENCES runs (run_id) DEFERRABLE INITIALLY DEFERRED,
        kind   TEXT NOT NULL,
        route  TEXT NOT NULL CHECK (route IN ('autonomous', 'supervised', 'human')),
        result TEXT NOT NULL CHECK (result IN ('succeeded', 'failed', 'overridden'))
      );

      -- Who drives a run now. Not tied to runs: a worker may lease a run before its first event.
      CREATE TABLE leases (
        run_id TEXT PRIMARY KEY,
        owner  TEXT NOT NULL,
        until  REAL NOT NULL
      );
    `,
  },
  {
    version: 2,
    sql: `
      -- The convergence model's failure estimate at routing time, for outcomes of agent runs: calibration learns
      -- how far the model is off (Outcome.modelFailure). NULL for older rows and for people's outcomes.
      ALTER TABLE outcomes ADD COLUMN model_failure REAL;
    `,
  },
  {
    version: 3,
    sql: `
      -- What a long-lived routing process (convergent route --learn) learnt outside of runs: its calibration
      -- snapshot, one row per name, replaced on every save.
      CREATE TABLE router_state (
        name       TEXT PRIMARY KEY,
        snapshot   TEXT NOT NULL, -- JSON
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    sql: `
      -- A reviewer's approval is an outcome of its own ('approved'), counted as failure_share of a failure
      -- (Outcome.failureShare): reviewers miss part of what is wrong. SQLite cannot widen a CHECK in place, so the
      -- table is rebuilt, keeping every row's rowid (outcomes replay in rowid order).
      CREATE TABLE outcomes_v4 (
        run_id        TEXT PRIMARY KEY REFERENCES runs (run_id) DEFERRABLE INITIALLY DEFERRED,
        kind          TEXT NOT NULL,
        route         TEXT NOT NULL CHECK (route IN ('autonomous', 'supervised', 'human')),
        result        TEXT NOT NULL CHECK (result IN ('succeeded', 'failed', 'overridden', 'approved')),
        model_failure REAL,
        failure_share REAL CHECK (failure_share IS NULL OR (failure_share >= 0 AND failure_share <= 1)),
        CHECK ((result = 'approved') = (failure_share IS NOT NULL))
      );
      INSERT INTO outcomes_v4 (rowid, run_id, kind, route, result, model_failure)
        SELECT rowid, run_id, kind, route, result, model_failure FROM outcomes;
      DROP TABLE outcomes;
      ALTER TABLE outcomes_v4 RENAME TO outcomes;
    `,
  },
  {
    version: 5,
    sql: `
      -- A run may teach calibration twice: by how it ended ('run') and by the judgement of its shadow run ('shadow',
      -- the agent working blind on a task a person did). One outcome per run and source; rebuilt to change the key,
      -- keeping every row's rowid (outcomes replay in rowid order).
      CREATE TABLE outcomes_v5 (
        run_id        TEXT NOT NULL REFERENCES runs (run_id) DEFERRABLE INITIALLY DEFERRED,
        source        TEXT NOT NULL DEFAULT 'run' CHECK (source IN ('run', 'shadow')),
        kind          TEXT NOT NULL,
        route         TEXT NOT NULL CHECK (route IN ('autonomous', 'supervised', 'human')),
        result        TEXT NOT NULL CHECK (result IN ('succeeded', 'failed', 'overridden', 'approved')),
        model_failure REAL,
        failure_share REAL CHECK (failure_share IS NULL OR (failure_share >= 0 AND failure_share <= 1)),
        CHECK ((result = 'approved') = (failure_share IS NOT NULL)),
        PRIMARY KEY (run_id, source)
      );
      INSERT INTO outcomes_v5 (rowid, run_id, source, kind, route, result, model_failure, failure_share)
        SELECT rowid, run_id, 'run', kind, route, result, model_failure, failure_share FROM outcomes;
      DROP TABLE outcomes;
      ALTER TABLE outcomes_v5 RENAME TO outcomes;
    `,
  },
  {
    version: 6,
    sql: `
      -- The version of each event's data schema (@convergent/runtime's eventVersions), checked when a journal is read:
      -- a later Convergent upgrades or refuses what it cannot read. Events written before are version 1.
      ALTER TABLE events ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    `,
  },
  {
    version: 7,
    sql: `
      -- Policies once per content hash: a run.routed event keeps {"$ref": hash} in place of the policy it was routed
      -- under, and reading the journal puts the policy back. Events written before keep theirs inline.
      CREATE TABLE policies (
        hash   TEXT PRIMARY KEY,
        policy TEXT NOT NULL -- JSON
      );
    `,
  },
];

/** The schema version this package writes. */
export const schemaVersion: number = migrations[migrations.length - 1]!.version;

/** Connection settings for {@link openDatabase}. */
export interface OpenOptions {
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly synchronous: "normal" | "full";
  /** WAL pages after which a commit checkpoints the WAL into the database file. */
  readonly walAutocheckpointPages: number;
}

/**
 * Opens the file, configures the connection and brings the schema up to date.
 *
 * - WAL: readers never block the writer nor the writer the readers, and one file serves several processes.
 * - busy_timeout: a process waiting for another's write lock retries for this long instead of failing.
 * - synchronous=NORMAL (by default): in WAL mode a commit is durable as soon as it is in the WAL, which the
 *   OS keeps across a crash or SIGKILL of the process; only a power loss or OS crash can drop the last few
 *   commits (never corrupt the file), and commits skip an fsync each. `full` fsyncs every commit.
 * - wal_autocheckpoint (4,000 pages, about 16 MB, by default; SQLite's own is 1,000): a checkpoint is the
 *   one step that fsyncs under NORMAL, and each append touches several indexes, so checkpointing four times
 *   less often makes appends about a third faster. journal_size_limit truncates the WAL back to 64 MB after a
 *   checkpoint, so the file does not keep its high-water size.
 * - foreign_keys: the indexes cannot point at runs that do not exist.
 */
export function openDatabase(options: OpenOptions): Database.Database {
  const db = new Database(options.path);
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    if (options.path !== ":memory:") setWal(db, options.path);
    db.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
    db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(options.walAutocheckpointPages))}`);
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    db.pragma("foreign_keys = ON");
    migrate(db, options.path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Switches to WAL. The switch needs a moment alone with the file, so a busy answer is retried briefly. */
function setWal(db: Database.Database, path: string): void {
  for (let tries = 0; ; tries++) {
    try {
      const mode = db.pragma("journal_mode = WAL", { simple: true });
      if (mode !== "wal") throw new ConvergentError("INTERNAL", `sqlite store ${path}: cannot use WAL mode (journal_mode is ${String(mode)}); is the file on a network drive?`);
      return;
    } catch (error) {
      if (!isBusy(error) || tries >= 50) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/** Applies the migrations the file lacks, in one IMMEDIATE transaction (the first process to open migrates). */
function migrate(db: Database.Database, path: string): void {
  db.transaction(() => {
    db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const row = db.prepare("SELECT MAX(version) AS version FROM schema_version").get() as { version: number | null };
    const current = row.version ?? 0;
    if (current > schemaVersion) {
      throw new ConvergentError(
        "INTERNAL",
        `sqlite store ${path}: the file has schema version ${current}, newer than this @convergent/store-sqlite understands (${schemaVersion}); upgrade the package`,
      );
    }
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(migration.version);
    }
  }).immediate();
}
