// `convergent review [--as REVIEWER]`: the reviewer's terminal — pick an open checkpoint, read it, answer it.
import { reviewInbox } from "@convergent/inquirer";
import { type Command, Option } from "commander";
import type { CliContext } from "./context.js";
import { CliError, exitCodes } from "./errors.js";
import { logFormatOption } from "./logOption.js";
import { type RuntimeCommandOptions, openRuntime } from "./runtimeSetup.js";
import { defaultStoreUrl } from "./storeOption.js";

/** Options of `convergent review`. */
export interface ReviewCommandOptions extends RuntimeCommandOptions {
  readonly as?: string;
}

/** Adds `review` to the program. */
export function addReviewCommand(program: Command, context: CliContext): Command {
  return program
    .command("review")
    .description("review open checkpoints in the terminal: oldest deadline first, with the prompt each one needs")
    .addOption(new Option("--as <reviewer>", "who reviews: a reviewer of the policy (default $USER)"))
    .addOption(new Option("--store <url>", `where runs are kept (default ${defaultStoreUrl})`))
    .addOption(new Option("-p, --policy <file>", "policy for a run that has none recorded (runs keep the policy they were routed under)"))
    .addOption(logFormatOption())
    .action(async (options: ReviewCommandOptions) => {
      context.fail(await runReview(options));
    });
}

/** Runs `review`: exit 0 when answered or nothing to review or cancelled, 1 on a conflict, a missing role or no terminal. */
export async function runReview(options: ReviewCommandOptions): Promise<number> {
  if (!process.stdin.isTTY) throw new CliError("review needs a terminal; use convergent answer");
  const reviewer = options.as ?? process.env["USER"];
  if (reviewer === undefined || reviewer === "") throw new CliError("review: say who reviews with --as REVIEWER", { exitCode: exitCodes.usage });
  const setup = await openRuntime(options);
  try {
    const outcome = await reviewInbox({ runtime: setup.runtime, reviewer });
    process.stdout.write(`${outcome.message}\n`);
    return outcome.status === "conflict" || outcome.status === "forbidden" || outcome.status === "invalid" ? exitCodes.failed : exitCodes.ok;
  } finally {
    await setup.close();
  }
}
