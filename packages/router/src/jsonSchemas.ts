// JSON Schema for every document Convergent reads or writes, generated from the zod schemas.
import { z } from "zod";
import { decisionSchema } from "./decisionSchema.js";
import { policySchema } from "./policySchema.js";
import { taskSchema } from "./taskSchema.js";

/** The documents that have a JSON Schema. */
export type SchemaName = "task" | "decision" | "policy";

const sources = { task: taskSchema, decision: decisionSchema, policy: policySchema } as const;

/**
 * The JSON Schema (draft 2020-12) of a document. Inputs (task, policy) are described as people write them,
 * with defaults optional; the decision as the router writes it.
 */
export function jsonSchemaFor(name: SchemaName): Record<string, unknown> {
  const schema = z.toJSONSchema(sources[name], { io: name === "decision" ? "output" : "input", unrepresentable: "any" });
  return { ...schema, title: `Convergent ${name}` };
}
