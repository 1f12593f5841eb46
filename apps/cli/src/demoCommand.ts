// `convergent demo`: the main job on embedded defaults — a mixed batch of real tasks routed, run by real
// (non-LLM) agents against real sandboxes, escalated by the monitor, or left waiting for people. With `--llm`,
// a real chat model (OpenAI or Ollama) does the agent-run tasks instead, against the same sandboxes.
import { type Command, Option } from "commander";
import { type Decision, type Task, axisWords, createRouter, loadPolicy } from "@convergent/router";
import { type Agent, type Checkpoint, type RunState, type RunSummary, createRuntime } from "@convergent/runtime";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { CliContext } from "./context.js";
import { demoAgents, demoSandboxes } from "./demo/index.js";
import { type ChatModelFactory, type LlmConfig, llmEnvVars, modelLabel, resolveLlmConfig } from "./demo/llm/config.js";
import { CliError, exitCodes, printProblems } from "./errors.js";
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
    .addOption(new Option("--llm", `let a real chat model do the agent-run tasks (needs ${llmEnvVars.openaiKey} or ${llmEnvVars.ollamaUrl})`))
    .addOption(new Option("--model <name>", `the model for --llm (default ${llmEnvVars.model}, else gpt-4.1-mini on OpenAI, llama3.1 on Ollama)`))
    .action(async (options: { store?: string; llm?: boolean; model?: string }) => {
      context.fail(await runDemo(options));
    });
}

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where the runs are kept (`memory:`, `sqlite:PATH`, `postgres://…`); the default store when left out. */
  readonly store?: string;
  /** Let a real chat model do the agent-run tasks instead of the program agents. */
  readonly llm?: boolean;
  /** The model for `llm` (overrides CONVERGENT_LLM_MODEL). */
  readonly model?: string;
  /** The environment `llm` reads its provider and key from; `process.env` when left out. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Builds the chat model for `llm`; ChatOpenAI (OpenAI or Ollama) when left out. Tests pass LangChain's fakes. */
  readonly createModel?: ChatModelFactory<BaseChatModel>;
  /** Where the report goes; `process.stdout` when left out. */
  readonly stdout?: NodeJS.WritableStream & { readonly isTTY?: boolean };
}

/** What `--llm` changes: the agents, and how the report names them. */
interface LlmSetup {
  readonly config: LlmConfig;
  readonly label: string;
  readonly agents: Agent[];
  readonly llmKinds: readonly string[];
  readonly programKinds: readonly { readonly kind: string; readonly agent: string; readonly reason: string }[];
}

async function llmSetup(options: DemoOptions): Promise<LlmSetup> {
  const config = resolveLlmConfig(options.env ?? process.env, options.model);
  // Loaded only with --llm: LangChain and the OpenAI client take a noticeable time to load, and every other
  // command (and the demo without --llm) has no use for them. The specifier is fixed; nothing is evaluated.
  const llm = await import("./demo/llm/index.js");
  const model = (options.createModel ?? llm.createChatOpenAiModel)(config);
  const label = modelLabel(config);
  const secrets = config.provider === "openai" ? [config.apiKey] : [];
  const password = config.baseURL === undefined ? "" : decodeURIComponent(new URL(config.baseURL).password);
  if (password !== "") secrets.push(password);
  return {
    config,
    label,
    agents: llm.llmDemoAgents({ model, label, prices: config.prices, secrets }),
    llmKinds: llm.llmTaskSpecs.map((s) => s.kind),
    programKinds: llm.programAgentKinds,
  };
}

interface Ran {
  readonly task: Task;
  readonly run: RunSummary;
  readonly state: RunState;
}

