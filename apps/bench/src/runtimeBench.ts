// The runtime benchmark: checkpoint round trips against LangGraph on memory and SQLite, the runtime's overhead per
// autonomous attempt, and the inbox query over a SQLite store holding many open checkpoints.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRouter } from "@convergent/router";
import { type CheckpointQuery, type NewRunEvent, type Runtime, type Store, createMemoryStore, createRuntime } from "@convergent/runtime";
import { createSqliteStore } from "@convergent/store-sqlite";
import { createLangGraphPeer, installedVersion, langGraphName } from "./langGraphPeer.js";
import { median, nowNs, quantileOfSorted } from "./measure.js";
import { attemptsNeeded, convergentTask, humanAnswerValue, humanKindAt, humanKinds, humanTask, runtimeBenchPolicy, timedDoubles } from "./runtimeBenchWorkload.js";
import type {
  AttemptOverheadFigure,
  BenchProgress,
  InboxQueryFigure,
  RoundTripFigure,
  RuntimeBenchOptions,
  RuntimeBenchReport,
  RuntimeBenchTargets,
} from "./types.js";

/** The targets: ≥ 10× LangGraph on the same kind of store, ≤ 0.2 ms runtime overhead per attempt, inbox p95 ≤ 50 ms. */
export const runtimeBenchTargets: RuntimeBenchTargets = { ratio: 10, attemptOverheadMs: 0.2, inboxP95Ms: 50 };

/** Defaults of {@link runRuntimeBench}. */
export const runtimeBenchDefaults = {
  roundTrips: 2000,
  sqliteRoundTrips: 1000,
  passes: 3,
  attemptRuns: 1000,
  sqliteAttemptRuns: 300,
  inboxCheckpoints: 100_000,
  inboxQueries: 200,
  inboxFill: "journal",
} as const;

/** Who answers in the benchmark: the policy's one reviewer, who holds every role. */
const reviewer = "bench-reviewer";

/** One system on one kind of store, doing checkpoint round trips. */
interface Contender {
  readonly label: string;
  /** The i-th round trip (a new task / thread); true when it completed with the answer as output. */
  roundTrip(i: number): Promise<boolean>;
  /** Completed runs read back from the store. */
  completedInStore(): Promise<number>;
  close(): Promise<void>;
}

function convergentContender(store: Store, label: string): Contender {
  const runtime = createRuntime({ router: createRouter({ policy: runtimeBenchPolicy }), store });
  return {
    label,
    async roundTrip(i) {
      const run = await runtime.submit(humanTask(`${label}-${i}`, i));
      const checkpoint = run.openCheckpoints[0];
      if (run.status !== "waiting" || checkpoint === undefined) {
        throw new Error(`${label}: task ${i} did not wait at a checkpoint (status ${run.status}, route ${run.route}); the benchmark's workload is wrong`);
      }
      const value = humanAnswerValue(i);
      const answered = await runtime.answer(checkpoint.id, { type: "answer", value }, reviewer);
      return answered.run.status === "succeeded" && JSON.stringify(answered.run.output) === JSON.stringify(value);
    },
    completedInStore: async () => (await store.listRuns({ status: "succeeded" })).length,
    close: () => store.close(),
  };
}

function langGraphContender(label: string, path?: string): Contender {
  const peer = createLangGraphPeer(path === undefined ? {} : { path });
  return {
    label,
    roundTrip: (i) => peer.roundTrip(`${label}-${i}`, humanTask(`${label}-${i}`, i), humanAnswerValue(i)),
    completedInStore: async () => (await peer.countThreads()).completed,
    close: () => peer.close(),
  };
}

