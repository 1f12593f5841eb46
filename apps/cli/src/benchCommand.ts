// `convergent bench [router|runtime|quality]`: the benchmarks of @convergent/bench, printed as tables or one JSON
// line, and optionally one self-contained HTML page. With no suite it runs all three and writes one combined report.
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Argument, type Command, Option } from "commander";
import type {
  BenchProgress,
  QualityBenchOptions,
  QualityReport,
  RouterBenchOptions,
  RouterBenchReport,
  RuntimeBenchOptions,
  RuntimeBenchReport,
  WorldsBenchOptions,
  WorldsReport,
} from "@convergent/bench";
import { renderBenchHtml } from "./benchHtml.js";
import type { CliContext } from "./context.js";
import { exitCodes } from "./errors.js";
import { count } from "./format.js";
import { wholeNumber } from "./options.js";
import { type Colors, colorsFor } from "./output.js";
import { type Progress, createProgress, progressEnabled } from "./progress.js";
import { boxTable } from "./table.js";

/** The benchmarks `convergent bench` runs. */
export const benchSuites = ["router", "runtime", "quality"] as const;

/** One benchmark suite. */
export type BenchSuite = (typeof benchSuites)[number];

/** Options of `convergent bench`. */
export interface BenchCommandOptions {
  readonly json?: boolean;
  readonly tasks?: number;
  readonly simulateTasks?: number;
  readonly seed?: number;
  readonly roundTrips?: number;
  readonly sqliteRoundTrips?: number;
  readonly attemptRuns?: number;
  readonly sqliteAttemptRuns?: number;
  readonly inboxCheckpoints?: number;
  readonly inboxFill?: "journal" | "runtime";
  readonly html?: string;
  readonly qualityTasks?: number;
  readonly reps?: number;
  readonly worlds?: number;
}

/** Every report one `convergent bench` run produced. */
export interface BenchReports {
  readonly router?: RouterBenchReport;
  readonly runtime?: RuntimeBenchReport;
  readonly quality?: QualityReport;
  /** ConvergeBench across generated worlds (`bench quality --worlds N`). */
  readonly worlds?: WorldsReport;
}

/** Adds `bench` to the program. */
export function addBenchCommand(program: Command, context: CliContext): Command {
  return program
    .command("bench")
    .description("run the benchmarks: router speed against json-rules-engine and simulate throughput (router), checkpoint round trips against LangGraph, attempt overhead and the inbox at scale (runtime), routing quality against baselines and an oracle (quality); all three when no suite is named")
    .addArgument(new Argument("[suite]", "which benchmark (all when left out)").choices(benchSuites))
    .option("--json", "print the report as one JSON line ({ router, runtime, quality } when all run)")
    .option("--html <out>", "also write the report as one self-contained HTML page with charts")
    .addOption(new Option("--tasks <n>", "router: varied tasks to decide").argParser(wholeNumber(1)))
    .addOption(new Option("--simulate-tasks <n>", "router: tasks in the generated JSONL file timed through simulate; 0 skips it").argParser(wholeNumber(0)))
    .addOption(new Option("--seed <n>", "router, quality: seed of the task generator").argParser(wholeNumber(0)))
    .addOption(new Option("--quality-tasks <n>", "quality: tasks of the i.i.d. test split (10,000)").argParser(wholeNumber(50)))
    .addOption(new Option("--reps <n>", "quality: realisations behind each expected cost (16)").argParser(wholeNumber(1)))
    .addOption(
      new Option("--worlds <n>", "quality: run ConvergeBench across generated worlds instead of the single world: world 0, N held-out worlds and 10 training worlds (--quality-tasks is then the zero-shot tasks per world, 2,000)").argParser(wholeNumber(1)),
    )
    .addOption(new Option("--round-trips <n>", "runtime: checkpoint round trips per pass on the memory stores (2,000)").argParser(wholeNumber(1)))
    .addOption(new Option("--sqlite-round-trips <n>", "runtime: checkpoint round trips per pass on the SQLite stores (1,000)").argParser(wholeNumber(1)))
    .addOption(new Option("--attempt-runs <n>", "runtime: autonomous runs per pass for the attempt overhead on memory (1,000)").argParser(wholeNumber(1)))
    .addOption(new Option("--sqlite-attempt-runs <n>", "runtime: autonomous runs per pass for the attempt overhead on SQLite (300)").argParser(wholeNumber(1)))
    .addOption(new Option("--inbox-checkpoints <n>", "runtime: open checkpoints in the SQLite inbox (100,000)").argParser(wholeNumber(1)))
    .addOption(new Option("--inbox-fill <how>", "runtime: fill the inbox by appending journals or through runtime.submit()").choices(["journal", "runtime"]))
    .action(async (suite: BenchSuite | undefined, options: BenchCommandOptions) => {
      context.fail(await runBench(options, suite));
    });
}

