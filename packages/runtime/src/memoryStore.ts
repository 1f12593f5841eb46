// The in-memory store: journals, indexes and leases in maps. For tests and for embedding without persistence.
import { type CalibrationSnapshot, ConvergentError } from "@convergent/router";
import { type Clock, systemClock } from "./clock.js";
import { checkStoredEvent, checkStoredJournal, eventVersions, type StoredEvent } from "./eventSchemas.js";
import type { NewRunEvent, RunEvent, RunStatus } from "./events.js";
import { type CheckpointInfo, type RunInfo, project } from "./projection.js";
import { type CheckpointQuery, type OutcomeRow, type RunQuery, type Store, outcomeSnapshot, outcomesIn } from "./store.js";

/** Each memory store's journals, for the test helper that corrupts one (`corruptMemoryEvent` in `./testing`). */
export const memoryJournals = new WeakMap<Store, Map<string, StoredEvent[]>>();

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** The store's clock (a manual clock in tests); the system clock by default. */
  readonly clock?: Clock;
}

/**
 * Creates a store that keeps everything in memory. Appends are atomic within the process, so it
 * behaves like the durable stores for everything but surviving a restart.
 *
 * @example
 * ```ts
 * const store = createMemoryStore();
 * const runtime = createRuntime({ router, store, agents, sandboxes });
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const clock = options.clock ?? systemClock;
  // Checked like a durable store's: on append, and on read when one was changed since.
  const journals = new Map<string, StoredEvent[]>();
  /** The kept events that passed their schema check, with their version (every appended one; not one damaged since). */
  const checked = new WeakMap<StoredEvent, number>();
  const runs = new Map<string, RunInfo>();
  const openCounts = new Map<string, number>();
  const checkpoints = new Map<string, CheckpointInfo>();
  // One outcome per run and source (its completion, its shadow run): a store never counts the same evidence twice.
  const outcomes = new Map<string, OutcomeRow>();
  const leases = new Map<string, { owner: string; until: number }>();
  // Kept as JSON text, so a caller's later changes to a saved snapshot never reach the store.
  const routerStates = new Map<string, string>();
  let closed = false;

  const check = () => {
    if (closed) throw new ConvergentError("INTERNAL", "memory store: used after close()");
  };

  const store: Store = {
    name: "memory",
    async now() {
      return clock.now();
    },
    async append(runId: string, expectedSeq: number, events: readonly NewRunEvent[]) {
      check();
      const journal = journals.get(runId) ?? [];
      if (journal.length !== expectedSeq) {
        throw new ConvergentError("CONFLICT", `run ${runId}: expected ${expectedSeq} events in the journal, found ${journal.length}; re-read the run and try again`);
      }
      if (events.length === 0) return [];
      const at = clock.now();
      // What cannot be read back is not written: every event is checked against its schema first.
      const stamped = events.map((e, i) => checkStoredEvent({ ...e, runId, seq: expectedSeq + i + 1, at }));
      const change = project(runs.get(runId), openCounts.get(runId) ?? 0, stamped, (id) => checkpoints.get(id));
      for (const e of stamped) checked.set(e, eventVersions[e.type]);
      journals.set(runId, [...journal, ...stamped]);
      runs.set(runId, change.run);
      for (const info of change.checkpoints) checkpoints.set(info.checkpoint.id, info);
      openCounts.set(runId, change.open);
      for (const { source, outcome } of outcomesIn(stamped)) {
        const { route, result, modelFailure, failureShare } = outcome;
        // Map order is first-insertion order: a replaced outcome keeps its place, as a SQL upsert keeps its rowid.
        outcomes.set(`${source}:${runId}`, { kind: change.run.kind, route, result, modelFailure: modelFailure ?? null, failureShare: failureShare ?? null });
      }
      return stamped;
    },
    async readRun(runId) {
      check();
      // Events were checked when appended; only one changed since (damaged by `corruptMemoryEvent`) is checked again.
      const journal = journals.get(runId) ?? [];
      return journal.every((e) => checked.has(e))
        ? (journal.slice() as RunEvent[])
        : checkStoredJournal(runId, journal.map((e) => ({ ...e, version: checked.get(e) ?? e.version })));
    },
    async getRun(runId) {
      check();
      return runs.get(runId);
    },
    async listRuns(query: RunQuery = {}) {
      check();
      const statuses = query.status === undefined ? undefined : new Set<RunStatus>(typeof query.status === "string" ? [query.status] : query.status);
      const list = [...runs.values()]
        .filter((r) => statuses === undefined || statuses.has(r.status))
        .sort((a, b) => b.createdAt - a.createdAt || (a.runId < b.runId ? 1 : -1));
      return query.limit === undefined ? list : list.slice(0, query.limit);
    },
    async getCheckpoint(id) {
      check();
      return checkpoints.get(id);
    },
    async listCheckpoints(query: CheckpointQuery = {}) {
      check();
      const status = query.status ?? "open";
      const roles = query.roles === undefined ? undefined : new Set(query.roles);
      const list = [...checkpoints.values()]
        .filter(
          (c) =>
            (status === "any" || c.status === status) &&
            (query.runId === undefined || c.checkpoint.runId === query.runId) &&
            (query.dueBefore === undefined || c.checkpoint.deadline <= query.dueBefore) &&
            (roles === undefined || c.checkpoint.assigneeRoles.some((r) => roles.has(r))),
        )
        .sort((a, b) => a.checkpoint.deadline - b.checkpoint.deadline || (a.checkpoint.id < b.checkpoint.id ? -1 : 1));
      return query.limit === undefined ? list : list.slice(0, query.limit);
    },
    async loadRouterState(name) {
      check();
      const saved = routerStates.get(name);
      return saved === undefined ? undefined : (JSON.parse(saved) as CalibrationSnapshot);
    },
    async saveRouterState(name, snapshot) {
      check();
      routerStates.set(name, JSON.stringify(snapshot));
    },
    async calibrationSnapshot(): Promise<CalibrationSnapshot> {
      check();
      return outcomeSnapshot(outcomes.values());
    },
    async acquireLease(runId, owner, ttlMs) {
      check();
      const now = clock.now();
      const lease = leases.get(runId);
      if (lease !== undefined && lease.owner !== owner && lease.until > now) return false;
      leases.set(runId, { owner, until: now + ttlMs });
      return true;
    },
    async releaseLease(runId, owner) {
      check();
      if (leases.get(runId)?.owner === owner) leases.delete(runId);
    },
    async close() {
      closed = true;
    },
  };
  memoryJournals.set(store, journals);
  return store;
}