function positiveInteger(name: string, value: number, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name}: expected an integer ≥ ${min}, got ${value}`);
  return value;
}

const ms = (ns: number) => ns / 1e6;
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

/**
 * Measures the runtime in this process:
 *
 * - roundTrips: a human-route task submitted → its checkpoint opened → answered → the run resumed → completed,
 *   with `createRuntime` on `createMemoryStore()` and on `createSqliteStore()` (a temporary file); and the same round
 *   trip in LangGraph (a StateGraph whose first node calls `interrupt()`, resumed with `new Command({ resume })`)
 *   on `MemorySaver` and `SqliteSaver`. One new task / thread per round trip, sequential; a warm-up as long as a
 *   pass, then `passes` passes interleaved across the four contenders; the median pass. Ratios are ours / LangGraph's
 *   on the same kind of store.
 * - attemptOverhead: autonomous runs whose agent halves its error every attempt (8–12 attempts each) against a
 *   sandbox that checks it; both return at once and time their own bodies. (wall time − time inside them) / attempts.
 * - inbox: `inboxCheckpoints` runs waiting at one open checkpoint each in a SQLite file (see `inboxFill`); then
 *   `listCheckpoints({ status: "open", limit: 50 })`, with a common role and with a rare role, `inboxQueries` times
 *   each; the file's size and this process's resident memory.
 *
 * @example
 * ```ts
 * const report = await runRuntimeBench({ inboxCheckpoints: 10_000, onProgress: (phase, done, total) => bar.update(phase, done / total) });
 * console.log(`${report.roundTrips.ratios.sqlite}× LangGraph on SQLite, inbox p95 ${report.inbox.p95Ms} ms`);
 * ```
 */
export async function runRuntimeBench(options: RuntimeBenchOptions = {}): Promise<RuntimeBenchReport> {
  const d = runtimeBenchDefaults;
  const memoryTrips = positiveInteger("roundTrips", options.roundTrips ?? d.roundTrips);
  const sqliteTrips = positiveInteger("sqliteRoundTrips", options.sqliteRoundTrips ?? d.sqliteRoundTrips);
  const passes = positiveInteger("passes", options.passes ?? d.passes);
  const attemptRuns = positiveInteger("attemptRuns", options.attemptRuns ?? d.attemptRuns);
  const sqliteAttemptRuns = positiveInteger("sqliteAttemptRuns", options.sqliteAttemptRuns ?? d.sqliteAttemptRuns);
  const inboxCheckpoints = positiveInteger("inboxCheckpoints", options.inboxCheckpoints ?? d.inboxCheckpoints);
  const inboxQueries = positiveInteger("inboxQueries", options.inboxQueries ?? d.inboxQueries);
  const fill = options.inboxFill ?? d.inboxFill;
  if (fill !== "journal" && fill !== "runtime") throw new RangeError(`inboxFill: expected "journal" or "runtime", got ${String(fill)}`);
  const progress = options.onProgress ?? (() => {});

  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "convergent-runtime-bench-")));
  try {
    const roundTrips = await benchRoundTrips({ dir, memoryTrips, sqliteTrips, passes, progress });
    const memoryOverhead = await benchAttempts({ store: createMemoryStore(), runs: attemptRuns, passes, phase: "attempts:memory", progress });
    const sqliteOverhead = await benchAttempts({ store: createSqliteStore({ path: join(dir, "attempts.db") }), runs: sqliteAttemptRuns, passes, phase: "attempts:sqlite", progress });
    const inbox = await benchInbox({ path: join(dir, "inbox.db"), checkpoints: inboxCheckpoints, queries: inboxQueries, fill, progress });

    const t = runtimeBenchTargets;
    const met = {
      ratioMemory: roundTrips.ratios.memory >= t.ratio,
      ratioSqlite: roundTrips.ratios.sqlite >= t.ratio,
      attemptOverheadMemory: memoryOverhead.ms <= t.attemptOverheadMs,
      attemptOverheadSqlite: sqliteOverhead.ms <= t.attemptOverheadMs,
      inboxP95: inbox.p95Ms <= t.inboxP95Ms,
    };
    const notes = [
      "A round trip is the same work in both systems: a new task (Convergent: a run; LangGraph: a thread) reaches a point where a person must answer, the answer is given, and the run resumes and completes with the answer as its output. Each call's result is checked, and afterwards the completed runs are counted again from each store.",
      "Convergent's round trip also validates the task, routes it (the full router decision, journaled), journals every step (submitted, routed, checkpoint opened, answered, completed), takes and releases a lease on the run twice, and validates the answer against the checkpoint's schema; LangGraph's graph neither routes nor validates.",
      `The SQLite contenders use one temporary file each, in WAL mode with synchronous = NORMAL on both sides (LangGraph's SqliteSaver defaults to FULL; it was set to NORMAL so both commit with the same durability). LangGraph runs with its default durability mode.`,
      `Round trips: a warm-up as long as a pass per contender (both systems take thousands of round trips to reach their steady speed under V8's JIT; warmupPerSec is that cold speed), then ${passes} passes interleaved across the four contenders (ours memory, LangGraph memory, ours SQLite, LangGraph SQLite), each pass ${memoryTrips.toLocaleString("en-US")} (memory) or ${sqliteTrips.toLocaleString("en-US")} (SQLite) sequential round trips; the figure is the median pass.`,
      `Attempt overhead: autonomous runs of 8–12 attempts (the agent's error halves per attempt; the monitor reads ×0.5), agent and sandbox returning at once and timing their own bodies; overhead = (wall time − time inside them) / attempts, so it includes submitting, routing, the monitor, journaling every attempt (three appends per attempt) and completing, spread over the attempts. Median of ${passes} passes after a warm-up as long as a pass; runs per pass: ${attemptRuns.toLocaleString("en-US")} on memory, ${sqliteAttemptRuns.toLocaleString("en-US")} on SQLite.`,
      `Inbox: ${inbox.created.method}. The queries ran ${inboxQueries} times per shape after a warm-up: all open checkpoints, those a role with 30% of them may answer (legal), and those a role with 1% of them may answer (security). p50Ms / p95Ms are the worse of the first two; the rare role is reported beside them.`,
      "RSS is this whole process's resident memory after the queries (Node, LangGraph loaded, what the earlier phases left), not the store's alone; the SQLite page cache is SQLite's default (about 2 MB per connection). rssBeforeMb, read before the inbox was filled, still holds the earlier phases' garbage, which the collector may give back during the fill, so it can exceed rssMb.",
    ];
    return {
      roundTrips,
      attemptOverhead: { memoryMs: memoryOverhead.ms, sqliteMs: sqliteOverhead.ms, memory: memoryOverhead, sqlite: sqliteOverhead },
      inbox,
      node: process.version,
      targets: runtimeBenchTargets,
      met,
      notes,
    };
  } finally {
    if (options.dir === undefined) await rm(dir, { recursive: true, force: true });
  }
}