/** A progress callback drawing one bar per phase on a terminal, and a way to remove the last bar. */
function phaseBars(): { readonly onProgress?: BenchProgress; stop(): void } {
  if (!progressEnabled()) return { stop: () => {} };
  let bar: Progress | undefined;
  let phase = "";
  return {
    onProgress: (name, done, total) => {
      if (name !== phase) {
        bar?.stop();
        phase = name;
        bar = createProgress({ total, label: name.padEnd(18) });
      }
      bar?.update(done, { total });
    },
    stop: () => bar?.stop(),
  };
}

/** Runs one benchmark suite, or all when `suite` is left out, prints the report(s) and returns the exit code. */
export async function runBench(options: BenchCommandOptions, suite?: BenchSuite): Promise<number> {
  // Loaded on demand: the benchmarks pull in json-rules-engine and LangGraph, which no other command needs.
  const bench = await import("@convergent/bench");
  const bars = phaseBars();
  let router: RouterBenchReport | undefined;
  let runtime: RuntimeBenchReport | undefined;
  let quality: QualityReport | undefined;
  let worlds: WorldsReport | undefined;
  try {
    if (suite === undefined || suite === "router") {
      const routerOptions: RouterBenchOptions = {
        cliPath: fileURLToPath(new URL("./bin.js", import.meta.url)),
        ...(options.tasks === undefined ? {} : { tasks: options.tasks }),
        ...(options.simulateTasks === undefined ? {} : { simulateTasks: options.simulateTasks }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(bars.onProgress === undefined ? {} : { onProgress: bars.onProgress }),
      };
      router = await bench.runRouterBench(routerOptions);
    }
    if (suite === undefined || suite === "runtime") {
      const runtimeOptions: RuntimeBenchOptions = {
        ...(options.roundTrips === undefined ? {} : { roundTrips: options.roundTrips }),
        ...(options.sqliteRoundTrips === undefined ? {} : { sqliteRoundTrips: options.sqliteRoundTrips }),
        ...(options.attemptRuns === undefined ? {} : { attemptRuns: options.attemptRuns }),
        ...(options.sqliteAttemptRuns === undefined ? {} : { sqliteAttemptRuns: options.sqliteAttemptRuns }),
        ...(options.inboxCheckpoints === undefined ? {} : { inboxCheckpoints: options.inboxCheckpoints }),
        ...(options.inboxFill === undefined ? {} : { inboxFill: options.inboxFill }),
        ...(bars.onProgress === undefined ? {} : { onProgress: bars.onProgress }),
      };
      runtime = await bench.runRuntimeBench(runtimeOptions);
    }
    if (suite === undefined || suite === "quality") {
      if (options.worlds === undefined) quality = bench.runQualityBench(qualityOptions(options), bars.onProgress);
      else worlds = bench.runWorldsBench(worldsOptions(options), bars.onProgress);
    }
  } finally {
    bars.stop();
  }
  const reports: BenchReports = { ...(router && { router }), ...(runtime && { runtime }), ...(quality && { quality }), ...(worlds && { worlds }) };
  const colors = colorsFor(process.stdout);
  if (options.json) {
    const json = suite === undefined ? reports : (router ?? runtime ?? quality ?? worlds);
    process.stdout.write(`${JSON.stringify(json)}\n`);
  } else {
    const parts: string[] = [];
    if (router !== undefined) parts.push(formatBench(router, colors));
    if (runtime !== undefined) parts.push(formatRuntimeBench(runtime, colors));
    if (quality !== undefined) parts.push(bench.formatQualityMarkdown(quality));
    if (worlds !== undefined) parts.push(bench.formatWorldsMarkdown(worlds));
    process.stdout.write(parts.join("\n"));
  }
  if (options.html !== undefined) {
    await writeFile(options.html, await renderBenchHtml(reports));
    if (!options.json) process.stderr.write(`wrote ${options.html}\n`);
    if (worlds !== undefined) process.stderr.write("note: the HTML page has no section for ConvergeBench across worlds yet; use --json or the Markdown output\n");
  }
  return exitCodes.ok;
}

/** The worlds benchmark's options from the command line's: `--worlds` held-out worlds, `--quality-tasks` zero-shot tasks per world, `--reps`. */
export function worldsOptions(options: BenchCommandOptions): WorldsBenchOptions {
  return {
    ...(options.worlds === undefined ? {} : { heldOutWorlds: options.worlds }),
    ...(options.qualityTasks === undefined ? {} : { zeroShotTasks: options.qualityTasks }),
    ...(options.reps === undefined ? {} : { reps: options.reps }),
  };
}

/** The quality benchmark's options from the command line's (sizes other than the test split keep their defaults). */
export function qualityOptions(options: BenchCommandOptions): QualityBenchOptions {
  return {
    ...(options.qualityTasks === undefined ? {} : { tasks: options.qualityTasks }),
    ...(options.reps === undefined ? {} : { reps: options.reps }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
}

const times = (ratio: number) => `${ratio >= 10 ? Math.round(ratio).toLocaleString("en-US") : ratio.toFixed(1)}×`;

/** The router benchmark's report as a small table with the ratio. */
export function formatBench(report: RouterBenchReport, colors: Colors): string {
  const rate = (n: number) => `${count(n)} /s`;
  const us = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} µs`;
  const rows = [
    ["convergent decide() (full routing, explained)", rate(report.decisionsPerSec), us(report.p50Us), us(report.p99Us)],
    ...(report.rulesOnly === undefined ? [] : [["convergent compiled rules alone", rate(report.rulesOnly.evaluationsPerSec), "", ""]]),
    [`${report.peer.name} ${report.peer.version} (rules alone)`, rate(report.peer.decisionsPerSec), "", ""],
  ];
  const lines = [
    `${colors.bold("Router benchmark")}: ${count(report.tasks)} varied tasks, a policy with ${report.rules} rules, Node ${report.node}`,
    boxTable({ head: ["", "decisions", "p50", "p99"], rows, align: ["left", "right", "right", "right"] }, colors),
    `ratio: ${colors.bold(times(report.ratio))} the decisions per second of ${report.peer.name}` +
      (report.rulesOnly === undefined ? "" : `; rules alone, like for like: ${colors.bold(times(report.rulesOnly.ratio))}`),
  ];
  const s = report.simulate;
  if (s !== undefined) {
    lines.push(
      `simulate: ${count(s.tasks)} tasks (${s.fileMb.toFixed(0)} MB of JSON Lines) in ${s.seconds.toFixed(1)} s, ${count(s.tasksPerSec)} tasks/s, peak RSS ${s.peakRssMb.toFixed(0)} MB`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The runtime benchmark's report: round trips against LangGraph with their ratios, attempt overhead, the inbox, and which targets were met. */
export function formatRuntimeBench(report: RuntimeBenchReport, colors: Colors): string {
  const rt = report.roundTrips;
  const rate = (n: number) => `${count(n)} /s`;
  const msText = (n: number) => `${n < 1 ? n.toFixed(3) : n.toFixed(1)} ms`;
  const verdict = (met: boolean) => (met ? colors.green("met") : colors.red("missed"));
  const t = report.targets;
  const peer = `${rt.peer.name} ${rt.peer.version}`;
  const rows = [
    ["memory", rate(rt.memory.perSec), rate(rt.peer.memory.perSec), colors.bold(times(rt.ratios.memory))],
    ["SQLite (file, WAL)", rate(rt.sqlite.perSec), rate(rt.peer.sqlite.perSec), colors.bold(times(rt.ratios.sqlite))],
  ];
  const o = report.attemptOverhead;
  const q = report.inbox.queries;
  const lines = [
    `${colors.bold("Runtime benchmark")}: checkpoint round trips (submit → checkpoint → answer → resume → complete), Node ${report.node}`,
    boxTable({ head: ["store", "convergent", peer, "ratio"], rows, align: ["left", "right", "right", "right"] }, colors),
    `round trips: ${count(rt.memory.roundTrips)} (memory) and ${count(rt.sqlite.roundTrips)} (SQLite) per pass, median of ${rt.memory.passPerSec.length} passes after a warm-up; target ≥ ${t.ratio}×: memory ${verdict(report.met.ratioMemory)}, SQLite ${verdict(report.met.ratioSqlite)}`,
    `attempt overhead (runtime only, agent and sandbox time excluded): memory ${colors.bold(msText(o.memoryMs))}, SQLite ${colors.bold(msText(o.sqliteMs))} per attempt; target ≤ ${t.attemptOverheadMs} ms: memory ${verdict(report.met.attemptOverheadMemory)}, SQLite ${verdict(report.met.attemptOverheadSqlite)}`,
    `inbox: ${count(report.inbox.checkpoints)} open checkpoints in SQLite (${report.inbox.fileMb.toFixed(0)} MB file), 50 per query: p50 ${msText(report.inbox.p50Ms)}, p95 ${colors.bold(msText(report.inbox.p95Ms))} (all ${msText(q.all.p95Ms)}, by role ${msText(q.role.p95Ms)}, by a rare role ${msText(q.rareRole.p95Ms)}); RSS ${report.inbox.rssMb.toFixed(0)} MB; target p95 ≤ ${t.inboxP95Ms} ms: ${verdict(report.met.inboxP95)}`,
  ];
  return `${lines.join("\n")}\n`;
}
