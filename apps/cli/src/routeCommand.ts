// `convergent route [FILE|-]`: decide for one task or a stream of them, as Decision JSON or explained in words.
import { type Command, Option } from "commander";
import { createRouter } from "@convergent/router";
import type { CliContext } from "./context.js";
import { exitCodes, printProblems } from "./errors.js";
import { explainDecision } from "./explain.js";
import { colorsFor, createOutput } from "./output.js";
import { policyFromOption } from "./policyInput.js";
import { learnExitCode, learnFromLines } from "./routeLearn.js";
import { openTaskInput, readTasks } from "./taskInput.js";

/** Options of `convergent route`. */
export interface RouteOptions {
  readonly policy?: string;
  readonly json?: boolean;
  readonly learn?: boolean;
}

/** Adds `route` to the program. */
export function addRouteCommand(program: Command, context: CliContext): Command {
  return program
    .command("route")
    .description("decide the route of a task (JSON) or many (JSON Lines) read from FILE or stdin")
    .argument("[file]", "task file: one JSON task, a JSON array of tasks, or JSON Lines; - or nothing reads stdin")
    .addOption(new Option("-p, --policy <file>", "policy file (YAML or JSON); the built-in default policy when left out"))
    .option("--json", "print one Decision JSON per line instead of an explanation")
    .option("--learn", "run as a long-lived routing process: lines are tasks (each decided and flushed at once) or outcomes of tasks decided earlier, {\"outcome\":{\"taskId\":…,\"result\":\"succeeded\"|\"failed\"|\"overridden\"}}, which it learns from")
    .addHelpText(
      "after",
      `
Each invalid line is reported on stderr as FILE:LINE: path: message (stdin is named "stdin");
the other lines are still decided and the exit code is 1.

With --learn the input is read line by line (JSON Lines only) and each decision is written as soon
as its task line is read, so a service can keep the process open and talk to it over a pipe.

Examples:
  convergent route task.json
  your-service | convergent route --learn --json -
  convergent route --json --policy policy.yaml tasks.jsonl
  cat tasks.jsonl | convergent route --json -`,
    )
    .action(async (file: string | undefined, options: RouteOptions) => {
      context.fail(await runRoute(file, options));
    });
}

/** Runs `route` and returns its exit code. */
export async function runRoute(file: string | undefined, options: RouteOptions): Promise<number> {
  const policy = await policyFromOption(options.policy);
  const router = createRouter({ policy });
  const input = await openTaskInput(file);
  if (options.learn) return learnExitCode(await learnFromLines(input, router, { json: options.json === true }), input.name);
  const out = createOutput(process.stdout);
  const colors = colorsFor(process.stdout);
  const currency = router.policy.costs.currency;
  let first = true;
  const summary = await readTasks(input, (item) => {
    if (!item.ok) {
      printProblems(item.problems, input.name);
      return;
    }
    const decision = router.decide(item.task);
    if (options.json) {
      out.write(`${JSON.stringify(decision)}\n`);
    } else {
      out.write(`${first ? "" : "\n"}${explainDecision(decision, { task: item.task, currency, colors })}`);
      first = false;
    }
  });
  await out.flush();
  if (summary.invalid > 0) {
    process.stderr.write(`convergent: ${summary.invalid} invalid task${summary.invalid === 1 ? "" : "s"} in ${input.name}; ${summary.tasks} decided\n`);
    return exitCodes.failed;
  }
  return exitCodes.ok;
}