async function benchRoundTrips(o: {
  readonly dir: string;
  readonly memoryTrips: number;
  readonly sqliteTrips: number;
  readonly passes: number;
  readonly progress: BenchProgress;
}): Promise<RuntimeBenchReport["roundTrips"]> {
  const contenders = [
    { c: convergentContender(createMemoryStore(), "convergent-memory"), n: o.memoryTrips },
    { c: langGraphContender("langgraph-memory"), n: o.memoryTrips },
    { c: convergentContender(createSqliteStore({ path: join(o.dir, "convergent-roundtrips.db") }), "convergent-sqlite"), n: o.sqliteTrips },
    { c: langGraphContender("langgraph-sqlite", join(o.dir, "langgraph-roundtrips.db")), n: o.sqliteTrips },
  ];
  // A warm-up as long as a pass: both systems take thousands of round trips to reach their steady speed (V8's JIT).
  const warmups = contenders.map(({ n }) => n);
  const total = contenders.reduce((sum, { n }, k) => sum + warmups[k]! + n * o.passes, 0);
  let done = 0;
  const next = contenders.map(() => 0);
  const completed = contenders.map(() => 0);
  const run = async (k: number, count: number): Promise<number> => {
    const { c } = contenders[k]!;
    const start = nowNs();
    for (let j = 0; j < count; j++) {
      if (await c.roundTrip(next[k]!++)) completed[k]!++;
      if (++done % 50 === 0) o.progress("round-trips", done, total);
    }
    return count / (Number(nowNs() - start) / 1e9);
  };
  try {
    const warmupRates: number[] = [];
    for (let k = 0; k < contenders.length; k++) warmupRates.push(await run(k, warmups[k]!));
    const rates: number[][] = contenders.map(() => []);
    // Interleaved, so that drift (garbage one left behind, the machine's other load) falls on every contender alike.
    for (let pass = 0; pass < o.passes; pass++) {
      for (let k = 0; k < contenders.length; k++) rates[k]!.push(await run(k, contenders[k]!.n));
    }
    o.progress("round-trips", total, total);
    const figures: RoundTripFigure[] = [];
    for (let k = 0; k < contenders.length; k++) {
      figures.push({
        perSec: Math.round(median(rates[k]!)),
        passPerSec: rates[k]!.map((r) => Math.round(r)),
        roundTrips: contenders[k]!.n,
        completed: completed[k]!,
        completedInStore: await contenders[k]!.c.completedInStore(),
        warmup: warmups[k]!,
        warmupPerSec: Math.round(warmupRates[k]!),
      });
    }
    const [ourMemory, peerMemory, ourSqlite, peerSqlite] = figures as [RoundTripFigure, RoundTripFigure, RoundTripFigure, RoundTripFigure];
    return {
      memory: ourMemory,
      sqlite: ourSqlite,
      peer: {
        name: langGraphName,
        version: installedVersion("@langchain/langgraph"),
        sqliteSaverVersion: installedVersion("@langchain/langgraph-checkpoint-sqlite"),
        setup:
          "StateGraph(task, answer, output, status): START → ask (interrupt()) → complete → END, compiled once per store with a MemorySaver or a SqliteSaver; per round trip graph.invoke(input, { configurable: { thread_id } }) to the interrupt, then graph.invoke(new Command({ resume: answer }), same thread) to the end",
        memory: peerMemory,
        sqlite: peerSqlite,
      },
      ratios: { memory: round(ourMemory.perSec / peerMemory.perSec, 1), sqlite: round(ourSqlite.perSec / peerSqlite.perSec, 1) },
    };
  } finally {
    for (const { c } of contenders) await c.close();
  }
}

