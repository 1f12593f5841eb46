// `convergent runs` and `convergent inbox`: what the store holds — runs with their status, and open checkpoints.
import { type Command, Option } from "commander";
import { humanizeSeconds } from "@convergent/router";
import { answerTypesFor } from "@convergent/runtime";
import type { RunStatus } from "@convergent/runtime";
import type { CliContext } from "./context.js";
import { CliError, exitCodes } from "./errors.js";
import { wholeNumber } from "./options.js";
import { colorsFor, createOutput } from "./output.js";
import { type RuntimeCommandOptions, openRuntime } from "./runtimeSetup.js";
import { listTable } from "./table.js";
import { defaultStoreUrl } from "./storeOption.js";

const statuses: readonly RunStatus[] = ["running", "waiting", "succeeded", "failed", "cancelled"];

/** Adds `runs` and `inbox` to the program. */
export function addStoreCommands(program: Command, context: CliContext): void {
  program
    .command("runs")
    .description("list runs with their status, newest first")
    .addOption(new Option("--store <url>", `where runs are kept (default ${defaultStoreUrl})`))
    .addOption(new Option("--status <status>", "only runs with this status").choices(statuses))
    .addOption(new Option("--limit <n>", "at most this many").argParser(wholeNumber(1)))
    .option("--json", "one JSON object per run")
    .action(async (options: { store?: string; status?: RunStatus; limit?: number; json?: boolean }) => {
      context.fail(await runRuns(options));
    });

  program
    .command("inbox")
    .description("list open checkpoints, earliest deadline first")
    .addOption(new Option("--store <url>", `where runs are kept (default ${defaultStoreUrl})`))
    .addOption(new Option("-p, --policy <file>", "check that --as is one of this policy's reviewers"))
    .addOption(new Option("--as <reviewer>", "only checkpoints this reviewer may answer (by the policy of each run)"))
    .option("--json", "one JSON object per checkpoint")
    .action(async (options: RuntimeCommandOptions & { as?: string; json?: boolean }) => {
      context.fail(await runInbox(options));
    });
}

/** Runs `runs`. */
export async function runRuns(options: { store?: string; status?: RunStatus; limit?: number; json?: boolean }): Promise<number> {
  const setup = await openRuntime({ ...(options.store === undefined ? {} : { store: options.store }) });
  try {
    const runs = await setup.store.listRuns({ ...(options.status ? { status: options.status } : {}), ...(options.limit ? { limit: options.limit } : {}) });
    const out = createOutput(process.stdout);
    if (options.json) {
      for (const r of runs) out.write(`${JSON.stringify(r)}\n`);
    } else if (runs.length === 0) {
      out.write("No runs yet. Start some with: convergent run tasks.jsonl\n");
    } else {
      const colors = colorsFor(process.stdout);
      const now = await setup.store.now();
      const rows = runs.map((r) => [r.runId, r.taskId, r.kind, r.route ?? "—", r.status, `${humanizeSeconds((now - r.updatedAt) / 1000)} ago`]);
      out.write(`${listTable({ head: ["RUN", "TASK", "KIND", "ROUTE", "STATUS", "UPDATED"], rows }, colors)}\n`);
    }
    await out.flush();
    return exitCodes.ok;
  } finally {
    await setup.close();
  }
}

/** Runs `inbox`. */
export async function runInbox(options: RuntimeCommandOptions & { as?: string; json?: boolean }): Promise<number> {
  const setup = await openRuntime(options);
  try {
    if (options.as !== undefined && options.policy !== undefined && setup.policy.reviewers.length > 0 && !setup.policy.reviewers.some((r) => r.id === options.as)) {
      throw new CliError(`--as ${options.as}: not a reviewer of policy ${setup.policy.id} (${setup.policy.reviewers.map((r) => r.id).join(", ")})`);
    }
    // Deadlines pass by the store's clock: expire what is due first, so the inbox shows what is really open
    // (an escalated checkpoint appears under its new roles).
    await setup.runtime.expireDue();
    // With --as, each checkpoint is checked against the policy its run was routed under.
    const open = await setup.runtime.inbox(options.as === undefined ? {} : { reviewer: options.as });
    const out = createOutput(process.stdout);
    if (options.json) {
      for (const c of open) out.write(`${JSON.stringify({ ...c, accepts: answerTypesFor(c.checkpoint) })}\n`);
    } else if (open.length === 0) {
      out.write("Nothing waits for a person.\n");
    } else {
      const colors = colorsFor(process.stdout);
      const now = await setup.store.now();
      const rows = open.map((c) => {
        const due = (c.checkpoint.deadline - now) / 1000;
        return [
          c.checkpoint.id,
          c.taskId,
          `${c.checkpoint.purpose} (${c.checkpoint.kind})`,
          c.checkpoint.assigneeRoles.join(", "),
          due >= 0 ? `in ${humanizeSeconds(due)}` : colors.red(`${humanizeSeconds(-due)} overdue`),
          answerTypesFor(c.checkpoint).join(" | "),
        ];
      });
      out.write(`${listTable({ head: ["CHECKPOINT", "TASK", "ASKS", "ROLES", "DUE", "ANSWERS"], rows }, colors)}\n`);
      const first = open[0]!;
      out.write(`\n${first.checkpoint.question}\n`);
      out.write(`Answer with: convergent answer ${first.checkpoint.id} --as <you> --json '{"type":"${answerTypesFor(first.checkpoint)[0]}"${exampleFields(answerTypesFor(first.checkpoint)[0]!)}}'\n`);
    }
    await out.flush();
    return exitCodes.ok;
  } finally {
    await setup.close();
  }
}

function exampleFields(type: string): string {
  switch (type) {
    case "reject":
    case "respond":
      return ',"message":"…"';
    case "answer":
      return ',"value":"…"';
    case "direction":
      return ',"constraints":"…"';
    case "choose":
      return ',"option":"…"';
    case "edit":
      return ',"editedOutput":{}';
    default:
      return "";
  }
}
