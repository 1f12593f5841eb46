// `convergent policy check|init|schema`: validate a policy, write a commented starter policy, print its JSON Schema.
import { access, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Command } from "commander";
import { jsonSchemaFor, loadPolicy, policyHash, starterPolicyYaml } from "@convergent/router";
import type { CliContext } from "./context.js";
import { CliError, describeFsError, exitCodes } from "./errors.js";
import { policyLabel } from "./format.js";

/** File name of the JSON Schema `policy init` writes next to the policy (named in the policy's modeline). */
export const policySchemaFileName = "policy.schema.json";

/** Options of `convergent policy init`. */
export interface PolicyInitOptions {
  readonly out: string;
  readonly force?: boolean;
}

/** Adds `policy` and its subcommands to the program. */
export function addPolicyCommand(program: Command, context: CliContext): Command {
  const policy = program.command("policy").description("check a policy, write a starter policy, or print the policy JSON Schema");

  policy
    .command("check")
    .description("validate a policy file; prints a summary, or every problem as FILE:LINE: path: message")
    .argument("<file>", "policy file (YAML or JSON)")
    .action(async (file: string) => {
      context.fail(await runPolicyCheck(file));
    });

  policy
    .command("init")
    .description(`write a commented starter policy and its JSON Schema (${policySchemaFileName}) next to it`)
    .option("-o, --out <file>", "where to write the policy; - prints it to stdout", "policy.yaml")
    .option("-f, --force", "overwrite files that exist")
    .action(async (options: PolicyInitOptions) => {
      context.fail(await runPolicyInit(options));
    });

  policy
    .command("schema")
    .description("print the policy JSON Schema (for editors: # yaml-language-server: $schema=...)")
    .action(() => {
      process.stdout.write(`${JSON.stringify(jsonSchemaFor("policy"), null, 2)}\n`);
    });

  return policy;
}

/**
 * Runs `policy check` and returns its exit code. An invalid policy throws the router's ConvergentError,
 * which `main` prints as one `file:line: path: message` line per problem (exit code 1).
 */
export async function runPolicyCheck(file: string): Promise<number> {
  const policy = await loadPolicy(file);
  const parts = [
    `${policy.rules.length} rule${policy.rules.length === 1 ? "" : "s"}`,
    `${policy.sandboxes.length} sandbox profile${policy.sandboxes.length === 1 ? "" : "s"}`,
    `${policy.reviewers.length} reviewer${policy.reviewers.length === 1 ? "" : "s"}`,
  ];
  process.stdout.write(`${file}: ok: ${policyLabel(policy)} ${policyHash(policy)}, ${parts.join(", ")}\n`);
  return exitCodes.ok;
}

/** Runs `policy init` and returns its exit code. */
export async function runPolicyInit(options: PolicyInitOptions): Promise<number> {
  const yaml = starterPolicyYaml({ schemaPath: `./${policySchemaFileName}` });
  if (options.out === "-") {
    process.stdout.write(yaml);
    return exitCodes.ok;
  }
  const policyPath = options.out;
  const schemaPath = join(dirname(policyPath), policySchemaFileName);
  if (basename(policyPath) === policySchemaFileName) {
    throw new CliError(`${policyPath}: that name is taken by the policy's JSON Schema; choose another --out`);
  }
  if (options.force !== true) {
    const existing = [];
    for (const path of [policyPath, schemaPath]) if (await exists(path)) existing.push(path);
    if (existing.length > 0) {
      throw new CliError(`${existing.join(" and ")} already exist${existing.length === 1 ? "s" : ""}; use --force to overwrite, or --out to write elsewhere`);
    }
  }
  const flag = options.force === true ? "w" : "wx";
  const schema = `${JSON.stringify(jsonSchemaFor("policy"), null, 2)}\n`;
  for (const [path, text] of [
    [policyPath, yaml],
    [schemaPath, schema],
  ] as const) {
    try {
      await writeFile(path, text, { flag });
    } catch (cause) {
      const why = (cause as NodeJS.ErrnoException).code === "EEXIST" ? "already exists; use --force to overwrite" : describeFsError(cause);
      throw new CliError(`${path}: cannot write: ${why}`, { cause });
    }
  }
  process.stdout.write(
    `Wrote ${policyPath} and ${schemaPath}.\nEdit it, then check it with: convergent policy check ${policyPath}\nTry it on your tasks with:  convergent simulate --tasks tasks.jsonl --policy ${policyPath}\n`,
  );
  return exitCodes.ok;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
