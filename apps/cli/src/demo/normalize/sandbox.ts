// The `data.normalize` sandbox: a schema validator. It applies the proposed mapping to every sample record with
// our interpreter and validates the results with a zod schema built from the task's target schema. The error is
// the number of issues; the feedback lists them with their paths.
import { problemsFromZod } from "@convergent/router";
import type { Sandbox, Verdict } from "@convergent/runtime";
import { z } from "zod";
import { parseOutput, parseTaskInput } from "../shared/input.js";
import { normalizeInputSchema } from "./input.js";
import { applyMapping, mappingSchema } from "./mapping.js";
import { type RecordIssue, formatIssue } from "./report.js";
import { recordValidator } from "./targetSchema.js";

/** What the sandbox reads from an attempt's output. */
export const normalizeOutputSchema = z.object({ mapping: mappingSchema });

/** Options of {@link createSchemaValidatorSandbox}. */
export interface SchemaValidatorSandboxOptions {
  readonly name?: string;
  readonly kinds?: readonly string[];
  /** Issues listed in the feedback (12 by default). */
  readonly shownIssues?: number;
}

/**
 * Creates the schema-validator sandbox for `data.normalize`: error = validation issues over all records, 0 exactly
 * when every normalized record matches the target schema. An unreadable mapping counts as every required field
 * missing from every record.
 *
 * @example
 * ```ts
 * const validator = createSchemaValidatorSandbox();
 * ```
 */
export function createSchemaValidatorSandbox(options: SchemaValidatorSandboxOptions = {}): Sandbox {
  const shown = options.shownIssues ?? 12;
  return {
    name: options.name ?? "schema-validator",
    kinds: options.kinds ?? ["data.normalize"],
    closure: 0.95,
    async verify({ task, output }): Promise<Verdict> {
      const input = parseTaskInput(normalizeInputSchema, task);
      const read = parseOutput(normalizeOutputSchema, output);
      if (!read.ok) {
        const required = input.schema.fields.filter((f) => f.required).length;
        return { passed: false, error: required * input.records.length, feedback: `${read.problem}\nThe mapping cannot be applied, so every required field is missing from every record.` };
      }
      const validator = recordValidator(input.schema);
      const issues: RecordIssue[] = [];
      input.records.forEach((record, i) => {
        const parsed = validator.safeParse(applyMapping(read.value.mapping, record), { reportInput: true });
        if (parsed.success) return;
        for (const p of problemsFromZod(parsed.error.issues)) {
          const [field = "(record)"] = p.path.split(/[.[]/);
          issues.push({ record: i, field, message: p.message });
        }
      });
      const total = input.records.length;
      if (issues.length === 0) return { passed: true, error: 0, feedback: `All ${total} records match the target schema.` };
      const bad = new Set(issues.map((x) => x.record)).size;
      const lines = [`${issues.length} issue${issues.length === 1 ? "" : "s"} in ${bad} of ${total} records.`, ...issues.slice(0, shown).map(formatIssue)];
      if (issues.length > shown) lines.push(`… and ${issues.length - shown} more.`);
      return { passed: false, error: issues.length, feedback: lines.join("\n") };
    },
  };
}
