// The shapes of the benchmark reports `convergent bench` prints (`--json` prints RouterBenchReport, RuntimeBenchReport or both).

/** Progress of a benchmark phase, for a progress bar. */
export type BenchProgress = (phase: string, done: number, total: number) => void;

/** Options of `runRouterBench`. */
export interface RouterBenchOptions {
  /** Varied tasks decided (100,000 by default). */
  readonly tasks?: number;
  /** Seed of the task generator (deterministic inputs). */
  readonly seed?: number;
  /** Tasks in the generated JSONL file for the simulate timing (1,000,000 by default; 0 skips it). */
  readonly simulateTasks?: number;
  /** Path of the built `convergent` CLI (`apps/cli/dist/bin.js`) the simulate timing runs as a child process. */
  readonly cliPath?: string;
  /** Called as phases progress. */
  readonly onProgress?: BenchProgress;
}

/** Timing of `convergent simulate` over a generated JSONL file. */
export interface SimulateBenchReport {
  readonly tasks: number;
  readonly fileMb: number;
  readonly seconds: number;
  readonly tasksPerSec: number;
  /** Peak resident memory of the simulate process, in MB. */
  readonly peakRssMb: number;
  /** How memory was observed: `/proc/<pid>/status` VmHWM, sampled `ps` RSS, or not at all (peakRssMb is then 0). */
  readonly rssSource?: "procfs" | "ps" | "unavailable";
  /** Resident memory sampled over the run, in MB (at most 20 evenly spread samples): flat when memory is flat. */
  readonly rssTimelineMb?: readonly number[];
  /** Tasks the CLI reports it decided (the sum of its route mix), when its output could be read. */
  readonly decided?: number;
  /** The policy simulated. */
  readonly policy?: string;
}

/** The targets for the router benchmark. */
export interface RouterBenchTargets {
  readonly decisionsPerSec: number;
  readonly p99Us: number;
  readonly ratio: number;
  readonly simulateSeconds: number;
}

/** What the tasks were like and what the router did with them (from the first warm-up pass). */
export interface RouterBenchWorkload {
  readonly families: number;
  readonly kinds: number;
  readonly routeMix: { readonly autonomous: number; readonly supervised: number; readonly human: number };
  /** Mean number of rules matched per task. */
  readonly meanRulesMatched: number;
  /** Tasks each rule matched, by rule id. */
  readonly ruleMatches: Readonly<Record<string, number>>;
}

/** Result of the router benchmark. */
export interface RouterBenchReport {
  /** decide() calls per second on one core, with a 20-rule policy. */
  readonly decisionsPerSec: number;
  /** Median latency of one decide() call, in microseconds. */
  readonly p50Us: number;
  /** 99th percentile latency of one decide() call, in microseconds. */
  readonly p99Us: number;
  /** The rules engine a team would otherwise reach for, evaluating the same 20 rules on the same tasks. */
  readonly peer: {
    readonly name: string;
    readonly version: string;
    readonly decisionsPerSec: number;
    /** How the peer was set up and timed. */
    readonly setup?: string;
    /** Tasks on which both engines' matched rules were compared, and how many differed (0 expected). */
    readonly agreement?: { readonly checked: number; readonly mismatches: number };
  };
  /** decisionsPerSec / peer.decisionsPerSec. */
  readonly ratio: number;
  /** Like for like: the router's compiled rules alone on the same facts, and their ratio to the peer. */
  readonly rulesOnly?: { readonly evaluationsPerSec: number; readonly ratio: number };
  readonly tasks: number;
  readonly rules: number;
  readonly node: string;
  /** Present unless simulateTasks was 0. */
  readonly simulate?: SimulateBenchReport;
  /** decisions/s of every timed pass, each with a fresh router (decisionsPerSec is their median). */
  readonly passDecisionsPerSec?: readonly number[];
  /**
   * decisions/s of a router deciding the same tasks a second time, its per-kind caches already holding them: for
   * comparison only, an upper bound a stream of new tasks does not reach.
   */
  readonly repeatedDecisionsPerSec?: number;
  /** More of the latency distribution of one decide() call, in microseconds. */
  readonly latency?: { readonly p90Us: number; readonly p999Us: number; readonly maxUs: number; readonly meanUs: number };
  /** What one `process.hrtime.bigint()` pair costs, in ns; every latency figure includes it once. */
  readonly timerOverheadNs?: number;
  readonly workload?: RouterBenchWorkload;
  readonly targets?: RouterBenchTargets;
  /** Which targets were met. */
  readonly met?: { readonly [K in keyof RouterBenchTargets]?: boolean };
  /** What was measured and how, in sentences (what decide() does that the peer does not, for instance). */
  readonly notes?: readonly string[];
}