/**
 * Runs the demo and returns its exit code: 0, or 1 when a task line is invalid or (with `llm`) a run stopped on a
 * model error. With `llm` and neither OPENAI_API_KEY nor OLLAMA_BASE_URL set it throws a ConvergentError naming both.
 *
 * @example
 * ```ts
 * process.exitCode = await runDemo({ store: "memory:", llm: true, model: "gpt-4.1-mini" });
 * ```
 */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  if (options.model !== undefined && options.llm !== true) {
    throw new CliError("--model chooses the model of --llm: add --llm (or leave --model out)", { exitCode: exitCodes.usage });
  }
  const llm = options.llm === true ? await llmSetup(options) : undefined;
  const tasksPath = samplePath("demo-tasks.jsonl");
  const policyPath = samplePath("policy.yaml");
  const policy = await loadPolicy(policyPath);
  const router = createRouter({ policy });
  const storeUrl = options.store ?? defaultStoreUrl;
  const store = await openStore(storeUrl);
  const runtime = createRuntime({ router, store, agents: llm?.agents ?? demoAgents(), sandboxes: demoSandboxes() });

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

  const stdout = options.stdout ?? process.stdout;
  const colors = colorsFor(stdout);
  const out = createOutput(stdout);
  const currency = policy.costs.currency;
  const cash = llm === undefined ? money : preciseMoney;
  const storeFlag = options.store === undefined ? "" : ` --store ${options.store}`;
  out.write(`${colors.bold("Convergent demo")}: ${tasks.length} real tasks under ${policyLabel(router.policyRef)} ${colors.dim(`(${displayPath(policyPath)})`)},\n`);
  if (llm === undefined) out.write(`run by program agents (no LLM, no API key) against real sandboxes; runs kept in ${storeUrl}.\n\n`);
  else out.write(llmHeader(llm, currency, storeUrl, colors));
  out.write(`${colors.bold("1. What happened")}\n\n${runTable(ran, currency, colors, cash)}\n\n`);
  out.write(`${colors.bold("2. Summary")}\n\n${summaryLines(ran, currency, colors, llm)}\n\n`);
  const open = ran.flatMap((r) => r.run.openCheckpoints.map((c) => ({ ran: r, checkpoint: c })));
  out.write(`${colors.bold(`3. Waiting for people: ${open.length} checkpoint${open.length === 1 ? "" : "s"}`)}\n\n`);
  out.write(nextSteps(open, displayPath(policyPath), policy.reviewers, storeFlag, colors));
  await out.flush();
  if (read.invalid > 0) return exitCodes.failed;
  return llm !== undefined && modelErrors(ran, llm).length > 0 ? exitCodes.failed : exitCodes.ok;
}

/** Money with enough decimals to show what a few model calls cost: `0.0042 USD`, `0.31 USD`. */
function preciseMoney(x: number, currency: string): string {
  return x !== 0 && Math.abs(x) < 0.01 ? `${x.toFixed(4)} ${currency}` : money(x, currency);
}

function llmHeader(llm: LlmSetup, currency: string, storeUrl: string, colors: Colors): string {
  const { config } = llm;
  const price =
    config.prices !== undefined
      ? `priced at ${config.prices.inputPerMillion} / ${config.prices.outputPerMillion} ${currency} per million input / output tokens`
      : config.provider === "ollama"
        ? "a local model: its tokens cost nothing here"
        : `no price is known for ${config.model}: its tokens are counted, their cost shows as 0`;
  const lines = [
    `run by the chat model ${llm.label} against real sandboxes; runs kept in ${storeUrl}.`,
    colors.dim(`The model works on ${llm.llmKinds.join(", ")} (${price}).`),
    ...llm.programKinds.map((p) => colors.dim(`${p.kind} keeps its program agent (${p.agent}): ${p.reason}.`)),
  ];
  return `${lines.join("\n")}\n\n`;
}

/** The distinct model errors that stopped runs, as one line each (`gpt-4.1-mini (OpenAI): 401 …`). */
function modelErrors(ran: readonly Ran[], llm: LlmSetup): string[] {
  const lines = ran
    .filter((r) => llm.llmKinds.includes(r.task.kind) && r.state.lastEscalation?.reason === "agent-error")
    .map((r) => (r.state.lastEscalation?.detail ?? "").replace(/^agent \S+ failed: /, ""));
  return [...new Set(lines)];
}

