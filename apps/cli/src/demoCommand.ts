// `convergent demo`: the main job on embedded defaults — a mixed batch of real tasks routed, run by real
// (non-LLM) agents against real sandboxes, escalated by the monitor, or left waiting for people.
import { type Command, Option } from "commander";
import { type Decision, type Task, axisWords, createRouter, loadPolicy } from "@convergent/router";
import { type Checkpoint, type RunState, type RunSummary, createRuntime } from "@convergent/runtime";
import type { CliContext } from "./context.js";
import { demoAgents, demoSandboxes } from "./demo/index.js";
import { exitCodes, printProblems } from "./errors.js";
import { count, minutes, money, policyLabel, routeText } from "./format.js";
import { type Colors, colorsFor, createOutput } from "./output.js";
import { createProgress } from "./progress.js";
import { displayPath, samplePath } from "./samples.js";
import { defaultStoreUrl, openStore } from "./storeOption.js";
import { listTable } from "./table.js";
import { openTaskInput, readTasks } from "./taskInput.js";

/** Adds `demo` to the program. */
export function addDemoCommand(program: Command, context: CliContext): Command {
  return program
    .command("demo")
    .description("run a mixed batch of real tasks: agents converge, one diverges and is escalated, people get checkpoints (no API key needed)")
    .addOption(new Option("--store <url>", `where the runs are kept (default ${defaultStoreUrl})`))
    .action(async (options: { store?: string }) => {
      context.fail(await runDemo(options));
    });
}

interface Ran {
  readonly task: Task;
  readonly run: RunSummary;
  readonly state: RunState;
}

/** Runs the demo and returns its exit code. */
export async function runDemo(options: { readonly store?: string } = {}): Promise<number> {
  const tasksPath = samplePath("demo-tasks.jsonl");
  const policyPath = samplePath("policy.yaml");
  const policy = await loadPolicy(policyPath);
  const router = createRouter({ policy });
  const storeUrl = options.store ?? defaultStoreUrl;
  const store = await openStore(storeUrl);
  const runtime = createRuntime({ router, store, agents: demoAgents(), sandboxes: demoSandboxes() });

  const tasks: Task[] = [];
  const read = await readTasks(await openTaskInput(tasksPath), (item) => {
    if (item.ok) tasks.push(item.task);
    else printProblems(item.problems, displayPath(tasksPath));
  });

  const ran: Ran[] = [];
  const bar = createProgress({ total: tasks.length, label: "running" });
  try {
    for (const [i, task] of tasks.entries()) {
      const run = await runtime.submit(task);
      ran.push({ task, run, state: (await runtime.inspect(run.runId))! });
      bar.update(i + 1, { detail: task.id });
    }
  } finally {
    bar.stop();
    await store.close();
  }

  const colors = colorsFor(process.stdout);
  const out = createOutput(process.stdout);
  const currency = policy.costs.currency;
  const storeFlag = options.store === undefined ? "" : ` --store ${options.store}`;
  out.write(`${colors.bold("Convergent demo")}: ${tasks.length} real tasks under ${policyLabel(router.policyRef)} ${colors.dim(`(${displayPath(policyPath)})`)},\n`);
  out.write(`run by program agents (no LLM, no API key) against real sandboxes; runs kept in ${storeUrl}.\n\n`);
  out.write(`${colors.bold("1. What happened")}\n\n${runTable(ran, currency, colors)}\n\n`);
  out.write(`${colors.bold("2. Summary")}\n\n${summaryLines(ran, currency, colors)}\n\n`);
  const open = ran.flatMap((r) => r.run.openCheckpoints.map((c) => ({ ran: r, checkpoint: c })));
  out.write(`${colors.bold(`3. Waiting for people: ${open.length} checkpoint${open.length === 1 ? "" : "s"}`)}\n\n`);
  out.write(nextSteps(open, displayPath(policyPath), policy.reviewers, storeFlag, colors));
  await out.flush();
  return read.invalid > 0 ? exitCodes.failed : exitCodes.ok;
}

function whatHappened({ run, state }: Ran): string {
  const errors = state.attempts.map((a) => a.verdict?.error).filter((e): e is number => e !== undefined && e !== null);
  const curve = errors.length > 1 ? ` (errors ${errors.slice(0, 6).join(" → ")}${errors.length > 6 ? " …" : ""})` : "";
  if (run.status === "succeeded") return `${run.reason ?? "succeeded"}${curve}`;
  if (run.status !== "waiting") return run.reason ?? run.status;
  const cp = run.openCheckpoints[0]!;
  if (cp.purpose === "escalation") return `escalated: ${state.lastEscalation?.detail ?? "by the monitor"}`;
  if (cp.purpose === "review") return `attempt ${cp.attempt} passed its sandbox; waits for a reviewer's approval${curve}`;
  if (cp.purpose === "task") return `waits for a person: ${limitingWords(state.decision)}`;
  return `waits at a ${cp.purpose} checkpoint`;
}

