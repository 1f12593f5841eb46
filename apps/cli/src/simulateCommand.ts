// `convergent simulate`: replay a policy over a JSON Lines log of tasks in flat memory, compare it, chart it.
import { writeFile } from "node:fs/promises";
import { type Command, Option } from "commander";
import { type SimulationReport, createCalibration, createRouter, createSimulation } from "@convergent/router";
import { routerState } from "./routeCommand.js";
import { openStore } from "./storeOption.js";
import type { CliContext } from "./context.js";
import { CliError, describeFsError, exitCodes, printProblems } from "./errors.js";
import { count } from "./format.js";
import { wholeNumber } from "./options.js";
import { colorsFor } from "./output.js";
import { policyFromOption } from "./policyInput.js";
import { createProgress } from "./progress.js";
import { formatSimulation } from "./simulationText.js";
import { openTaskInput, readTasks } from "./taskInput.js";

/** Options of `convergent simulate`. */
export interface SimulateCommandOptions {
  readonly tasks?: string;
  readonly outcomes?: string;
  readonly policy?: string;
  readonly against?: string;
  readonly json?: boolean;
  readonly html?: string;
  readonly maxChanged?: number;
  readonly store?: string;
}

/** Adds `simulate` to the program. */
export function addSimulateCommand(program: Command, context: CliContext): Command {
  return program
    .command("simulate")
    .description("replay a policy over a log of tasks (JSON Lines); with --against, show which tasks change route and why")
    .option("-t, --tasks <file>", "tasks as JSON Lines (- reads stdin); streamed, so any size works")
    .option("-o, --outcomes <file>", "instead of tasks, a log of past runs as JSON Lines ({task, route, result, propensity?, cost?}): estimate what each policy would have cost (doubly robust and inverse propensity, 95% intervals)")
    .option("-p, --policy <file>", "the policy to replay; the built-in default policy when left out")
    .option("-a, --against <file>", "a second policy to compare with")
    .option("--json", "print the report as JSON")
    .option("--html <file>", "also write a self-contained HTML report with charts to <file>")
    .addOption(new Option("--store <url>", "start both policies from the router state `route --learn --store` kept there"))
    .addOption(new Option("--max-changed <n>", "most route changes listed with their reasons (all are counted)").argParser(wholeNumber(0)).default(1000))
    .addHelpText(
      "after",
      `
Invalid lines are reported as FILE:LINE: path: message on stderr; the others are still simulated
and the exit code is 1.

Examples:
  convergent simulate --tasks tasks.jsonl --policy policy.yaml
  convergent simulate --tasks tasks.jsonl --policy current.yaml --against proposed.yaml --html report.html
  convergent simulate --tasks tasks.jsonl --against proposed.yaml --json
  convergent simulate --outcomes runs.jsonl --policy current.yaml --against proposed.yaml`,
    )
    .action(async (options: SimulateCommandOptions) => {
      context.fail(await runSimulate(options));
    });
}

/** Runs `simulate` and returns its exit code. */
export async function runSimulate(options: SimulateCommandOptions): Promise<number> {
  if ((options.tasks === undefined) === (options.outcomes === undefined)) {
    throw new CliError("simulate needs either --tasks FILE (replay tasks) or --outcomes FILE (evaluate on a log of runs), not both", { exitCode: exitCodes.usage });
  }
  if (options.outcomes !== undefined && options.html !== undefined) {
    throw new CliError("--html charts a replay of --tasks; it does not go with --outcomes", { exitCode: exitCodes.usage });
  }
  let saved: Awaited<ReturnType<typeof routerState>>;
  if (options.store !== undefined) {
    const store = await openStore(options.store);
    try {
      saved = await routerState(store, options.store);
    } finally {
      await store.close();
    }
  }
  // Each policy gets its own copy of the learnt state: simulating one must not teach the other.
  const learnt = () => (saved === undefined ? {} : { calibration: createCalibration(saved) });
  const policy = createRouter({ policy: await policyFromOption(options.policy), ...learnt() });
  const against = options.against === undefined ? undefined : createRouter({ policy: await policyFromOption(options.against), ...learnt() });
  if (options.outcomes !== undefined) {
    const { runOffPolicy } = await import("./offPolicyCommand.js");
    return runOffPolicy(options.outcomes, against === undefined ? [policy] : [policy, against], { json: options.json === true });
  }
  const simulation = createSimulation(policy, against === undefined ? { maxChanged: options.maxChanged ?? 1000 } : { against, maxChanged: options.maxChanged ?? 1000 });
  const input = await openTaskInput(options.tasks!);
  const progress = createProgress({ total: input.size ?? 0, label: "simulate" });
  let seen = 0;
  let summary;
  try {
    summary = await readTasks(input, (item) => {
      if (item.ok) simulation.add(item.task);
      else printProblems(item.problems, input.name);
      // Throttled: a progress update per task would cost more than the decisions.
      if (++seen % 2048 === 0) progress.update(input.bytesRead(), { detail: `${count(seen)} tasks` });
    });
  } finally {
    progress.stop();
  }
  const report = simulation.report();
  if (options.html !== undefined) await writeHtml(options.html, report, { source: input.name, invalid: summary.invalid });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    const colors = colorsFor(process.stdout);
    process.stdout.write(`Simulated ${count(summary.tasks)} task${summary.tasks === 1 ? "" : "s"} from ${input.name}.\n\n`);
    process.stdout.write(formatSimulation(report, { colors }));
    if (options.html !== undefined) process.stdout.write(`\nWrote ${options.html}.\n`);
  }
  if (summary.invalid > 0) {
    process.stderr.write(`convergent: ${summary.invalid} invalid task${summary.invalid === 1 ? "" : "s"} in ${input.name} were left out; ${summary.tasks} simulated\n`);
    return exitCodes.failed;
  }
  return exitCodes.ok;
}

async function writeHtml(path: string, report: SimulationReport, options: { source: string; invalid: number }): Promise<void> {
  // Loaded only when asked for: vega takes a moment to load and most runs do not chart.
  const { renderHtmlReport } = await import("./htmlReport.js");
  const html = await renderHtmlReport(report, options);
  try {
    await writeFile(path, html);
  } catch (cause) {
    throw new CliError(`${path}: cannot write the report: ${describeFsError(cause)}`, { cause });
  }
}
