// The shapes of the benchmark reports `convergent bench router` prints (`--json` prints RouterBenchReport).

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
