// The Task, its Signals and its Stakes: the JSON an embedding product submits (DESIGN.md §7).
import { z } from "zod";

/** The three routes, from most autonomous to most human. */
export const routes = ["autonomous", "supervised", "human"] as const;

/** Zod schema of a route name. */
export const routeSchema = z.enum(routes);

/** Where a task is sent: an autonomous loop, a supervised run, or a person. */
export type Route = z.infer<typeof routeSchema>;

/** A dotted kind such as `code.fix-test`; each segment starts with a letter or digit. */
export const kindPattern = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9][A-Za-z0-9_-]*)*$/;

/** Zod schema of a task kind. */
export const kindSchema = z
  .string()
  .regex(kindPattern, { message: "must be dotted words such as code.fix-test (letters, digits, - and _)" });

/**
 * Signals: what is known about a task's convergence. Every field may be missing; `null` latency
 * means feedback never arrives, `null` half-life means the environment does not drift.
 */
export const signalsSchema = z
  .strictObject({
    feedbackLatencySec: z
      .number()
      .positive()
      .nullable()
      .optional()
      .describe("Seconds until an action's correctness becomes known; null means feedback never arrives."),
    ruleClosure: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe("Share of success (0..1) that is explicit, fixed and machine-checkable."),
    driftHalfLifeSec: z
      .number()
      .positive()
      .nullable()
      .optional()
      .describe("Seconds until half of what the agent knows stops being true; null means no drift."),
    horizonSec: z.number().positive().optional().describe("How long the task may run, in seconds."),
  })
  .describe("What is known about the task's convergence; any field may be missing.");

/** Signals as declared on a task (any field may be missing). */
export type Signals = z.infer<typeof signalsSchema>;

/** The four signal names. */
export const signalNames = ["feedbackLatencySec", "ruleClosure", "driftHalfLifeSec", "horizonSec"] as const;

/** One of the four signal names. */
export type SignalName = (typeof signalNames)[number];

/** Stakes: what an undetected failure costs and whether it can be undone. */
export const stakesSchema = z
  .strictObject({
    cost: z.number().min(0).optional().describe("What an undetected failure costs, in the policy's currency."),
    reversible: z.boolean().optional().describe("Whether a failure can be undone."),
  })
  .describe("What an undetected failure costs and whether it can be undone.");

/** Stakes as declared on a task. */
export type Stakes = z.infer<typeof stakesSchema>;

/** A JSON value type: what `JSON.parse` can return. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** True when `value` is plain JSON data (finite numbers, no functions, dates, cycles or class instances). */
export function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (depth > 64 || typeof value !== "object") return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!isJsonValue(item, depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) if (!isJsonValue((value as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}

/**
 * Any JSON value. A direct check rather than `z.json()`'s recursive union: tasks are validated once per
 * line of a JSONL stream, and this is several times faster. In JSON Schema it is `{}` (any value).
 */
export const jsonValueSchema = z.custom<JsonValue>((value) => isJsonValue(value), {
  message: "must be JSON data (strings, finite numbers, booleans, null, arrays and plain objects)",
});

/** A unit of work an embedding product submits. */
export const taskSchema = z
  .strictObject({
    id: z.string().min(1).max(200).describe("Unique id of the task."),
    kind: kindSchema.describe("Dotted kind, e.g. code.fix-test."),
    title: z.string().min(1).describe("One line saying what is to be done."),
    input: jsonValueSchema.optional().describe("The task's input, any JSON."),
    signals: signalsSchema.optional(),
    stakes: stakesSchema.optional(),
    tags: z.array(z.string().min(1)).optional().describe("Free tags rules can match, e.g. finance."),
    metadata: z
      .custom<Record<string, JsonValue>>(
        (value) => value !== null && typeof value === "object" && !Array.isArray(value) && isJsonValue(value),
        { message: "must be an object of JSON data" },
      )
      .meta({ type: "object" })
      .optional()
      .describe("Free fields rules can compare (a JSON object)."),
  })
  .describe("A unit of work submitted to Convergent.");

/** A unit of work an embedding product submits (DESIGN.md §7). */
export type Task = z.infer<typeof taskSchema>;