function limitingWords(decision: Decision | null): string {
  if (decision === null) return "not routed";
  const axis = decision.convergence.limitingAxis;
  const rule = decision.rules.length > 0 ? `rule ${decision.rules[0]}` : undefined;
  return rule ?? (axis === null ? "cheaper by hand" : `limited by ${axisWords[axis]}`);
}

function runTable(ran: readonly Ran[], currency: string, colors: Colors): string {
  const status = (s: string) => (s === "succeeded" ? colors.green(s) : s === "waiting" ? colors.yellow(s) : colors.red(s));
  const rows = ran.map((r) => [
    r.task.id,
    r.task.kind,
    r.state.decision === null ? "—" : routeText(r.state.decision.route, colors),
    r.state.decision === null ? "—" : r.state.decision.convergence.score.toFixed(2),
    status(r.run.status),
    r.run.attempts === 0 ? colors.dim("—") : String(r.run.attempts),
    r.run.cost === 0 ? colors.dim("—") : money(r.run.cost, currency),
    whatHappened(r),
  ]);
  return listTable(
    { head: ["task", "kind", "route", "score", "status", "attempts", "cost", "what happened"], rows, align: ["left", "left", "left", "right", "left", "right", "right", "left"] },
    colors,
  );
}

/** Minutes a person is asked for by an open checkpoint, from the decision's per-route estimates. */
function askedMinutes(checkpoint: Checkpoint, decision: Decision | null): number {
  if (decision === null) return 0;
  return checkpoint.purpose === "task" || checkpoint.purpose === "escalation" ? decision.estimates.human.humanMinutes : decision.estimates.supervised.humanMinutes;
}

function summaryLines(ran: readonly Ran[], currency: string, colors: Colors): string {
  const routes = { autonomous: 0, supervised: 0, human: 0 };
  for (const r of ran) if (r.state.decision !== null) routes[r.state.decision.route]++;
  const by = (s: string) => ran.filter((r) => r.run.status === s).length;
  const attempts = ran.reduce((n, r) => n + r.run.attempts, 0);
  const tokens = ran.reduce((n, r) => n + r.run.tokens, 0);
  const cost = ran.reduce((n, r) => n + r.run.cost, 0);
  const escalated = ran.filter((r) => r.state.lastEscalation !== null).length;
  const asked = ran.reduce((n, r) => n + r.run.openCheckpoints.reduce((m, c) => m + askedMinutes(c, r.state.decision), 0), 0);
  const label = (text: string) => colors.dim(text.padEnd(24));
  return [
    `  ${label("routes")}${routes.autonomous} autonomous, ${routes.supervised} supervised, ${routes.human} human`,
    `  ${label("runs")}${by("succeeded")} succeeded, ${by("waiting")} waiting for people (${escalated} escalated by the monitor), ${by("failed") + by("cancelled")} failed`,
    `  ${label("agent attempts")}${count(attempts)}, ${count(tokens)} tokens (the demo's agents are programs), ${money(cost, currency)}`,
    `  ${label("human minutes asked for")}${minutes(asked)} (expected, for the open checkpoints)`,
  ].join("\n");
}

function nextSteps(
  open: readonly { ran: Ran; checkpoint: Checkpoint }[],
  policy: string,
  reviewers: readonly { readonly id: string; readonly roles: readonly string[] }[],
  storeFlag: string,
  colors: Colors,
): string {
  const cmd = (text: string) => colors.cyan(text);
  const lines: string[] = [];
  for (const { ran, checkpoint } of open) {
    lines.push(`  ${checkpoint.id}  ${colors.dim(`${ran.task.kind}, ${checkpoint.purpose}, for ${checkpoint.assigneeRoles.join(" or ")}`)}`);
  }
  const escalated = open.find((o) => o.checkpoint.purpose === "escalation");
  const review = open.find((o) => o.checkpoint.purpose === "review");
  lines.push("", `  See them:                    ${cmd(`convergent inbox${storeFlag}`)}`);
  if (escalated !== undefined) {
    lines.push(
      `  Redirect the diverging run:  ${cmd(`convergent answer ${escalated.checkpoint.id} --as ${reviewerFor(escalated.checkpoint, reviewers)} --policy ${policy}${storeFlag} --json '{"type":"direction","constraints":"Halve your corrections"}'`)}`,
    );
  }
  if (review !== undefined) {
    lines.push(`  Approve a result:            ${cmd(`convergent answer ${review.checkpoint.id} --as ${reviewerFor(review.checkpoint, reviewers)} --policy ${policy}${storeFlag} --json '{"type":"approve"}'`)}`);
  }
  lines.push(`  List the runs:               ${cmd(`convergent runs${storeFlag}`)}`, `  Why each route:              ${cmd(`convergent route --policy ${policy} ${displayPath(samplePath("demo-tasks.jsonl"))}`)}`, "");
  return lines.join("\n");
}

/** The first reviewer of the policy who holds one of the checkpoint's roles. */
function reviewerFor(checkpoint: Checkpoint, reviewers: readonly { readonly id: string; readonly roles: readonly string[] }[]): string {
  return reviewers.find((r) => r.roles.some((role) => checkpoint.assigneeRoles.includes(role)))?.id ?? "<you>";
}
