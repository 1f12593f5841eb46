// The target schema of a `data.normalize` task, described as data (fields, types, required flags), and the zod
// schema we build from that description to validate normalized records.
import { z } from "zod";

/** The field types a target schema may use. */
export const fieldTypes = ["string", "number", "integer", "boolean", "email", "date"] as const;

/** A field type: `date` is an ISO date (`2024-03-05`), `email` an e-mail address. */
export type FieldType = (typeof fieldTypes)[number];

/** One field of the target schema. */
export const fieldSpecSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be an identifier such as firstName" }),
  type: z.enum(fieldTypes),
  required: z.boolean().default(true),
});

/** One field of the target schema. */
export type FieldSpec = z.infer<typeof fieldSpecSchema>;

/** A target schema: its fields, with distinct names. */
export const targetSchemaSchema = z
  .strictObject({ fields: z.array(fieldSpecSchema).min(1).max(100) })
  .superRefine((schema, ctx) => {
    const seen = new Set<string>();
    schema.fields.forEach((f, i) => {
      if (seen.has(f.name)) ctx.addIssue({ code: "custom", path: ["fields", i, "name"], message: `duplicate field "${f.name}"` });
      seen.add(f.name);
    });
  });

/** A target schema. */
export type TargetSchema = z.infer<typeof targetSchemaSchema>;

function fieldValidator(type: FieldType): z.ZodType {
  switch (type) {
    case "string":
      return z.string().min(1);
    case "number":
      return z.number();
    case "integer":
      return z.number().int();
    case "boolean":
      return z.boolean();
    case "email":
      return z.email({ message: "not a valid e-mail address" });
    case "date":
      return z.iso.date({ message: "not an ISO date (YYYY-MM-DD)" });
  }
}

/**
 * Builds the zod schema of one normalized record: a strict object (unknown keys are issues) with each field's
 * type, optional unless required.
 *
 * @example
 * ```ts
 * recordValidator({ fields: [{ name: "age", type: "integer", required: true }] }).safeParse({ age: "3" }).success; // false
 * ```
 */
export function recordValidator(schema: TargetSchema): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const f of schema.fields) shape[f.name] = f.required ? fieldValidator(f.type) : fieldValidator(f.type).optional();
  return z.strictObject(shape);
}