async function benchAttempts(o: {
  readonly store: Store;
  readonly runs: number;
  readonly passes: number;
  readonly phase: string;
  readonly progress: BenchProgress;
}): Promise<AttemptOverheadFigure> {
  const doubles = timedDoubles();
  const runtime = createRuntime({ router: createRouter({ policy: runtimeBenchPolicy }), store: o.store, agents: [doubles.agent], sandboxes: [doubles.sandbox] });
  const warmup = o.runs;
  const total = warmup + o.runs * o.passes;
  let next = 0;
  let done = 0;
  try {
    for (let j = 0; j < warmup; j++) {
      const i = next++;
      const run = await runtime.submit(convergentTask(`converge-${i}`, i));
      // The workload must be what it says: an autonomous run that converges in the expected attempts.
      if (run.route !== "autonomous" || run.status !== "succeeded" || run.attempts !== attemptsNeeded(i)) {
        throw new Error(`attempt overhead: run ${i} went ${run.route}, ended ${run.status} after ${run.attempts} attempts (expected autonomous, succeeded, ${attemptsNeeded(i)}): ${run.reason ?? ""}`);
      }
      done++;
    }
    const passMs: number[] = [];
    let attempts = 0;
    let succeeded = 0;
    let wallNs = 0;
    let insideNs = 0;
    for (let pass = 0; pass < o.passes; pass++) {
      doubles.reset();
      let passAttempts = 0;
      const start = nowNs();
      for (let j = 0; j < o.runs; j++) {
        const i = next++;
        const run = await runtime.submit(convergentTask(`converge-${i}`, i));
        passAttempts += run.attempts;
        if (run.status === "succeeded") succeeded++;
        if (++done % 20 === 0) o.progress(o.phase, done, total);
      }
      const elapsed = Number(nowNs() - start);
      const inside = doubles.insideNs();
      if (doubles.calls().attempts !== passAttempts) throw new Error(`attempt overhead: the agent was called ${doubles.calls().attempts} times for ${passAttempts} attempts`);
      passMs.push(ms(elapsed - inside) / passAttempts);
      attempts += passAttempts;
      wallNs += elapsed;
      insideNs += inside;
    }
    o.progress(o.phase, total, total);
    return {
      ms: round(median(passMs), 4),
      passMs: passMs.map((x) => round(x, 4)),
      runs: o.runs,
      attempts,
      succeeded,
      insideShare: round(insideNs / wallNs, 4),
    };
  } finally {
    await o.store.close();
  }
}