function whatHappened({ run, state }: Ran): string {
  const errors = state.attempts.map((a) => a.verdict?.error).filter((e): e is number => e !== undefined && e !== null);
  const curve = errors.length > 1 ? ` (errors ${errors.slice(0, 6).join(" → ")}${errors.length > 6 ? " …" : ""})` : "";
  if (run.status === "succeeded") return `${run.reason ?? "succeeded"}${curve}`;
  if (run.status !== "waiting") return run.reason ?? run.status;
  const cp = run.openCheckpoints[0]!;
  if (cp.purpose === "escalation") return `escalated: ${state.lastEscalation?.detail ?? "by the monitor"}`;
  if (cp.purpose === "review") return `attempt ${cp.attempt} passed its sandbox; waits for a reviewer's approval${curve}`;
  if (cp.purpose === "task") {
    const shadow = run.shadow;
    const blind = shadow === null || shadow.status === "skipped" ? "" : `; the agent did it too, blind: shadow ${shadow.status} after ${shadow.attempts} attempt${shadow.attempts === 1 ? "" : "s"}, to compare with the person's result`;
    return `waits for a person: ${limitingWords(state.decision)}${blind}`;
  }
  return `waits at a ${cp.purpose} checkpoint`;
}

function limitingWords(decision: Decision | null): string {
  if (decision === null) return "not routed";
  const axis = decision.convergence.limitingAxis;
  const rule = decision.rules.length > 0 ? `rule ${decision.rules[0]}` : undefined;
  return rule ?? (axis === null ? "cheaper by hand" : `limited by ${axisWords[axis]}`);
}

function runTable(ran: readonly Ran[], currency: string, colors: Colors, cash: (x: number, currency: string) => string): string {
  const status = (s: string) => (s === "succeeded" ? colors.green(s) : s === "waiting" ? colors.yellow(s) : colors.red(s));
  const rows = ran.map((r) => [
    r.task.id,
    r.task.kind,
    r.state.decision === null ? "—" : routeText(r.state.decision.route, colors),
    r.state.decision === null ? "—" : r.state.decision.convergence.score.toFixed(2),
    status(r.run.status),
    r.run.attempts === 0 ? colors.dim("—") : String(r.run.attempts),
    r.run.cost === 0 ? colors.dim("—") : cash(r.run.cost, currency),
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

function summaryLines(ran: readonly Ran[], currency: string, colors: Colors, llm: LlmSetup | undefined): string {
  const routes = { autonomous: 0, supervised: 0, human: 0 };
  for (const r of ran) if (r.state.decision !== null) routes[r.state.decision.route]++;
  const by = (s: string) => ran.filter((r) => r.run.status === s).length;
  const attempts = ran.reduce((n, r) => n + r.run.attempts, 0);
  const tokens = ran.reduce((n, r) => n + r.run.tokens, 0);
  const cost = ran.reduce((n, r) => n + r.run.cost, 0);
  const escalated = ran.filter((r) => r.state.lastEscalation !== null).length;
  const asked = ran.reduce((n, r) => n + r.run.openCheckpoints.reduce((m, c) => m + askedMinutes(c, r.state.decision), 0), 0);
  const label = (text: string) => colors.dim(text.padEnd(24));
  const lines = [
    `  ${label("routes")}${routes.autonomous} autonomous, ${routes.supervised} supervised, ${routes.human} human`,
    `  ${label("runs")}${by("succeeded")} succeeded, ${by("waiting")} waiting for people (${escalated} escalated by the monitor), ${by("failed") + by("cancelled")} failed`,
  ];
  if (llm === undefined) {
    lines.push(`  ${label("agent attempts")}${count(attempts)}, ${count(tokens)} tokens (the demo's agents are programs), ${money(cost, currency)}`);
  } else {
    const byModel = ran.filter((r) => llm.llmKinds.includes(r.task.kind)).reduce((n, r) => n + r.run.attempts, 0);
    lines.push(`  ${label("agent attempts")}${count(attempts)} (${count(byModel)} by ${llm.config.model}, ${count(attempts - byModel)} by program agents), ${count(tokens)} tokens, ${preciseMoney(cost, currency)}`);
    const errors = modelErrors(ran, llm);
    if (errors.length > 0) {
      lines.push(`  ${label("model errors")}${errors.length === 1 ? "" : `${errors.length} different ones, `}recorded as failed attempts and escalated to people:`);
      for (const error of errors.slice(0, 5)) lines.push(`  ${" ".repeat(24)}${colors.red(error)}`);
    }
  }
  lines.push(`  ${label("human minutes asked for")}${minutes(asked)} (expected, for the open checkpoints)`);
  return lines.join("\n");
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
  // The direction hint fits a run the monitor stopped for diverging (the bid controller), not one a model error stopped.
  const escalated = open.find((o) => o.checkpoint.purpose === "escalation" && o.ran.state.lastEscalation?.reason === "diverging");
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
