// A field mapping as data: for each target field, the source keys to read (first present wins) and the
// coercions to apply, from a fixed vocabulary. `applyMapping` is our interpreter for it.
import type { JsonValue } from "@convergent/router";
import { z } from "zod";

/** The coercions a mapping may apply, in order. */
export const transforms = [
  "trim",
  "lowercase",
  "to-number",
  "to-boolean",
  "to-string",
  "to-iso-date",
  "split-name-first",
  "split-name-last",
] as const;

/** A coercion. */
export type Transform = (typeof transforms)[number];

/** One target field: where it comes from and how it is coerced. */
export const fieldMappingSchema = z.strictObject({
  target: z.string().min(1),
  /** Source keys to read; the first one present in a record wins. */
  from: z.array(z.string().min(1)).min(1).max(10),
  transforms: z.array(z.enum(transforms)).max(10).default([]),
});

/** One target field's mapping. */
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

/** A mapping: one entry per target field it fills. */
export const mappingSchema = z.array(fieldMappingSchema).max(200);

/** A mapping. */
export type Mapping = readonly FieldMapping[];

const truthy = new Set(["true", "yes", "y", "1", "on", "active"]);
const falsy = new Set(["false", "no", "n", "0", "off", "inactive", ""]);

function toNumber(value: JsonValue): JsonValue {
  if (typeof value !== "string") return value;
  const cleaned = value.trim().replace(/^[$€£]\s*/, "").replace(/\s*[$€£]$/, "");
  if (!/^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/.test(cleaned)) return value;
  const n = Number(cleaned.replace(/,/g, ""));
  return Number.isFinite(n) ? n : value;
}

function toBoolean(value: JsonValue): JsonValue {
  if (typeof value === "number") return value === 1 ? true : value === 0 ? false : value;
  if (typeof value !== "string") return value;
  const v = value.trim().toLowerCase();
  return truthy.has(v) ? true : falsy.has(v) ? false : value;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** `2024/01/15`, `01/15/2024` (month first), `15.01.2024` (day first) or a timestamp → `2024-01-15`; anything else unchanged. */
function toIsoDate(value: JsonValue): JsonValue {
  if (typeof value !== "string") return value;
  const v = value.trim();
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ].*)?$/.exec(v);
  if (m !== null) return `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}`;
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  if (m !== null) return `${m[3]}-${pad(Number(m[1]))}-${pad(Number(m[2]))}`;
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(v);
  if (m !== null) return `${m[3]}-${pad(Number(m[2]))}-${pad(Number(m[1]))}`;
  return value;
}

/** "Ada Lovelace" or "Lovelace, Ada" → ["Ada", "Lovelace"]. */
function nameParts(value: string): [string, string] {
  const v = value.trim().replace(/\s+/g, " ");
  const comma = v.indexOf(",");
  if (comma >= 0) return [v.slice(comma + 1).trim(), v.slice(0, comma).trim()];
  const space = v.indexOf(" ");
  return space < 0 ? [v, ""] : [v.slice(0, space), v.slice(space + 1)];
}

/** Applies one coercion; a value it does not apply to passes unchanged (validation then reports it). */
export function applyTransform(transform: Transform, value: JsonValue): JsonValue {
  switch (transform) {
    case "trim":
      return typeof value === "string" ? value.trim() : value;
    case "lowercase":
      return typeof value === "string" ? value.toLowerCase() : value;
    case "to-number":
      return toNumber(value);
    case "to-boolean":
      return toBoolean(value);
    case "to-string":
      return typeof value === "number" || typeof value === "boolean" ? String(value) : value;
    case "to-iso-date":
      return toIsoDate(value);
    case "split-name-first":
      return typeof value === "string" ? nameParts(value)[0] : value;
    case "split-name-last":
      return typeof value === "string" ? nameParts(value)[1] : value;
  }
}

/**
 * Applies a mapping to a source record: each target field takes the first of its source keys present in the record
 * (missing when none is) and runs its coercions in order. Fields the mapping does not name are left out.
 *
 * @example
 * ```ts
 * applyMapping([{ target: "age", from: ["Age"], transforms: ["to-number"] }], { Age: "36" }); // { age: 36 }
 * ```
 */
export function applyMapping(mapping: Mapping, record: Readonly<Record<string, JsonValue>>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const field of mapping) {
    const key = field.from.find((k) => Object.hasOwn(record, k) && record[k] !== null);
    if (key === undefined) continue;
    let value: JsonValue = record[key] as JsonValue;
    for (const t of field.transforms) value = applyTransform(t, value);
    out[field.target] = value;
  }
  return out;
}
