// `convergent simulate --outcomes LOG.jsonl`: what a policy would have cost on a log of past runs and how they ended,
// estimated off-policy (inverse propensity, doubly robust) with confidence intervals, beside what the log cost.
import { type LoggedRun, type OffPolicyReport, type Router, checkTask, evaluateOffPolicy, loggedRunSchema, problemsFromZod } from "@convergent/router";
import { exitCodes } from "./errors.js";
import { forEachJsonLine } from "./jsonLineReader.js";
import { count, money, policyLabel } from "./format.js";
import { colorsFor } from "./output.js";
import { boxTable } from "./table.js";
import { openTaskInput } from "./taskInput.js";

/** Reads a log of runs (JSON Lines); bad lines are reported as `NAME:LINE: path: message` and left out. */
export async function readLoggedRuns(file: string): Promise<{ runs: LoggedRun[]; invalid: number; name: string }> {
  const input = await openTaskInput(file);
  const runs: LoggedRun[] = [];
  const invalid = await forEachJsonLine(input, "the log", (value, _line, bad) => {
    const parsed = loggedRunSchema.safeParse(value, { reportInput: true });
    if (!parsed.success) return bad(problemsFromZod(parsed.error.issues));
    const task = checkTask(parsed.data.task);
    if (!task.ok) return bad(task.problems.map((p) => ({ path: p.path === "" ? "task" : `task.${p.path}`, message: p.message })));
    runs.push({ ...parsed.data, task: task.task });
  });
  return { runs, invalid, name: input.name };
}

/** Runs the off-policy evaluation for each router and prints it; returns the exit code. */
export async function runOffPolicy(file: string, routers: readonly Router[], options: { readonly json?: boolean }): Promise<number> {
  const { runs, invalid, name } = await readLoggedRuns(file);
  const reports = routers.map((router) => evaluateOffPolicy(router, runs));
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ runs: runs.length, policies: reports })}\n`);
  } else {
    process.stdout.write(`Evaluated on ${count(runs.length)} logged run${runs.length === 1 ? "" : "s"} from ${name}.\n\n`);
    process.stdout.write(formatOffPolicy(reports, routers[0]?.policy.costs.currency ?? "USD"));
  }
  if (invalid > 0) {
    process.stderr.write(`convergent: ${invalid} invalid line${invalid === 1 ? "" : "s"} in ${name} were left out; ${runs.length} evaluated\n`);
    return exitCodes.failed;
  }
  return exitCodes.ok;
}

/** The reports as one table: per policy, the cost per task estimated three ways with 95% intervals. */
export function formatOffPolicy(reports: readonly OffPolicyReport[], currency: string): string {
  const colors = colorsFor(process.stdout);
  const interval = (e: OffPolicyReport["doublyRobust"]) => `${money(e.mean, currency)} (${money(e.low, currency)} – ${money(e.high, currency)})`;
  const rows = reports.map((r) => [
    policyLabel(r.policy),
    interval(r.logged),
    interval(r.doublyRobust),
    interval(r.inversePropensity),
    money(r.direct.mean, currency),
    `${count(r.matched)} (ESS ${count(Math.round(r.effectiveSampleSize))})`,
    `${count(r.routeMix.autonomous)} / ${count(r.routeMix.supervised)} / ${count(r.routeMix.human)}`,
  ]);
  const table = boxTable(
    {
      head: ["policy", "logged cost/task", "doubly robust", "inverse propensity", "model", "runs it agrees with", "autonomous / supervised / human"],
      rows,
    },
    colors,
  );
  return `${table}\n\nCost per task in ${currency}, 95% intervals. Doubly robust: the policy's expected costs, corrected by the runs whose route it would take. Inverse propensity: those runs alone, reweighted by the logging policy's propensities (1 when a log does not say). With few runs it agrees with, trust neither.\n`;
}