/** Options of `runRuntimeBench`. */
export interface RuntimeBenchOptions {
  /** Round trips per timed pass on the memory stores (2,000 by default). */
  readonly roundTrips?: number;
  /** Round trips per timed pass on the SQLite stores (1,000 by default). */
  readonly sqliteRoundTrips?: number;
  /** Timed passes of every measurement; figures are their median (3 by default). */
  readonly passes?: number;
  /** Autonomous runs per timed pass on the memory store (1,000 by default; each takes 8–12 attempts). */
  readonly attemptRuns?: number;
  /** Autonomous runs per timed pass on the SQLite store (300 by default). */
  readonly sqliteAttemptRuns?: number;
  /** Open checkpoints put in the SQLite store before the inbox queries (100,000 by default). */
  readonly inboxCheckpoints?: number;
  /**
   * How the inbox is filled: `journal` (the default) submits one real task per human kind through the runtime, then
   * appends each further run's journal (those events with fresh ids and times) in one `store.append` per run;
   * `runtime` submits every task through `runtime.submit()` (about 4× slower).
   */
  readonly inboxFill?: "journal" | "runtime";
  /** Inbox queries timed per query shape (200 by default). */
  readonly inboxQueries?: number;
  /** Directory for the temporary SQLite files (a new one under the OS temp directory by default; removed afterwards). */
  readonly dir?: string;
  /** Called as phases progress. */
  readonly onProgress?: BenchProgress;
}

/** Checkpoint round trips on one system and one kind of store. */
export interface RoundTripFigure {
  /** Round trips per second: the median of the timed passes. */
  readonly perSec: number;
  /** Round trips per second of every timed pass. */
  readonly passPerSec: readonly number[];
  /** Round trips in each timed pass. */
  readonly roundTrips: number;
  /** Round trips that reached their end with the answer as output, warm-up included, as each call returned it. */
  readonly completed: number;
  /**
   * Read back from the store afterwards: completed runs (Convergent: runs with status `succeeded`; LangGraph:
   * threads whose checkpoints hold the completed state) — warm-up included.
   */
  readonly completedInStore: number;
  /** Untimed round trips before the timed passes (one pass's worth). */
  readonly warmup: number;
  /** Round trips per second during the warm-up: the cold speed, for comparison. */
  readonly warmupPerSec: number;
}

/** Runtime overhead per autonomous attempt on one store, excluding the time inside the agent and the sandbox. */
export interface AttemptOverheadFigure {
  /** Milliseconds per attempt: the median of the timed passes. */
  readonly ms: number;
  readonly passMs: readonly number[];
  /** Runs per pass, and attempts over all timed passes. */
  readonly runs: number;
  readonly attempts: number;
  /** Runs of the timed passes that succeeded (all of them, expected). */
  readonly succeeded: number;
  /** Share of the wall time spent inside the agent and sandbox calls (what was subtracted). */
  readonly insideShare: number;
}

/** Latency of one inbox query shape over the timed queries, in milliseconds. */
export interface InboxQueryFigure {
  /** The `store.listCheckpoints` query. */
  readonly query: string;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  /** Checkpoints the query returned (its limit, expected). */
  readonly rows: number;
}

/** The targets for the runtime benchmark. */
export interface RuntimeBenchTargets {
  /** Round trips per second as a multiple of LangGraph's, on the same kind of store. */
  readonly ratio: number;
  /** Runtime overhead per autonomous attempt, ms. */
  readonly attemptOverheadMs: number;
  /** p95 of the inbox query over the open checkpoints, ms. */
  readonly inboxP95Ms: number;
}

/** Result of the runtime benchmark (`convergent bench runtime --json` prints it). */
export interface RuntimeBenchReport {
  readonly roundTrips: {
    readonly memory: RoundTripFigure;
    readonly sqlite: RoundTripFigure;
    /** The same round trip in LangGraph: a StateGraph with interrupt(), resumed with a Command. */
    readonly peer: {
      readonly name: string;
      readonly version: string;
      /** Version of @langchain/langgraph-checkpoint-sqlite (SqliteSaver). */
      readonly sqliteSaverVersion: string;
      readonly setup: string;
      readonly memory: RoundTripFigure;
      readonly sqlite: RoundTripFigure;
    };
    /** Ours / LangGraph's round trips per second on the same kind of store. */
    readonly ratios: { readonly memory: number; readonly sqlite: number };
  };
  readonly attemptOverhead: {
    readonly memoryMs: number;
    readonly sqliteMs: number;
    readonly memory: AttemptOverheadFigure;
    readonly sqlite: AttemptOverheadFigure;
  };
  readonly inbox: {
    /** Open checkpoints in the store when the queries ran (counted from the store). */
    readonly checkpoints: number;
    /** The worse of the two documented shapes (all open checkpoints; filtered by a role), for the target. */
    readonly p50Ms: number;
    readonly p95Ms: number;
    /** The SQLite file with its WAL, MB. */
    readonly fileMb: number;
    /** Resident memory of this process after the queries, MB (and before the store was filled). */
    readonly rssMb: number;
    readonly rssBeforeMb: number;
    /** How the checkpoints were created, and how fast. */
    readonly created: { readonly method: string; readonly seconds: number; readonly perSec: number };
    /** Every query shape timed: all open, a common role (30% of checkpoints), a rare role (1%). */
    readonly queries: { readonly all: InboxQueryFigure; readonly role: InboxQueryFigure; readonly rareRole: InboxQueryFigure };
  };
  readonly node: string;
  readonly targets: RuntimeBenchTargets;
  /** Which targets were met. */
  readonly met: {
    readonly ratioMemory: boolean;
    readonly ratioSqlite: boolean;
    readonly attemptOverheadMemory: boolean;
    readonly attemptOverheadSqlite: boolean;
    readonly inboxP95: boolean;
  };
  /** What was measured and how, in sentences. */
  readonly notes: readonly string[];
}
