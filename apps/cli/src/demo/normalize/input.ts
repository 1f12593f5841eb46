// The input of a `data.normalize` task: sample source records and the target schema they must be turned into.
import type { JsonValue } from "@convergent/router";
import { z } from "zod";
import { targetSchemaSchema } from "./targetSchema.js";

/** A source record: a flat JSON object as an export gives it. */
export const sourceRecordSchema = z.record(z.string(), z.custom<JsonValue>((v) => v === null || ["string", "number", "boolean"].includes(typeof v), { message: "must be a string, number, boolean or null" }));

/** The `input` of a `data.normalize` task. */
export const normalizeInputSchema = z.strictObject({
  records: z.array(sourceRecordSchema).min(1).max(1000),
  schema: targetSchemaSchema,
});

/** The input of a `data.normalize` task. */
export type NormalizeInput = z.infer<typeof normalizeInputSchema>;
