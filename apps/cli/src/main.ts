// The `convergent` program: builds the commander command tree and turns every outcome into an exit code.
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { addAnswerCommand } from "./answerCommand.js";
import { addBenchCommand } from "./benchCommand.js";
import { type CliContext, createContext } from "./context.js";
import { addDemoCommand } from "./demoCommand.js";
import { reportError } from "./errors.js";
import { exitQuietlyOnEpipe } from "./output.js";
import { addPolicyCommand } from "./policyCommand.js";
import { addResumeCommand } from "./resumeCommand.js";
import { addRouteCommand } from "./routeCommand.js";
import { addReviewCommand } from "./reviewCommand.js";
import { addRunCommand } from "./runCommand.js";
import { addStoreCommands } from "./runsCommand.js";
import { addSchemaCommand } from "./schemaCommand.js";
import { addSimulateCommand } from "./simulateCommand.js";

/** The CLI's version, from its package.json. */
export function cliVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/**
 * Builds the program. Usage errors (unknown command or option, missing argument, bad choice or number)
 * throw a CommanderError instead of exiting, so that `main` can map them to exit code 2.
 */
export function createProgram(context: CliContext): Command {
  const program = new Command("convergent")
    .description("Divide work between AI agents and people: route tasks by convergence and cost, check and simulate policies.")
    .version(cliVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(text.replace(/^error: /, "convergent: ")),
    })
    .showHelpAfterError("(add --help for usage)")
    .addHelpText(
      "after",
      `
Exit codes: 0 ok, 1 invalid input or a failed check, 2 usage error.

Start with:
  convergent demo
  convergent route --json - < tasks.jsonl
  convergent simulate --tasks tasks.jsonl --against policy.yaml --html report.html
  convergent policy init`,
    );
  // Subcommands created with .command() inherit exitOverride, configureOutput and showHelpAfterError.
  addDemoCommand(program, context);
  addRouteCommand(program, context);
  addPolicyCommand(program, context);
  addSchemaCommand(program);
  addSimulateCommand(program, context);
  addRunCommand(program, context);
  addStoreCommands(program, context);
  addAnswerCommand(program, context);
  addResumeCommand(program, context);
  addReviewCommand(program, context);
  addBenchCommand(program, context);
  return program;
}

/**
 * Runs the CLI with `argv` (as in `process.argv`: node, script, arguments) and resolves to the exit code:
 * 0 ok, 1 invalid input or a failed check, 2 usage error. It never throws and prints no stack trace
 * unless `CONVERGENT_DEBUG=1`.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv);
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  exitQuietlyOnEpipe();
  const { context, exitCode } = createContext();
  try {
    await createProgram(context).parseAsync([...argv]);
    return exitCode();
  } catch (error) {
    return Math.max(exitCode(), reportError(error));
  }
}