async function fileBytes(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function benchInbox(o: {
  readonly path: string;
  readonly checkpoints: number;
  readonly queries: number;
  readonly fill: "journal" | "runtime";
  readonly progress: BenchProgress;
}): Promise<RuntimeBenchReport["inbox"]> {
  const rssBefore = process.memoryUsage().rss;
  const store = createSqliteStore({ path: o.path });
  try {
    const runtime = createRuntime({ router: createRouter({ policy: runtimeBenchPolicy }), store });
    const start = nowNs();
    const method = o.fill === "runtime" ? await fillThroughRuntime(runtime, o.checkpoints, o.progress) : await fillWithJournals(runtime, store, o.checkpoints, o.progress);
    const seconds = Number(nowNs() - start) / 1e9;
    o.progress("inbox:fill", o.checkpoints, o.checkpoints);

    const common = humanKinds.find((k) => k.role === "legal")!.role;
    const rare = humanKinds.find((k) => k.role === "security")!.role;
    const shapes: { readonly key: "all" | "role" | "rareRole"; readonly query: CheckpointQuery; readonly text: string }[] = [
      { key: "all", query: { status: "open", limit: 50 }, text: `listCheckpoints({ status: "open", limit: 50 })` },
      { key: "role", query: { status: "open", roles: [common], limit: 50 }, text: `listCheckpoints({ status: "open", roles: ["${common}"], limit: 50 })` },
      { key: "rareRole", query: { status: "open", roles: [rare], limit: 50 }, text: `listCheckpoints({ status: "open", roles: ["${rare}"], limit: 50 })` },
    ];
    for (let w = 0; w < 5; w++) for (const s of shapes) await store.listCheckpoints(s.query);
    const times = shapes.map(() => new Float64Array(o.queries));
    const rows = shapes.map(() => 0);
    for (let q = 0; q < o.queries; q++) {
      for (let k = 0; k < shapes.length; k++) {
        const t0 = nowNs();
        const list = await store.listCheckpoints(shapes[k]!.query);
        times[k]![q] = Number(nowNs() - t0);
        rows[k] = list.length;
      }
      if ((q + 1) % 20 === 0 || q + 1 === o.queries) o.progress("inbox:query", q + 1, o.queries);
    }
    const figure = (k: number): InboxQueryFigure => {
      const sorted = Float64Array.from(times[k]!).sort();
      return {
        query: shapes[k]!.text,
        p50Ms: round(ms(quantileOfSorted(sorted, 0.5)), 3),
        p95Ms: round(ms(quantileOfSorted(sorted, 0.95)), 3),
        maxMs: round(ms(sorted[sorted.length - 1]!), 3),
        rows: rows[k]!,
      };
    };
    const queries = { all: figure(0), role: figure(1), rareRole: figure(2) };
    const rssAfter = process.memoryUsage().rss;
    const size = (await fileBytes(o.path)) + (await fileBytes(`${o.path}-wal`));
    // Counted from the store after memory was read: listing every open checkpoint parses them all.
    const open = (await store.listCheckpoints({ status: "open" })).length;
    return {
      checkpoints: open,
      p50Ms: Math.max(queries.all.p50Ms, queries.role.p50Ms),
      p95Ms: Math.max(queries.all.p95Ms, queries.role.p95Ms),
      fileMb: mb(size),
      rssMb: mb(rssAfter),
      rssBeforeMb: mb(rssBefore),
      created: {
        method,
        seconds: round(seconds, 2),
        perSec: Math.round(o.checkpoints / seconds),
      },
      queries,
    };
  } finally {
    await store.close();
  }
}

/** Submits every task through the runtime. Returns how, in words. */
async function fillThroughRuntime(runtime: Runtime, count: number, progress: BenchProgress): Promise<string> {
  for (let i = 0; i < count; i++) {
    const run = await runtime.submit(humanTask(`inbox-${i}`, i));
    if (run.openCheckpoints.length !== 1) throw new Error(`inbox: task ${i} opened ${run.openCheckpoints.length} checkpoints (expected 1)`);
    if ((i + 1) % 500 === 0) progress("inbox:fill", i + 1, count);
  }
  return `${count.toLocaleString("en-US")} human-route tasks submitted one by one through runtime.submit() on the SQLite store (validated, routed, journaled, a takeover checkpoint opened: the path real tasks take)`;
}

/**
 * Submits the first task of each human kind through the runtime, then gives every other task that kind's journal
 * (submitted, routed, checkpoint opened: exactly what the runtime wrote) with a fresh random run id like the
 * runtime's, its own task id and its own opening time and deadline, appended in one `store.append` per run — one
 * transaction instead of the runtime's five (three appends, a lease taken and released).
 */
async function fillWithJournals(runtime: Runtime, store: Store, count: number, progress: BenchProgress): Promise<string> {
  const templates = new Map<string, { runId: string; taskId: string; json: string; openedAt: number; window: number }>();
  for (const k of humanKinds) {
    let first = 0;
    while (first < count && humanKindAt(first).kind !== k.kind) first++;
    if (first === count) continue;
    const taskId = `inbox-${first}`;
    const run = await runtime.submit(humanTask(taskId, first));
    const checkpoint = run.openCheckpoints[0];
    if (run.openCheckpoints.length !== 1 || checkpoint === undefined) throw new Error(`inbox: task ${first} opened ${run.openCheckpoints.length} checkpoints (expected 1)`);
    const events = (await store.readRun(run.runId)).map(({ type, data }) => ({ type, data }));
    templates.set(k.kind, { runId: run.runId, taskId, json: JSON.stringify(events), openedAt: checkpoint.openedAt, window: checkpoint.deadline - checkpoint.openedAt });
  }
  const templateTasks = new Set([...templates.values()].map((t) => t.taskId));
  let clock = Math.max(...[...templates.values()].map((t) => t.openedAt));
  for (let i = 0; i < count; i++) {
    const taskId = `inbox-${i}`;
    if (templateTasks.has(taskId)) continue;
    const t = templates.get(humanKindAt(i).kind)!;
    const runId = `run-${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const events = JSON.parse(t.json.replaceAll(t.runId, runId).replaceAll(`"${t.taskId}"`, `"${taskId}"`)) as NewRunEvent[];
    clock += 1; // as if one task arrived every millisecond: distinct deadlines, in arrival order
    for (const e of events) {
      if (e.type === "checkpoint.opened") {
        const cp = e.data.checkpoint as { openedAt: number; deadline: number };
        cp.openedAt = clock;
        cp.deadline = clock + t.window;
      }
    }
    await store.append(runId, 0, events);
    if ((i + 1) % 1000 === 0) progress("inbox:fill", i + 1, count);
  }
  return `${templates.size} human-route tasks (one per kind) submitted through runtime.submit(), then ${(count - templates.size).toLocaleString("en-US")} more runs, each given its kind's journal as the runtime wrote it (submitted, routed, takeover checkpoint opened) with a fresh random run id, its own task id, opening time and deadline (the task's input and the decision are the template's), appended in one store.append() per run`;
}
