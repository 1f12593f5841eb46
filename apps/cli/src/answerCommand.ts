// `convergent answer ID --as REVIEWER`: answer a checkpoint without a prompt, then continue the run.
import { readFile } from "node:fs/promises";
import { type Command, Option } from "commander";
import { runStandingText } from "@convergent/inquirer";
import type { CliContext } from "./context.js";
import { CliError, describeFsError, exitCodes } from "./errors.js";
import { createOutput } from "./output.js";
import { runLine } from "./runCommand.js";
import { logFormatOption } from "./logOption.js";
import { type RuntimeCommandOptions, openRuntime } from "./runtimeSetup.js";
import { defaultStoreUrl } from "./storeOption.js";

/** Options of `convergent answer`. */
export interface AnswerCommandOptions extends RuntimeCommandOptions {
  readonly as: string;
  readonly json?: string;
  readonly file?: string;
  readonly continue?: boolean;
  readonly idempotencyKey?: string;
  readonly output?: "json" | "text";
}

/** Adds `answer` to the program. */
export function addAnswerCommand(program: Command, context: CliContext): Command {
  return program
    .command("answer")
    .description("answer a checkpoint non-interactively, then continue its run until its next checkpoint or its end")
    .argument("<checkpoint>", "the checkpoint's id (see convergent inbox)")
    .requiredOption("--as <reviewer>", "who answers: a reviewer of the policy the run was routed under")
    .addOption(new Option("--json <answer>", `the answer as JSON, e.g. '{"type":"approve"}'`).conflicts("file"))
    .addOption(new Option("--file <file>", "read the answer (JSON) from a file"))
    .addOption(new Option("--store <url>", `where runs are kept (default ${defaultStoreUrl})`))
    .addOption(new Option("-p, --policy <file>", "policy for a run that has none recorded (runs keep the policy they were routed under)"))
    .option("--no-continue", "only record the answer; the run continues later with convergent resume")
    .option("--idempotency-key <key>", "a retry with the same key gets the first result instead of a conflict")
    .addOption(logFormatOption())
    .addOption(new Option("--output <format>", "json: one JSON object with ids and statuses").choices(["json", "text"]).default("text"))
    .addHelpText(
      "after",
      `
Answers (one JSON object):
  {"type":"approve"}                          {"type":"reject","message":"…"}
  {"type":"edit","editedOutput":{…}}          {"type":"respond","message":"…"}
  {"type":"answer","value":…}                 {"type":"choose","option":"b"}
  {"type":"direction","constraints":"…"}
Each checkpoint accepts the types that fit it (convergent inbox shows them). A checkpoint takes one
answer: a second gets a conflict naming who answered first; an invalid answer leaves it open.`,
    )
    .action(async (checkpointId: string, options: AnswerCommandOptions) => {
      context.fail(await runAnswer(checkpointId, options));
    });
}

/** Runs `answer`. */
export async function runAnswer(checkpointId: string, options: AnswerCommandOptions): Promise<number> {
  if ((options.json === undefined) === (options.file === undefined)) {
    throw new CliError("answer: give the answer with --json '{…}' or --file FILE", { exitCode: exitCodes.usage });
  }
  let text: string;
  let where: string;
  if (options.file !== undefined) {
    try {
      text = await readFile(options.file, "utf8");
    } catch (cause) {
      throw new CliError(`${options.file}: cannot read the answer: ${describeFsError(cause)}`, { cause });
    }
    where = options.file;
  } else {
    text = options.json!;
    where = "--json";
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${where}: the answer is not valid JSON: ${(error as Error).message}`);
  }
  const setup = await openRuntime(options);
  try {
    const result = await setup.runtime.answer(checkpointId, answer, options.as, {
      continue: options.continue !== false,
      ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
    });
    const out = createOutput(process.stdout);
    if (options.output === "json") {
      out.write(`${JSON.stringify({ checkpointId: result.checkpointId, runId: result.runId, answer: result.answer, reviewer: result.reviewer.id, duplicate: result.duplicate, run: runLine(result.run) })}\n`);
    } else {
      const run = result.run;
      out.write(`${result.duplicate ? "Already answered (same idempotency key)" : "Answered"} ${result.checkpointId} as ${result.reviewer.id} (${result.answer.type}).\n`);
      out.write(`Run ${run.runId} (${run.taskId}) ${runStandingText(run)}.\n`);
      if (run.shadow !== null && run.shadow.judgement !== null) out.write(`Shadow run: ${run.shadow.judgement}.\n`);
    }
    await out.flush();
    return exitCodes.ok;
  } finally {
    await setup.close();
  }
}
