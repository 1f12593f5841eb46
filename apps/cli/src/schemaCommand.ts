// `convergent schema task|decision|policy`: the JSON Schema of a document, generated from the router's zod schemas.
import { Argument, type Command } from "commander";
import { type SchemaName, jsonSchemaFor } from "@convergent/router";

/** The documents `convergent schema` knows. */
export const schemaNames: readonly SchemaName[] = ["task", "decision", "policy"];

/** Adds `schema` to the program. */
export function addSchemaCommand(program: Command): Command {
  return program
    .command("schema")
    .description("print the JSON Schema of a task, a decision or a policy")
    .addArgument(new Argument("<name>", "which document").choices(schemaNames))
    .action((name: SchemaName) => {
      process.stdout.write(`${JSON.stringify(jsonSchemaFor(name), null, 2)}\n`);
    });
}
