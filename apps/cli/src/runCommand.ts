// `convergent run FILE`: execute tasks — route each, run autonomous loops with their sandboxes, open checkpoints for people.
import { type Command, Option } from "commander";
import type { Task } from "@convergent/router";
import type { RunSummary, ShadowSummary } from "@convergent/runtime";
import type { CliContext } from "./context.js";
import { exitCodes, printProblems } from "./errors.js";
import { count } from "./format.js";
import { listTable } from "./table.js";
import { type Colors, colorsFor, createOutput } from "./output.js";
import { createProgress } from "./progress.js";
import { logFormatOption } from "./logOption.js";
import { type RuntimeCommandOptions, openRuntime } from "./runtimeSetup.js";
import { defaultStoreUrl } from "./storeOption.js";
import { openTaskInput, readTasks } from "./taskInput.js";

/** Options of `convergent run`. */
export interface RunOptions extends RuntimeCommandOptions {
  readonly json?: boolean;
  readonly direction?: boolean;
}

/** Adds `run` to the program. */
export function addRunCommand(program: Command, context: CliContext): Command {
  return program
    .command("run")
    .description("execute tasks: route each, run autonomous loops against sandboxes, open checkpoints for people")
    .argument("<file>", "task file: one JSON task, a JSON array, or JSON Lines; - reads stdin")
    .addOption(new Option("-p, --policy <file>", "policy file (YAML or JSON); the built-in default policy when left out"))
    .addOption(new Option("--store <url>", `where runs are kept: memory:, sqlite:PATH or postgres://… (default ${defaultStoreUrl})`))
    .option("--json", "print one JSON object per run (ids and statuses)")
    .option("--direction", "direction mode: ask a person for constraints before the agent starts")
    .addOption(logFormatOption())
    .addHelpText(
      "after",
      `
Runs go on until they succeed, fail, or wait for a person. Answer the waiting ones with
convergent inbox and convergent answer; the runs continue from where they stopped.

Examples:
  convergent run tasks.jsonl
  convergent run --json --store sqlite:work.db tasks.jsonl`,
    )
    .action(async (file: string, options: RunOptions) => {
      context.fail(await runRun(file, options));
    });
}

/** Runs `run` and returns its exit code. */
export async function runRun(file: string, options: RunOptions): Promise<number> {
  const input = await openTaskInput(file);
  const tasks: Task[] = [];
  const summary = await readTasks(input, (item) => {
    if (item.ok) tasks.push(item.task);
    else printProblems(item.problems, input.name);
  });
  const setup = await openRuntime(options);
  const out = createOutput(process.stdout, { buffered: false });
  const colors = colorsFor(process.stdout);
  const bar = createProgress({ total: tasks.length, label: "running" });
  const runs: RunSummary[] = [];
  try {
    for (const [i, task] of tasks.entries()) {
      const run = await setup.runtime.submit(task, options.direction ? { mode: "direction" } : {});
      runs.push(run);
      bar.update(i + 1, { detail: task.id });
      if (options.json) out.write(`${JSON.stringify(runLine(run))}\n`);
    }
  } finally {
    bar.stop();
    await setup.close();
  }
  if (!options.json && runs.length > 0) out.write(`${describeRuns(runs, colors)}\n\n${closingLines(runs, options.store)}\n`);
  await out.flush();
  if (summary.invalid > 0) {
    process.stderr.write(`convergent: ${summary.invalid} invalid task${summary.invalid === 1 ? "" : "s"} in ${input.name}; ${summary.tasks} run\n`);
    return exitCodes.failed;
  }
  return exitCodes.ok;
}

/** The JSON line `run --json` prints for a run. */
export function runLine(run: RunSummary): Record<string, unknown> {
  return {
    runId: run.runId,
    taskId: run.taskId,
    kind: run.kind,
    route: run.route,
    status: run.status,
    attempts: run.attempts,
    tokens: run.tokens,
    cost: Math.round(run.cost * 1e6) / 1e6,
    checkpoints: run.openCheckpoints.map((c) => ({ id: c.id, kind: c.kind, purpose: c.purpose, assigneeRoles: c.assigneeRoles })),
    reason: run.reason,
    output: run.output,
    shadow: run.shadow,
  };
}

/** A shadow run in a few words: how it stands and, once judged, what the comparison found. */
export function shadowText(shadow: ShadowSummary): string {
  const tries = `${shadow.attempts} attempt${shadow.attempts === 1 ? "" : "s"}`;
  if (shadow.judgement !== null) return `shadow run ${shadow.status} (${tries}); ${shadow.judgement}`;
  if (shadow.status === "running") return `shadow run under way (${tries} so far)`;
  if (shadow.status === "skipped") return `shadow run skipped: ${shadow.detail ?? "no agent"}`;
  return `shadow run ${shadow.status} after ${tries}${shadow.detail === null ? "" : ` (${shadow.detail})`}, to be judged against the person's result`;
}

const statusColor = (status: string, colors: Colors) =>
  status === "succeeded" ? colors.green(status) : status === "waiting" ? colors.yellow(status) : status === "running" ? status : colors.red(status);

/** What a run did or waits for, in a few words. */
function runNote(run: RunSummary): string {
  const waits = run.openCheckpoints.map((c) => `waits at ${c.id} (${c.purpose}, for ${c.assigneeRoles.join(" or ")})`).join("; ");
  const note = waits !== "" ? waits : (run.reason ?? "");
  return run.shadow === null ? note : `${note}; ${shadowText(run.shadow)}`;
}

/** Runs as a table: task, kind, route, status, attempts, and what each did or waits for. */
export function describeRuns(runs: readonly RunSummary[], colors: Colors): string {
  const rows = runs.map((run) => [run.taskId, run.kind, run.route ?? "—", statusColor(run.status, colors), run.attempts === 0 ? "—" : String(run.attempts), runNote(run)]);
  return listTable({ head: ["TASK", "KIND", "ROUTE", "STATUS", "ATTEMPTS", "NOTE"], rows, align: ["left", "left", "left", "left", "right", "left"] }, colors);
}

function closingLines(runs: readonly RunSummary[], store: string | undefined): string {
  const by = (s: string) => runs.filter((r) => r.status === s).length;
  const waiting = runs.reduce((n, r) => n + r.openCheckpoints.length, 0);
  const storeFlag = store === undefined ? "" : ` --store ${store}`;
  const lines = [`${count(runs.length)} run${runs.length === 1 ? "" : "s"}: ${by("succeeded")} succeeded, ${by("waiting")} waiting, ${by("failed") + by("cancelled")} failed or cancelled.`];
  if (waiting > 0) {
    lines.push(`${waiting} checkpoint${waiting === 1 ? " waits" : "s wait"} for a person; see what each accepts with: convergent inbox${storeFlag}`);
    lines.push(`Then answer: convergent answer <checkpoint> --as <you> --json '<answer>'${storeFlag}`);
  }
  return lines.join("\n");
}
