// `convergent schema task|decision|policy|checkpoint`: the JSON Schema of a document, generated from the zod schemas.
import { Argument, type Command } from "commander";
import { type SchemaName, jsonSchemaFor } from "@convergent/router";
import { checkpointJsonSchema } from "@convergent/runtime";

/** The documents `convergent schema` knows. */
export const schemaNames: readonly (SchemaName | "checkpoint")[] = ["task", "decision", "policy", "checkpoint"];

/** Adds `schema` to the program. */
export function addSchemaCommand(program: Command): Command {
  return program
    .command("schema")
    .description("print the JSON Schema of a task, a decision, a policy or a checkpoint (with its answers)")
    .addArgument(new Argument("<name>", "which document").choices(schemaNames))
    .action((name: SchemaName | "checkpoint") => {
      const schema = name === "checkpoint" ? checkpointJsonSchema() : jsonSchemaFor(name);
      process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });
}
