// The store conformance suite: the Store port's contract as vitest tests. Every store (memory, SQLite,
// PostgreSQL) registers it with runStoreConformance and must pass it unchanged.
import { type ConvergentError, type Route, type Task, createCalibration, isConvergentError } from "@convergent/router";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Answer } from "../checkpoint.js";
import type { Clock } from "../clock.js";
import { type NewRunEvent, type RunEvent, type RunOutcome, calibrationOutcome } from "../events.js";
import type { Store } from "../store.js";
import { type ManualClock, events, makeCheckpoint, makeDecision, makeReviewer, makeTask, manualClock, runStart } from "./fixtures.js";

/** Options of {@link runStoreConformance}. */
export interface StoreConformanceOptions {
  /** The name of the `describe` block, e.g. `sqlite store`. */
  readonly name: string;
  /**
   * Creates an empty store. The suite passes a manual clock; a store that takes it (its `now()` returns
   * the clock's time) gets exact timing tests, one that ignores it is tested against its own clock by
   * polling `now()` (short TTLs, no waits over ~50 ms) and skips the lease-renewal timing test.
   */
  create(options?: { readonly clock?: Clock }): Promise<Store>;
  /**
   * Called once after each test for every store `create` or `reopen` returned (newest first): closes
   * it unless `closed` and removes what `create` made (files, schemas). Without it the suite closes the
   * stores still open.
   */
  destroy?(store: Store, state: { readonly closed: boolean }): Promise<void>;
  /**
   * For durable stores: opens a new instance on the data of `store`, which the suite has closed, with
   * the same clock. When given, the suite checks that journals, indexes, outcomes and leases persist.
   */
  reopen?(store: Store, options?: { readonly clock?: Clock }): Promise<Store>;
  /**
   * Overwrites what the store keeps of event `seq` of a run, as a fault or another program would: its type, its schema
   * version, or its data as text (JSON or not). With it, the suite checks that the store refuses to hand out a corrupt
   * journal, with an error naming the run and the event.
   */
  corrupt?(store: Store, runId: string, seq: number, damage: { readonly type?: string; readonly version?: number; readonly data?: string }): Promise<void>;
}

const hour = 3_600_000;

