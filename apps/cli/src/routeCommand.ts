// `convergent route [FILE|-]`: decide for one task or a stream of them, as Decision JSON or explained in words.
import { type Command, Option } from "commander";
import { type CalibrationSnapshot, createCalibration, createRouter } from "@convergent/router";
import type { Store } from "@convergent/runtime";
import type { CliContext } from "./context.js";
import { CliError, exitCodes, printProblems } from "./errors.js";
import { explainDecision } from "./explain.js";
import { colorsFor, createOutput } from "./output.js";
import { policyFromOption } from "./policyInput.js";
import { learnExitCode, learnFromLines } from "./routeLearn.js";
import { openStore } from "./storeOption.js";
import { openTaskInput, readTasks } from "./taskInput.js";

/** The name under which `route --learn --store` keeps its router state, and `route`/`simulate --store` read it. */
export const routerStateName = "route";

/** Options of `convergent route`. */
export interface RouteOptions {
  readonly policy?: string;
  readonly json?: boolean;
  readonly learn?: boolean;
  readonly store?: string;
}

/** Adds `route` to the program. */
export function addRouteCommand(program: Command, context: CliContext): Command {
  return program
    .command("route")
    .description("decide the route of a task (JSON) or many (JSON Lines) read from FILE or stdin")
    .argument("[file]", "task file: one JSON task, a JSON array of tasks, or JSON Lines; - or nothing reads stdin")
    .addOption(new Option("-p, --policy <file>", "policy file (YAML or JSON); the built-in default policy when left out"))
    .option("--json", "print one Decision JSON per line instead of an explanation")
    .addOption(new Option("--store <url>", "keep what --learn learns in this store (sqlite:PATH, memory:), and route with what it kept"))
    .option("--learn", "run as a long-lived routing process: lines are tasks (each decided and flushed at once) or outcomes of tasks decided earlier, {\"outcome\":{\"taskId\":…,\"result\":\"succeeded\"|\"failed\"|\"overridden\"|\"approved\"}}, which it learns from")
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
  const store = options.store === undefined ? undefined : await openStore(options.store);
  try {
    const saved = store === undefined ? undefined : await routerState(store, options.store!);
    const router = createRouter({ policy, ...(saved === undefined ? {} : { calibration: createCalibration(saved) }) });
    const input = await openTaskInput(file);
    if (options.learn) {
      const save = store === undefined ? undefined : () => store.saveRouterState!(routerStateName, router.calibration.snapshot());
      const summary = await learnFromLines(input, router, { json: options.json === true, ...(save === undefined ? {} : { onLearn: save }) });
      // The kinds' declared signals are learnt from task lines too: keep them with the outcomes.
      await save?.();
      return learnExitCode(summary, input.name);
    }
    return await routeAll(input, router, options);
  } finally {
    await store?.close();
  }
}

/** The router state a store kept, checked; a store that cannot keep one is a clear error. */
export async function routerState(store: Store, url: string): Promise<CalibrationSnapshot | undefined> {
  if (store.loadRouterState === undefined || store.saveRouterState === undefined) {
    throw new CliError(`--store ${url}: this store cannot keep a router's state`);
  }
  const saved = await store.loadRouterState(routerStateName);
  if (saved === undefined) return undefined;
  try {
    createCalibration(saved);
  } catch (error) {
    throw new CliError(`--store ${url}: the saved router state "${routerStateName}" is not valid: ${(error as Error).message}`, { cause: error });
  }
  return saved;
}

async function routeAll(input: Awaited<ReturnType<typeof openTaskInput>>, router: ReturnType<typeof createRouter>, options: RouteOptions): Promise<number> {
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
