// `convergent bench [router]`: the router benchmark of @convergent/bench, printed as a table or one JSON line.
import { fileURLToPath } from "node:url";
import { Argument, type Command, Option } from "commander";
import type { RouterBenchOptions, RouterBenchReport } from "@convergent/bench";
import type { CliContext } from "./context.js";
import { exitCodes } from "./errors.js";
import { count } from "./format.js";
import { wholeNumber } from "./options.js";
import { type Colors, colorsFor } from "./output.js";
import { type Progress, createProgress, progressEnabled } from "./progress.js";
import { boxTable } from "./table.js";

/** Options of `convergent bench`. */
export interface BenchCommandOptions {
  readonly json?: boolean;
  readonly tasks?: number;
  readonly simulateTasks?: number;
  readonly seed?: number;
}

/** Adds `bench` to the program. */
export function addBenchCommand(program: Command, context: CliContext): Command {
  return program
    .command("bench")
    .description("run a benchmark: router speed against json-rules-engine, and simulate throughput")
    .addArgument(new Argument("[suite]", "which benchmark").choices(["router"]).default("router"))
    .option("--json", "print the report as one JSON line")
    .addOption(new Option("--tasks <n>", "varied tasks to decide").argParser(wholeNumber(1)))
    .addOption(new Option("--simulate-tasks <n>", "tasks in the generated JSONL file timed through simulate; 0 skips it").argParser(wholeNumber(0)))
    .addOption(new Option("--seed <n>", "seed of the task generator").argParser(wholeNumber(0)))
    .action(async (_suite: string, options: BenchCommandOptions) => {
      context.fail(await runBench(options));
    });
}

/** Runs the router benchmark and returns the exit code. */
export async function runBench(options: BenchCommandOptions): Promise<number> {
  // Loaded on demand: the benchmark pulls in json-rules-engine, which no other command needs.
  const { runRouterBench } = await import("@convergent/bench");
  let bar: Progress | undefined;
  let phase = "";
  const benchOptions: RouterBenchOptions = {
    cliPath: fileURLToPath(new URL("./bin.js", import.meta.url)),
    ...(options.tasks === undefined ? {} : { tasks: options.tasks }),
    ...(options.simulateTasks === undefined ? {} : { simulateTasks: options.simulateTasks }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(progressEnabled()
      ? {
          onProgress: (name: string, done: number, total: number) => {
            if (name !== phase) {
              bar?.stop();
              phase = name;
              bar = createProgress({ total, label: name.padEnd(18) });
            }
            bar?.update(done, { total });
          },
        }
      : {}),
  };
  let report: RouterBenchReport;
  try {
    report = await runRouterBench(benchOptions);
  } finally {
    bar?.stop();
  }
  if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(formatBench(report, colorsFor(process.stdout)));
  return exitCodes.ok;
}

/** The router benchmark's report as a small table with the ratio. */
export function formatBench(report: RouterBenchReport, colors: Colors): string {
  const rate = (n: number) => `${count(n)} /s`;
  const us = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} µs`;
  const rows = [
    ["convergent decide() (full routing, explained)", rate(report.decisionsPerSec), us(report.p50Us), us(report.p99Us)],
    ...(report.rulesOnly === undefined ? [] : [["convergent compiled rules alone", rate(report.rulesOnly.evaluationsPerSec), "", ""]]),
    [`${report.peer.name} ${report.peer.version} (rules alone)`, rate(report.peer.decisionsPerSec), "", ""],
  ];
  const times = (ratio: number) => `${ratio >= 10 ? Math.round(ratio).toLocaleString("en-US") : ratio.toFixed(1)}×`;
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