/** What an async call threw, or fails the test when it resolved. */
async function thrown(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, but it resolved to ${JSON.stringify(value)?.slice(0, 200)}`);
    },
    (error: unknown) => error,
  );
}

/** Expects `promise` to reject with a ConvergentError `CONFLICT`. */
async function expectConflict(promise: Promise<unknown>): Promise<void> {
  expectConflictError(await thrown(promise));
}

function expectConflictError(error: unknown): void {
  expect(isConvergentError(error), `expected a ConvergentError, got ${String(error)}`).toBe(true);
  expect((error as ConvergentError).code).toBe("CONFLICT");
}

/** The ids of listed checkpoints, in order. */
function ids(list: readonly { readonly checkpoint: { readonly id: string } }[]): string[] {
  return list.map((c) => c.checkpoint.id);
}

/** A JSON value nested `depth` levels deep. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true, note: "bottom" };
  for (let level = depth; level > 0; level--) value = { level, list: [level, `${level}`, null], child: value };
  return value;
}

/**
 * Registers the store conformance suite: a vitest `describe(options.name)` whose tests state the
 * {@link Store} contract (journals and conflicts, concurrent appends, the run and checkpoint indexes,
 * exactly-once answers, outcomes and calibration, leases, JSON fidelity, closing and reopening).
 *
 * @example
 * ```ts
 * // sqliteStore.test.ts
 * import { runStoreConformance } from "@convergent/runtime/testing";
 *
 * runStoreConformance({
 *   name: "sqlite store",
 *   create: async ({ clock } = {}) => createSqliteStore({ path: tempFile(), clock }),
 *   destroy: async (store, { closed }) => { if (!closed) await store.close(); removeFileOf(store); },
 * });
 * ```
 */
export function runStoreConformance(options: StoreConformanceOptions): void {
  describe(options.name, () => {
    let clock: ManualClock;
    let store: Store;
    /** Whether the store runs on the suite's manual clock. */
    let manual: boolean;
    let created: Store[] = [];
    /** Stores a test closed on purpose. */
    let closed = new Set<Store>();

    const create = async (): Promise<Store> => {
      const made = await options.create({ clock });
      created.push(made);
      return made;
    };

    beforeEach(async () => {
      clock = manualClock();
      created = [];
      closed = new Set();
      store = await create();
      manual = (await store.now()) === clock.now();
    });

    afterEach(async () => {
      for (const made of created.reverse()) {
        if (options.destroy !== undefined) await options.destroy(made, { closed: closed.has(made) });
        else if (!closed.has(made)) await made.close();
      }
      created = [];
    });

    /**
     * Moves the store clock forward: by exactly `ms` on the manual clock; on a store's own clock it only
     * waits for the next millisecond (tests never sleep long), so amounts are asserted on the manual clock.
     */
    const advance = async (ms: number): Promise<void> => {
      if (manual) {
        clock.advance(ms);
        return;
      }
      const start = await store.now();
      while ((await store.now()) <= start) await new Promise((resolve) => setTimeout(resolve, 1));
    };

    /** Waits until the store clock is past `time`. */
    const waitPast = async (time: number): Promise<void> => {
      if (manual) {
        if (clock.now() <= time) clock.set(time + 1);
        return;
      }
      while ((await store.now()) <= time) await new Promise((resolve) => setTimeout(resolve, 2));
    };

    /** Appends at the journal's current length. */
    const appendNext = async (runId: string, batch: readonly NewRunEvent[]): Promise<readonly RunEvent[]> =>
      store.append(runId, (await store.readRun(runId)).length, batch);

    /** Starts a run (submitted + routed) and returns its task. */
    const startRun = async (runId: string, task: Task = makeTask(`task-${runId}`)): Promise<Task> => {
      await store.append(runId, 0, runStart(task));
      return task;
    };

    /** Everything a failed append must leave untouched. */
    const snapshotOf = async (runId: string) => ({
      journal: await store.readRun(runId),
      run: await store.getRun(runId),
      checkpoints: await store.listCheckpoints({ status: "any" }),
      calibration: await store.calibrationSnapshot(),
    });

    describe("journal", () => {
      it("stamps appended events with seq 1..n, the run id and the store clock", async () => {
        const task = makeTask("t-stamp");
        const before = await store.now();
        const first = await store.append("run-stamp", 0, runStart(task));
        const afterFirst = await store.now();
        expect(first.map((e) => [e.runId, e.seq, e.type])).toEqual([
          ["run-stamp", 1, "run.submitted"],
          ["run-stamp", 2, "run.routed"],
        ]);
        expect(first.map((e) => e.data)).toEqual(runStart(task).map((e) => e.data));
        if (manual) expect(first.map((e) => e.at)).toEqual([clock.now(), clock.now()]);
        for (const e of first) {
          expect(e.at).toBeGreaterThanOrEqual(before);
          expect(e.at).toBeLessThanOrEqual(afterFirst);
        }

        await advance(1500);
        const third = await store.append("run-stamp", 2, [events.attemptStarted(1)]);
        expect(third.map((e) => [e.seq, e.type])).toEqual([[3, "attempt.started"]]);
        if (manual) expect(third[0]?.at).toBe(first[0]!.at + 1500);
        expect(third[0]!.at).toBeGreaterThan(first[0]!.at);
        expect(await store.readRun("run-stamp")).toEqual([...first, ...third]);
      });

      it("reads the store clock with now()", async () => {
        const t0 = await store.now();
        expect(Number.isFinite(t0)).toBe(true);
        await advance(250);
        const t1 = await store.now();
        expect(t1).toBeGreaterThan(t0);
        if (manual) expect([t0, t1]).toEqual([clock.now() - 250, clock.now()]);
      });

      it("throws CONFLICT and appends nothing when expectedSeq is stale or ahead", async () => {
        await startRun("run-stale");
        await appendNext("run-stale", [events.opened(makeCheckpoint({ id: "cp-stale", runId: "run-stale", deadline: (await store.now()) + hour }))]);
        const before = await snapshotOf("run-stale");
        expect(before.journal).toHaveLength(3);

        const late = [events.answered("cp-stale", makeReviewer("ann")), events.completed("succeeded", { route: "autonomous", result: "succeeded" })];
        for (const seq of [0, 1, 2, 4, 10]) {
          const error = await thrown(store.append("run-stale", seq, late));
          expectConflictError(error);
          expect((error as Error).message).toContain("run-stale");
        }
        expect(await snapshotOf("run-stale")).toEqual(before);
      });

      it("needs expectedSeq 0 to start a new run", async () => {
        await expectConflict(store.append("run-new", 1, runStart(makeTask("t-new"))));
        expect(await store.readRun("run-new")).toEqual([]);
        expect(await store.getRun("run-new")).toBeUndefined();

        const appended = await store.append("run-new", 0, runStart(makeTask("t-new")));
        expect(appended.map((e) => e.seq)).toEqual([1, 2]);
        await expectConflict(store.append("run-new", 0, runStart(makeTask("t-new-again"))));
        expect((await store.getRun("run-new"))?.taskId).toBe("t-new");
      });

      it("changes nothing on an empty append and still checks expectedSeq", async () => {
        await startRun("run-empty");
        const before = await snapshotOf("run-empty");
        expect(await store.append("run-empty", 2, [])).toEqual([]);
        await expectConflict(store.append("run-empty", 1, []));
        expect(await snapshotOf("run-empty")).toEqual(before);
        expect(await store.append("run-never", 0, [])).toEqual([]);
        expect(await store.getRun("run-never")).toBeUndefined();
        expect(await store.readRun("run-never")).toEqual([]);
      });

      it("rejects a batch it cannot project and appends none of it", async () => {
        // A run must start with run.submitted; the batch's first event breaks that.
        const task = makeTask("t-bad");
        await expect(store.append("run-bad", 0, [events.routed(makeDecision(task)), events.submitted(task)])).rejects.toThrow();
        expect(await store.readRun("run-bad")).toEqual([]);
        expect(await store.getRun("run-bad")).toBeUndefined();
        expect(await store.listRuns()).toEqual([]);
        // The run can still be started properly afterwards.
        expect((await store.append("run-bad", 0, runStart(task))).map((e) => e.seq)).toEqual([1, 2]);
      });

      it("lets exactly one of 20 concurrent appends at the same seq land", async () => {
        await startRun("run-race");
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) => store.append("run-race", 2, [events.attemptStarted(1, `worker-${i}`)])),
        );
        const winners = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const r of results) if (r.status === "rejected") expectConflictError(r.reason);
        const journal = await store.readRun("run-race");
        expect(journal.map((e) => e.seq)).toEqual([1, 2, 3]);
        expect(journal[2]).toMatchObject({ type: "attempt.started", data: { idempotencyKey: `worker-${winners[0]}` } });
        expect((await store.getRun("run-race"))?.seq).toBe(3);
      });

      it("lets exactly one of 20 concurrent appends start the same new run", async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) => store.append("run-born", 0, runStart(makeTask(`t-born-${i}`)))),
        );
        const winners = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const r of results) if (r.status === "rejected") expectConflictError(r.reason);
        expect((await store.readRun("run-born")).map((e) => e.seq)).toEqual([1, 2]);
        expect((await store.getRun("run-born"))?.taskId).toBe(`t-born-${winners[0]}`);
        expect(await store.listRuns()).toHaveLength(1);
      });

      it("reads each run's journal in order and an unknown run as empty", async () => {
        await startRun("run-a");
        await startRun("run-b");
        for (let attempt = 1; attempt <= 3; attempt++) {
          await appendNext("run-a", [events.attemptStarted(attempt), events.attemptRecorded(attempt, { a: attempt })]);
          await appendNext("run-b", [events.attemptStarted(attempt)]);
        }
        const a = await store.readRun("run-a");
        const b = await store.readRun("run-b");
        expect(a.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        expect(a.every((e) => e.runId === "run-a")).toBe(true);
        expect(a.slice(2).map((e) => (e.data as { attempt: number }).attempt)).toEqual([1, 1, 2, 2, 3, 3]);
        expect(a.slice(2).map((e) => e.type)).toEqual(["attempt.started", "attempt.recorded", "attempt.started", "attempt.recorded", "attempt.started", "attempt.recorded"]);
        expect(b.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(b.every((e) => e.runId === "run-b")).toBe(true);
        expect(await store.readRun("run-unknown")).toEqual([]);
      });
    });

    describe("run index", () => {
      it("follows a run through submitted, routed, waiting, running and succeeded", async () => {
        const task = makeTask("t-life");
        const decision = makeDecision(task);
        const [submitted] = await store.append("run-life", 0, [events.submitted(task)]);
        const created = { runId: "run-life", taskId: "t-life", kind: task.kind, title: task.title, route: null, status: "running", seq: 1, createdAt: submitted!.at, updatedAt: submitted!.at };
        expect(await store.getRun("run-life")).toEqual(created);

        await advance(10);
        const [routed] = await store.append("run-life", 1, [events.routed(decision)]);
        expect(routed!.at).toBeGreaterThan(submitted!.at);
        expect(await store.getRun("run-life")).toEqual({ ...created, route: decision.route, seq: 2, updatedAt: routed!.at });

        await advance(10);
        const checkpoint = makeCheckpoint({ id: "cp-life", runId: "run-life", deadline: (await store.now()) + hour });
        const [opened] = await store.append("run-life", 2, [events.opened(checkpoint)]);
        expect(await store.getRun("run-life")).toEqual({ ...created, route: decision.route, status: "waiting", seq: 3, updatedAt: opened!.at });

        await advance(10);
        const [answered] = await store.append("run-life", 3, [events.answered("cp-life", makeReviewer("ann"))]);
        expect(await store.getRun("run-life")).toEqual({ ...created, route: decision.route, status: "running", seq: 4, updatedAt: answered!.at });

        await advance(10);
        const done = await store.append("run-life", 4, [events.attemptStarted(1), events.completed("succeeded", { route: decision.route, result: "succeeded" }, { ok: true })]);
        expect(await store.getRun("run-life")).toEqual({ ...created, route: decision.route, status: "succeeded", seq: 6, updatedAt: done[1]!.at });
      });

      it("marks failed and cancelled runs", async () => {
        await startRun("run-fail");
        await appendNext("run-fail", [events.completed("failed", { route: "autonomous", result: "failed" })]);
        await startRun("run-cancel");
        await appendNext("run-cancel", [events.completed("cancelled", null)]);
        expect((await store.getRun("run-fail"))?.status).toBe("failed");
        expect((await store.getRun("run-cancel"))?.status).toBe("cancelled");
        expect(await store.getRun("run-unknown")).toBeUndefined();
      });

      it("keeps a run waiting until every open checkpoint is answered or expired", async () => {
        await startRun("run-two");
        const deadline = (await store.now()) + hour;
        await appendNext("run-two", [
          events.opened(makeCheckpoint({ id: "cp-two-a", runId: "run-two", deadline })),
          events.opened(makeCheckpoint({ id: "cp-two-b", runId: "run-two", deadline: deadline + 1 })),
        ]);
        expect((await store.getRun("run-two"))?.status).toBe("waiting");
        await appendNext("run-two", [events.answered("cp-two-a", makeReviewer("ann"))]);
        expect((await store.getRun("run-two"))?.status).toBe("waiting");
        await appendNext("run-two", [events.expired("cp-two-b")]);
        expect((await store.getRun("run-two"))?.status).toBe("running");
      });

      it("lists runs newest first (by creation), by one or several statuses, with a limit", async () => {
        await startRun("run-1");
        await advance(10);
        await startRun("run-2");
        await appendNext("run-2", [events.opened(makeCheckpoint({ id: "cp-run-2", runId: "run-2", deadline: (await store.now()) + hour }))]);
        await advance(10);
        await startRun("run-3");
        await advance(10);
        await startRun("run-4");
        await appendNext("run-4", [events.completed("failed", { route: "autonomous", result: "failed" })]);
        await advance(10);
        // run-1 changes last: listing order is by creation, not by the latest change.
        await appendNext("run-1", [events.completed("succeeded", { route: "autonomous", result: "succeeded" })]);

        const ids = (list: readonly { runId: string }[]) => list.map((r) => r.runId);
        expect(ids(await store.listRuns())).toEqual(["run-4", "run-3", "run-2", "run-1"]);
        expect(ids(await store.listRuns({}))).toEqual(["run-4", "run-3", "run-2", "run-1"]);
        expect(ids(await store.listRuns({ status: "waiting" }))).toEqual(["run-2"]);
        expect(ids(await store.listRuns({ status: "running" }))).toEqual(["run-3"]);
        expect(ids(await store.listRuns({ status: ["succeeded", "failed"] }))).toEqual(["run-4", "run-1"]);
        expect(ids(await store.listRuns({ status: "cancelled" }))).toEqual([]);
        expect(ids(await store.listRuns({ limit: 2 }))).toEqual(["run-4", "run-3"]);
        expect(ids(await store.listRuns({ status: ["running", "waiting"], limit: 1 }))).toEqual(["run-3"]);
        const listed = await store.listRuns({ status: "succeeded" });
        expect(listed).toEqual([await store.getRun("run-1")]);
      });
    });

    describe("checkpoint index", () => {
      /** Two runs and five checkpoints: three open, one answered, one expired. */
      const setup = async () => {
        const base = await store.now();
        const taskA = await startRun("run-a", makeTask("t-a", { title: "Refund order 1182" }, "human"));
        const taskB = await startRun("run-b", makeTask("t-b", { title: "Translate the footer" }, "supervised"));
        const cp = {
          a1: makeCheckpoint({ id: "cp-a1", runId: "run-a", roles: ["finance"], deadline: base + 3 * hour }),
          a2: makeCheckpoint({ id: "cp-a2", runId: "run-a", kind: "answer", roles: ["legal", "ops"], deadline: base + 1 * hour }),
          b1: makeCheckpoint({ id: "cp-b1", runId: "run-b", kind: "choose", roles: ["ops"], deadline: base + 2 * hour }),
          b2: makeCheckpoint({ id: "cp-b2", runId: "run-b", roles: ["reviewer"], deadline: base + 4 * hour }),
          b3: makeCheckpoint({ id: "cp-b3", runId: "run-b", kind: "direction", roles: ["ops"], deadline: base + hour / 2, onTimeout: { action: "escalate", roles: ["lead"] } }),
        };
        await appendNext("run-a", [events.opened(cp.a1), events.opened(cp.a2)]);
        await appendNext("run-b", [events.opened(cp.b1), events.opened(cp.b2), events.opened(cp.b3)]);
        await advance(100);
        const reviewer = makeReviewer("rita", ["reviewer", "ops"]);
        const answer: Answer = { type: "edit", editedOutput: { text: "Fußzeile", notes: ["ok", null, 3] } };
        const [answered] = await appendNext("run-b", [events.answered("cp-b2", reviewer, answer, "idem-b2")]);
        await advance(100);
        const [expired] = await appendNext("run-b", [events.expired("cp-b3", { action: "escalate", roles: ["lead"] })]);
        return { base, taskA, taskB, cp, reviewer, answer, answered: answered!, expired: expired! };
      };
      it("lists open checkpoints by default, earliest deadline first, with their run's task", async () => {
        const { cp, taskA } = await setup();
        const open = await store.listCheckpoints();
        expect(ids(open)).toEqual(["cp-a2", "cp-b1", "cp-a1"]);
        expect(ids(await store.listCheckpoints({}))).toEqual(["cp-a2", "cp-b1", "cp-a1"]);
        expect(ids(await store.listCheckpoints({ status: "open" }))).toEqual(["cp-a2", "cp-b1", "cp-a1"]);
        expect(open[0]).toEqual({
          checkpoint: cp.a2,
          status: "open",
          taskId: taskA.id,
          title: taskA.title,
          answer: null,
          reviewer: null,
          answeredAt: null,
          idempotencyKey: null,
        });
        expect(await store.getCheckpoint("cp-b1")).toEqual(open[1]);
        expect(await store.getCheckpoint("cp-unknown")).toBeUndefined();
      });

      it("filters by roles, matching any of them", async () => {
        await setup();
        expect(ids(await store.listCheckpoints({ roles: ["ops"] }))).toEqual(["cp-a2", "cp-b1"]);
        expect(ids(await store.listCheckpoints({ roles: ["finance", "legal"] }))).toEqual(["cp-a2", "cp-a1"]);
        expect(ids(await store.listCheckpoints({ roles: ["finance"] }))).toEqual(["cp-a1"]);
        expect(ids(await store.listCheckpoints({ roles: ["nobody"] }))).toEqual([]);
        expect(ids(await store.listCheckpoints({ roles: [] }))).toEqual([]);
        expect(ids(await store.listCheckpoints({ roles: ["ops"], status: "any" }))).toEqual(["cp-b3", "cp-a2", "cp-b1"]);
      });

      it("filters by run", async () => {
        await setup();
        expect(ids(await store.listCheckpoints({ runId: "run-a" }))).toEqual(["cp-a2", "cp-a1"]);
        expect(ids(await store.listCheckpoints({ runId: "run-b" }))).toEqual(["cp-b1"]);
        expect(ids(await store.listCheckpoints({ runId: "run-b", status: "any" }))).toEqual(["cp-b3", "cp-b1", "cp-b2"]);
        expect(ids(await store.listCheckpoints({ runId: "run-unknown" }))).toEqual([]);
      });

      it("filters by deadline at or before dueBefore", async () => {
        const { base } = await setup();
        expect(ids(await store.listCheckpoints({ dueBefore: base + 2 * hour }))).toEqual(["cp-a2", "cp-b1"]);
        expect(ids(await store.listCheckpoints({ dueBefore: base + 2 * hour - 1 }))).toEqual(["cp-a2"]);
        expect(ids(await store.listCheckpoints({ dueBefore: base }))).toEqual([]);
        expect(ids(await store.listCheckpoints({ dueBefore: base + hour, status: "any" }))).toEqual(["cp-b3", "cp-a2"]);
      });

      it("returns at most limit checkpoints, earliest deadline first, and combines filters", async () => {
        const { base } = await setup();
        expect(ids(await store.listCheckpoints({ limit: 2 }))).toEqual(["cp-a2", "cp-b1"]);
        expect(ids(await store.listCheckpoints({ limit: 1, status: "any" }))).toEqual(["cp-b3"]);
        expect(ids(await store.listCheckpoints({ roles: ["ops", "finance"], runId: "run-a", dueBefore: base + 3 * hour, limit: 1 }))).toEqual(["cp-a2"]);
        expect(ids(await store.listCheckpoints({ roles: ["ops", "finance"], runId: "run-a", dueBefore: base + 3 * hour }))).toEqual(["cp-a2", "cp-a1"]);
        expect(ids(await store.listCheckpoints({ roles: ["ops"], runId: "run-b", status: "any" }))).toEqual(["cp-b3", "cp-b1"]);
      });

      it("takes answered and expired checkpoints off the open list with answer, reviewer, answeredAt and idempotency key", async () => {
        const { cp, taskB, reviewer, answer, answered } = await setup();
        const answeredInfo = {
          checkpoint: cp.b2,
          status: "answered",
          taskId: taskB.id,
          title: taskB.title,
          answer,
          reviewer,
          answeredAt: answered.at,
          idempotencyKey: "idem-b2",
        };
        expect(await store.getCheckpoint("cp-b2")).toEqual(answeredInfo);
        expect(await store.listCheckpoints({ status: "answered" })).toEqual([answeredInfo]);
        const expiredInfo = { checkpoint: cp.b3, status: "expired", taskId: taskB.id, title: taskB.title, answer: null, reviewer: null, answeredAt: null, idempotencyKey: null };
        expect(await store.getCheckpoint("cp-b3")).toEqual(expiredInfo);
        expect(await store.listCheckpoints({ status: "expired" })).toEqual([expiredInfo]);
        expect(ids(await store.listCheckpoints({ status: "any" }))).toEqual(["cp-b3", "cp-a2", "cp-b1", "cp-a1", "cp-b2"]);
        expect(ids(await store.listCheckpoints())).not.toContain("cp-b2");
      });

      it("indexes a checkpoint opened and answered in the same append", async () => {
        await startRun("run-same");
        const checkpoint = makeCheckpoint({ id: "cp-same", runId: "run-same", roles: ["ops"], deadline: (await store.now()) + hour });
        const appended = await appendNext("run-same", [events.opened(checkpoint), events.answered("cp-same", makeReviewer("sam"), { type: "approve" }, "k-same")]);
        const info = await store.getCheckpoint("cp-same");
        expect(info).toMatchObject({ checkpoint, status: "answered", reviewer: { id: "sam" }, answeredAt: appended[1]!.at, idempotencyKey: "k-same" });
        expect(await store.listCheckpoints()).toEqual([]);
        expect(await store.listCheckpoints({ status: "answered", roles: ["ops"], runId: "run-same" })).toEqual([info]);
        expect((await store.getRun("run-same"))?.status).toBe("running");
      });

      it("keeps the first answer when a later event answers the same checkpoint again", async () => {
        await startRun("run-twice");
        const checkpoint = makeCheckpoint({ id: "cp-twice", runId: "run-twice", deadline: (await store.now()) + hour });
        await appendNext("run-twice", [events.opened(checkpoint)]);
        const [first] = await appendNext("run-twice", [events.answered("cp-twice", makeReviewer("first"), { type: "approve" }, "k1")]);
        await advance(10);
        await appendNext("run-twice", [events.answered("cp-twice", makeReviewer("second"), { type: "reject", message: "no" }, "k2"), events.expired("cp-twice")]);
        expect(await store.getCheckpoint("cp-twice")).toMatchObject({
          status: "answered",
          answer: { type: "approve" },
          reviewer: { id: "first" },
          answeredAt: first!.at,
          idempotencyKey: "k1",
        });
      });
    });

    describe("exactly-once answers", () => {
      it("accepts exactly one of 20 concurrent answers to one checkpoint, each appended at the seq it read", async () => {
        await startRun("run-answer", makeTask("t-answer", {}, "human"));
        const checkpoint = makeCheckpoint({ id: "cp-answer", runId: "run-answer", kind: "takeover", roles: ["finance"], deadline: (await store.now()) + hour });
        await appendNext("run-answer", [events.opened(checkpoint)]);
        const reviewers = Array.from({ length: 20 }, (_, i) => makeReviewer(`reviewer-${i}`, ["finance"]));
        // Every reviewer reads the open checkpoint and the journal before anyone appends, as racing processes do.
        const seen = await Promise.all(
          reviewers.map(async () => ({ info: await store.getCheckpoint("cp-answer"), seq: (await store.readRun("run-answer")).length })),
        );
        for (const s of seen) expect([s.info?.status, s.seq]).toEqual(["open", 3]);
        const results = await Promise.allSettled(
          reviewers.map((reviewer, i) =>
            store.append("run-answer", seen[i]!.seq, [events.answered("cp-answer", reviewer, { type: "answer", value: `from ${reviewer.id}` }, `key-${i}`)]),
          ),
        );
        const winners = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const r of results) if (r.status === "rejected") expectConflictError(r.reason);
        const winner = winners[0]!;
        expect(await store.getCheckpoint("cp-answer")).toMatchObject({
          status: "answered",
          reviewer: reviewers[winner],
          answer: { type: "answer", value: `from reviewer-${winner}` },
          idempotencyKey: `key-${winner}`,
        });
        const journal = await store.readRun("run-answer");
        expect(journal.filter((e) => e.type === "checkpoint.answered")).toHaveLength(1);
        expect(journal.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      });
    });

    describe("outcomes and calibration", () => {
      it("counts outcomes of completed runs per kind and route, with a content id that changes with them", async () => {
        const expected = createCalibration();
        const empty = await store.calibrationSnapshot();
        expect(empty).toEqual(expected.snapshot());
        expect(empty.entries).toEqual([]);

        const finish = async (
          runId: string,
          shape: Route,
          outcome: RunOutcome | null,
        ) => {
          const task = await startRun(runId, makeTask(`t-${runId}`, {}, shape));
          const status = outcome === null ? "cancelled" : outcome.result === "succeeded" || outcome.result === "approved" ? "succeeded" : "failed";
          await appendNext(runId, [events.attemptStarted(1), events.completed(status, outcome)]);
          if (outcome !== null) expected.recordOutcome(calibrationOutcome(task.kind, outcome));
          return store.calibrationSnapshot();
        };

        const s1 = await finish("o-1", "autonomous", { route: "autonomous", result: "succeeded" });
        expect(s1).toEqual(expected.snapshot());
        expect(s1.id).not.toBe(empty.id);
        const s2 = await finish("o-2", "autonomous", { route: "autonomous", result: "failed" });
        expect(s2).toEqual(expected.snapshot());
        expect(s2.id).not.toBe(s1.id);
        // The outcome names the route that did the work (a person took over), the run's task names the kind.
        const s3 = await finish("o-3", "autonomous", { route: "human", result: "overridden" });
        const s4 = await finish("o-4", "supervised", { route: "supervised", result: "succeeded" });
        const s5 = await finish("o-5", "human", { route: "human", result: "succeeded" });
        expect(s5).toEqual(expected.snapshot());
        expect(new Set([s2.id, s3.id, s4.id, s5.id]).size).toBe(4);
        expect(s5.entries).toEqual([
          { kind: "code.fix-test", route: "autonomous", successes: 1, failures: 1, overridden: 0 },
          { kind: "code.fix-test", route: "human", successes: 0, failures: 1 },
          { kind: "finance.seed-investment", route: "human", successes: 1, failures: 0 },
          { kind: "i18n.translate", route: "supervised", successes: 1, failures: 0 },
        ]);

        // Completed without an outcome, or not completed at all: calibration does not move.
        expect(await finish("o-6", "autonomous", null)).toEqual(s5);
        await startRun("o-7");
        await appendNext("o-7", [events.attemptStarted(1), events.attemptRecorded(1, { patch: "…" })]);
        expect(await store.calibrationSnapshot()).toEqual(s5);

        // An agent's outcome carries the model's estimate, and an autonomous run a person took over counts as
        // overridden: the store keeps both, so its snapshot still equals the router's.
        await finish("o-8", "autonomous", { route: "autonomous", result: "overridden", modelFailure: 0.31 });
        const s9 = await finish("o-9", "autonomous", { route: "autonomous", result: "succeeded", modelFailure: 0.12 });
        expect(s9).toEqual(expected.snapshot());
        expect(s9.entries.find((e) => e.kind === "code.fix-test" && e.route === "autonomous")).toMatchObject({
          successes: 2,
          failures: 2,
          overridden: 1,
          modelled: expect.arrayContaining([expect.objectContaining({ outcomes: 1, failures: 1 }), expect.objectContaining({ outcomes: 1, failures: 0 })]),
        });

        // A reviewer's approval is kept as what it is: a share of a failure, not a success.
        const s10 = await finish("o-10", "supervised", { route: "supervised", result: "approved", modelFailure: 0.4, failureShare: 0.125 });
        expect(s10).toEqual(expected.snapshot());
        expect(s10.entries.find((e) => e.kind === "i18n.translate" && e.route === "supervised")).toMatchObject({ successes: 1.875, failures: 0.125 });
      });

      it("keeps a shadow run's judgement as a second outcome of its run", async () => {
        const expected = createCalibration();
        const task = await startRun("sh-1", makeTask("t-sh-1", {}, "human"));
        const agent: RunOutcome = { route: "autonomous", result: "failed", modelFailure: 0.3 };
        const person: RunOutcome = { route: "human", result: "succeeded" };
        await appendNext("sh-1", [events.shadowStarted(), events.shadowEnded(2), events.shadowJudged(agent), events.completed("succeeded", person)]);
        expected.recordOutcome(calibrationOutcome(task.kind, agent));
        expected.recordOutcome(calibrationOutcome(task.kind, person));
        const after = await store.calibrationSnapshot();
        expect(after).toEqual(expected.snapshot());
        expect(after.entries.map((e) => [e.route, e.successes, e.failures])).toEqual([
          ["autonomous", 0, 1],
          ["human", 1, 0],
        ]);
        // A judgement without evidence (the comparison failed) adds nothing.
        await startRun("sh-2", makeTask("t-sh-2", {}, "human"));
        await appendNext("sh-2", [events.shadowStarted(), events.shadowEnded(1), events.shadowJudged(null)]);
        expect(await store.calibrationSnapshot()).toEqual(after);
      });

      it("records no outcome from a completion whose append conflicted", async () => {
        await startRun("o-conflict");
        const before = await store.calibrationSnapshot();
        await expectConflict(store.append("o-conflict", 1, [events.completed("succeeded", { route: "autonomous", result: "succeeded" })]));
        expect(await store.calibrationSnapshot()).toEqual(before);
      });
    });

    describe("journal schema", () => {
      it("refuses to hand out a corrupt journal, naming the run, the event and what is wrong; other runs read as before", async (context) => {
        if (options.corrupt === undefined) {
          context.skip();
          return;
        }
        const damages: { damage: { type?: string; version?: number; data?: string }; message: RegExp }[] = [
          { damage: { data: '{"attempt":"one","idempotencyKey":"k","reservedCost":0.05}' }, message: /^run bad-\d, event 3: corrupt attempt\.started event:\ndata\.attempt: / },
          { damage: { type: "attempt.teleported" }, message: /^run bad-\d, event 3: unknown event type "attempt\.teleported"/ },
          { damage: { version: 99 }, message: /^run bad-\d, event 3: attempt\.started version 99 is newer than this version of Convergent reads/ },
          { damage: { data: "{ not json" }, message: /^run bad-\d, event 3: corrupt attempt\.started event:/ },
        ];
        await startRun("good");
        const good = await store.readRun("good");
        for (const [i, { damage, message }] of damages.entries()) {
          const runId = `bad-${i}`;
          await startRun(runId);
          await appendNext(runId, [events.attemptStarted(1)]);
          await options.corrupt(store, runId, 3, damage);
          const error = await thrown(store.readRun(runId));
          expect(isConvergentError(error), String(error)).toBe(true);
          expect((error as ConvergentError).code).toBe("INVALID_INPUT");
          expect((error as ConvergentError).message).toMatch(message);
        }
        expect(await store.readRun("good")).toEqual(good);
      });

      it("reads back every event type as it was written", async () => {
        const task = await startRun("all", makeTask("t-all", {}, "human"));
        const written = [
          events.opened(makeCheckpoint({ id: "all:cp1", runId: "all", kind: "takeover", purpose: "task", deadline: (await store.now()) + hour })),
          events.shadowStarted(6),
          {
            type: "shadow.attempted",
            data: { attempt: 1, idempotencyKey: "all:shadow:1", output: { a: 1 }, usage: { tokens: 3, cost: 0.01 }, verdict: { passed: true, error: 0, feedback: "ok" }, sandbox: "s", failed: null, durationMs: 2 },
          },
          events.shadowEnded(1),
          events.answered("all:cp1", makeReviewer("ada"), { type: "answer", value: { a: 1 } }),
          events.shadowJudged({ route: "autonomous", result: "succeeded", modelFailure: 0.2 }),
          events.completed("succeeded", { route: "human", result: "succeeded" }, { a: 1 }),
        ] satisfies NewRunEvent[];
        await appendNext("all", written);
        const read = await store.readRun("all");
        expect(read.slice(2).map(({ type, data }) => ({ type, data }))).toEqual(written);
        expect(read[0]).toMatchObject({ type: "run.submitted", data: { task } });
      });
    });

    describe("router state", () => {
      it("keeps a routing process's calibration under a name, replaced on every save, when the store offers it", async () => {
        if (store.loadRouterState === undefined || store.saveRouterState === undefined) {
          expect(store.saveRouterState).toBeUndefined();
          return;
        }
        expect(await store.loadRouterState("route")).toBeUndefined();
        const calibration = createCalibration();
        calibration.recordOutcome({ kind: "code.fix", route: "autonomous", outcome: "succeeded", modelFailure: 0.2 });
        calibration.observeSignals({ id: "t", kind: "code.fix", title: "t", signals: { feedbackLatencySec: 30 } });
        const first = calibration.snapshot();
        await store.saveRouterState("route", first);
        expect(await store.loadRouterState("route")).toEqual(first);
        calibration.recordOutcome({ kind: "code.fix", route: "supervised", outcome: "failed" });
        const second = calibration.snapshot();
        await store.saveRouterState("route", second);
        expect(await store.loadRouterState("route")).toEqual(second);
        expect(await store.loadRouterState("other")).toBeUndefined();
        // What was saved restores a calibration that decides alike.
        expect(createCalibration(await store.loadRouterState("route")).snapshotId).toBe(calibration.snapshotId);
      });
    });

    describe("leases", () => {
      const long = 60_000;

      it("grants a free lease and denies another owner while it is valid", async () => {
        expect(await store.acquireLease("run-l", "worker-a", long)).toBe(true);
        expect(await store.acquireLease("run-l", "worker-b", long)).toBe(false);
        await advance(long / 2);
        expect(await store.acquireLease("run-l", "worker-b", long)).toBe(false);
        // Leases are per run.
        expect(await store.acquireLease("run-other", "worker-b", long)).toBe(true);
        expect(await store.acquireLease("run-other", "worker-a", long)).toBe(false);
      });

      it("renews the lease for its holder", async () => {
        expect(await store.acquireLease("run-l", "worker-a", long)).toBe(true);
        expect(await store.acquireLease("run-l", "worker-a", long)).toBe(true);
        expect(await store.acquireLease("run-l", "worker-b", long)).toBe(false);
      });

      it("extends the lease from the time of renewal", async (context) => {
        if (!manual) context.skip("the store does not take the suite's clock");
        expect(await store.acquireLease("run-l", "worker-a", 1000)).toBe(true);
        clock.advance(600);
        expect(await store.acquireLease("run-l", "worker-a", 1000)).toBe(true);
        clock.advance(600); // past the first lease's end, before the renewed one's
        expect(await store.acquireLease("run-l", "worker-b", 1000)).toBe(false);
        clock.advance(399); // the renewed lease ends at 1600: still held at 1599
        expect(await store.acquireLease("run-l", "worker-b", 1000)).toBe(false);
        clock.advance(2);
        expect(await store.acquireLease("run-l", "worker-b", 1000)).toBe(true);
      });

      it("grants the lease to another owner once it expired", async () => {
        const ttl = manual ? 1000 : 30;
        const before = await store.now();
        expect(await store.acquireLease("run-l", "worker-a", ttl)).toBe(true);
        const after = await store.now();
        if (manual) {
          clock.advance(ttl - 1);
          expect(await store.acquireLease("run-l", "worker-b", long)).toBe(false);
        }
        await waitPast(after + ttl);
        expect(before).toBeLessThanOrEqual(after);
        expect(await store.acquireLease("run-l", "worker-b", long)).toBe(true);
        expect(await store.acquireLease("run-l", "worker-a", long)).toBe(false);
      });

      it("releases the lease for its holder only", async () => {
        expect(await store.acquireLease("run-l", "worker-a", long)).toBe(true);
        await store.releaseLease("run-l", "worker-b");
        expect(await store.acquireLease("run-l", "worker-b", long)).toBe(false);
        await store.releaseLease("run-l", "worker-a");
        expect(await store.acquireLease("run-l", "worker-b", long)).toBe(true);
        expect(await store.acquireLease("run-l", "worker-a", long)).toBe(false);
        await store.releaseLease("run-free", "worker-a"); // releasing a lease nobody holds is harmless
        expect(await store.acquireLease("run-free", "worker-c", long)).toBe(true);
      });

      it("grants a free lease to exactly one of 20 concurrent owners", async () => {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.acquireLease("run-l", `worker-${i}`, long)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const holder = results.indexOf(true);
        expect(await store.acquireLease("run-l", `worker-${holder}`, long)).toBe(true);
      });
    });

    describe("data", () => {
      it("round-trips JSON faithfully: unicode, control characters, nesting, numbers and null", async () => {
        const odd = {
          unicode: "Grüße, 世界, مرحبا, עברית, 🧪🚀 👩🏽‍💻, e\u0301, \u2028\u2029",
          control: "nul:\u0000 unit:\u001f tab:\t newline:\n quote:\" backslash:\\ slash:/",
          loneSurrogate: "\ud800",
          empty: "",
          numbers: [0, -12.5, 1e-300, 1.7976931348623157e308, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.1 + 0.2],
          flags: [true, false, null],
          hollow: { obj: {}, arr: [], deep: [[[]]] },
          "key with spaces & ünïcode 🔑": "value",
          nested: nested(60),
        };
        const task = makeTask("t-odd", { title: "Ünïcode títle 🧪 \u0000", input: odd as never, metadata: { team: "ops", note: "naïve" } });
        await store.append("run-odd", 0, runStart(task));
        const checkpoint = makeCheckpoint({ id: "cp-odd ✓", runId: "run-odd", roles: ["rôle-é", "🧪"], deadline: (await store.now()) + hour, context: odd as never });
        const appended = await appendNext("run-odd", [
          events.attemptRecorded(1, odd as never),
          events.attemptRecorded(2, null),
          events.opened(checkpoint),
          events.answered("cp-odd ✓", makeReviewer("rév 🧪", ["rôle-é"]), { type: "edit", editedOutput: odd as never }, "κλειδί"),
          events.completed("succeeded", { route: "autonomous", result: "succeeded" }, null),
        ]);
        const journal = await store.readRun("run-odd");
        expect(journal.slice(2)).toEqual(appended);
        expect(journal[0]?.data).toEqual(events.submitted(task).data);
        expect((journal[2]?.data as { output: unknown }).output).toEqual(odd);
        expect((journal[3]?.data as { output: unknown }).output).toBeNull();
        expect((await store.getRun("run-odd"))?.title).toBe(task.title);
        const info = await store.getCheckpoint("cp-odd ✓");
        expect(info?.checkpoint).toEqual(checkpoint);
        expect(info?.answer).toEqual({ type: "edit", editedOutput: odd });
        expect(info?.idempotencyKey).toBe("κλειδί");
        expect(ids(await store.listCheckpoints({ roles: ["🧪"], status: "any" }))).toEqual(["cp-odd ✓"]);
      });

      it("round-trips a payload of about 1 MB", async () => {
        await startRun("run-big");
        const output = {
          text: "Le cœur a ses raisons 🧪 — ".repeat(26_000),
          rows: Array.from({ length: 4000 }, (_, i) => ({ i, name: `row ${i}`, score: i / 7, tags: ["α", "β"], ok: i % 2 === 0 })),
        };
        expect(JSON.stringify(output).length).toBeGreaterThan(1_000_000);
        const [recorded] = await appendNext("run-big", [events.attemptRecorded(1, output)]);
        const journal = await store.readRun("run-big");
        expect(journal[2]).toEqual(recorded);
        expect((journal[2]?.data as { output: unknown }).output).toEqual(output);
      });
    });

    describe("lifecycle", () => {
      it("closes, and a store created afterwards works", async () => {
        expect(store.name.length).toBeGreaterThan(0);
        await startRun("run-close");
        await store.close();
        closed.add(store);
        store = await create();
        await expect(store.append("run-after", 0, runStart(makeTask("t-after")))).resolves.toHaveLength(2);
        expect((await store.readRun("run-after")).map((e) => e.seq)).toEqual([1, 2]);
      });

      it.skipIf(options.reopen === undefined)("keeps journals, indexes, outcomes and leases when reopened", async () => {
        const reopen = options.reopen!;
        await startRun("run-kept");
        const checkpoint = makeCheckpoint({ id: "cp-kept", runId: "run-kept", roles: ["ops"], deadline: (await store.now()) + hour });
        await appendNext("run-kept", [events.opened(checkpoint)]);
        await startRun("run-done");
        await appendNext("run-done", [events.completed("succeeded", { route: "autonomous", result: "succeeded" })]);
        expect(await store.acquireLease("run-kept", "worker-a", 60_000)).toBe(true);
        const before = {
          kept: await store.readRun("run-kept"),
          done: await store.readRun("run-done"),
          runs: await store.listRuns(),
          checkpoints: await store.listCheckpoints({ status: "any" }),
          calibration: await store.calibrationSnapshot(),
        };

        const old = store;
        await old.close();
        closed.add(old);
        store = await reopen(old, { clock });
        created = [...created.filter((s) => s !== old), store];

        expect({
          kept: await store.readRun("run-kept"),
          done: await store.readRun("run-done"),
          runs: await store.listRuns(),
          checkpoints: await store.listCheckpoints({ status: "any" }),
          calibration: await store.calibrationSnapshot(),
        }).toEqual(before);
        expect(await store.acquireLease("run-kept", "worker-b", 60_000)).toBe(false);
        expect(await store.acquireLease("run-kept", "worker-a", 60_000)).toBe(true);
        await expectConflict(store.append("run-kept", 2, [events.answered("cp-kept", makeReviewer("ann"))]));
        const [answered] = await store.append("run-kept", 3, [events.answered("cp-kept", makeReviewer("ann"))]);
        expect(answered?.seq).toBe(4);
        expect((await store.getCheckpoint("cp-kept"))?.status).toBe("answered");
        expect((await store.getRun("run-kept"))?.status).toBe("running");
      });
    });
  });
}
