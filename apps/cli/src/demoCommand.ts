// `convergent demo`: route the shipped sample tasks under the sample team policy and compare it with the default.
import type { Command } from "commander";
import { type Decision, type Task, axisWords, createRouter, createSimulation, defaultPolicy, loadPolicy } from "@convergent/router";
import type { CliContext } from "./context.js";
import { exitCodes, printProblems } from "./errors.js";
import { money, policyLabel, routeText } from "./format.js";
import { type Colors, colorsFor, createOutput } from "./output.js";
import { displayPath, samplePath } from "./samples.js";
import { formatChanges, formatSummaryTable } from "./simulationText.js";
import { listTable } from "./table.js";
import { openTaskInput, readTasks } from "./taskInput.js";

/** Adds `demo` to the program. */
export function addDemoCommand(program: Command, context: CliContext): Command {
  return program
    .command("demo")
    .description("route the shipped sample tasks under a sample team policy and compare it with the default (no API key needed)")
    .action(async () => {
      context.fail(await runDemo());
    });
}

/** Runs the demo and returns its exit code. */
export async function runDemo(): Promise<number> {
  const tasksPath = samplePath("tasks.jsonl");
  const policyPath = samplePath("policy.yaml");
  const team = createRouter({ policy: await loadPolicy(policyPath) });
  const standard = createRouter({ policy: defaultPolicy() });
  const simulation = createSimulation(standard, { against: team });
  const input = await openTaskInput(tasksPath);
  const decided: { task: Task; decision: Decision }[] = [];
  const summary = await readTasks(input, (item) => {
    if (!item.ok) {
      printProblems(item.problems, displayPath(tasksPath));
      return;
    }
    decided.push({ task: item.task, decision: team.decide(item.task) });
    simulation.add(item.task);
  });

  const colors = colorsFor(process.stdout);
  const out = createOutput(process.stdout);
  const report = simulation.report();
  const teamLabel = policyLabel(team.policyRef);
  const standardLabel = policyLabel(standard.policyRef);

  out.write(`${colors.bold("Convergent demo")}: ${decided.length} sample tasks, each sent to an agent, a supervised run or a person\n`);
  out.write("by whether an agent's errors would decay or amplify, and by what each route costs.\n\n");
  out.write(`${colors.bold(`1. Every task routed under ${teamLabel}`)} ${colors.dim(`(${displayPath(policyPath)})`)}\n\n`);
  out.write(`${decisionTable(decided, team.policy.costs.currency, colors)}\n\n`);
  out.write(`${colors.bold(`2. The built-in default policy (${standardLabel}) vs the team policy (${teamLabel})`)}\n`);
  out.write(`${colors.dim("   The team policy registers sandboxes, prices people's time per kind of work and adds hard rules.")}\n\n`);
  out.write(`${formatSummaryTable(report, colors)}\n\n`);
  out.write(formatChanges(report, { colors, reasons: "first" }));
  out.write(`\n${colors.bold("3. Next")}\n`);
  out.write(hints(displayPath(tasksPath), displayPath(policyPath), colors));
  await out.flush();
  return summary.invalid > 0 ? exitCodes.failed : exitCodes.ok;
}

function decisionTable(decided: readonly { task: Task; decision: Decision }[], currency: string, colors: Colors): string {
  const rows = decided.map(({ decision: d }) => [
    d.taskId,
    d.kind,
    routeText(d.route, colors) + (d.explored ? colors.dim(" *") : ""),
    d.convergence.score.toFixed(2),
    d.convergence.limitingAxis === null ? colors.dim("—") : axisWords[d.convergence.limitingAxis],
    money(d.expectedCost[d.route], currency),
    d.rules.length === 0 ? colors.dim("—") : d.rules.join(", "),
  ]);
  const table = listTable(
    { head: ["id", "kind", "route", "score", "limited by", "expected cost", "rules"], rows, align: ["left", "left", "left", "right", "left", "right", "left"] },
    colors,
  );
  const explored = decided.some(({ decision }) => decision.explored);
  return explored ? `${table}\n  ${colors.dim("* explored: routed one step more autonomous to learn whether the kind has become safe")}` : table;
}

function hints(tasks: string, policy: string, colors: Colors): string {
  const cmd = (text: string) => colors.cyan(text);
  return [
    `  Explain every decision:   ${cmd(`convergent route --policy ${policy} ${tasks}`)}`,
    `  Decisions as JSON Lines:  ${cmd(`convergent route --json - < ${tasks}`)}`,
    `  Chart a policy change:    ${cmd(`convergent simulate --tasks ${tasks} --against ${policy} --html report.html`)}`,
    `  Write your own policy:    ${cmd("convergent policy init")}`,
    "",
  ].join("\n");
}
