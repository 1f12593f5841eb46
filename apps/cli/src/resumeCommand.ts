// `convergent resume`: continue every run that has work to do — after `answer --no-continue`, a crash, or an expired deadline.
import { type Command, Option } from "commander";
import type { CliContext } from "./context.js";
import { exitCodes } from "./errors.js";
import { colorsFor, createOutput } from "./output.js";
import { describeRuns, runLine } from "./runCommand.js";
import { logFormatOption } from "./logOption.js";
import { type RuntimeCommandOptions, openRuntime } from "./runtimeSetup.js";
import { defaultStoreUrl } from "./storeOption.js";

/** Adds `resume` to the program. */
export function addResumeCommand(program: Command, context: CliContext): Command {
  return program
    .command("resume")
    .description("expire checkpoints past their deadline, then continue every run that is neither waiting nor finished")
    .addOption(new Option("--store <url>", `where runs are kept (default ${defaultStoreUrl})`))
    .addOption(new Option("-p, --policy <file>", "policy for runs not routed yet (routed runs keep their own)"))
    .option("--json", "one JSON object per run continued")
    .addOption(logFormatOption())
    .addHelpText(
      "after",
      `
A run continues from its last recorded step: nothing recorded runs again; a step that started but was
not recorded (a crash) runs again with the same idempotency key. No agent or sandbox is called while
another process holds the run's lease.`,
    )
    .action(async (options: RuntimeCommandOptions & { json?: boolean }) => {
      context.fail(await runResume(options));
    });
}

/** Runs `resume`. */
export async function runResume(options: RuntimeCommandOptions & { json?: boolean }): Promise<number> {
  const setup = await openRuntime(options);
  try {
    const runs = await setup.runtime.resume();
    const out = createOutput(process.stdout);
    if (options.json) for (const run of runs) out.write(`${JSON.stringify(runLine(run))}\n`);
    else out.write(runs.length === 0 ? "Nothing to resume: every run waits for a person or has ended.\n" : `${describeRuns(runs, colorsFor(process.stdout))}\n`);
    await out.flush();
    return exitCodes.ok;
  } finally {
    await setup.close();
  }
}
