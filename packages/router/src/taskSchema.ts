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

/** Any JSON value. */
export const jsonValueSchema = z.json();

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
    metadata: z.record(z.string(), jsonValueSchema).optional().describe("Free fields rules can compare."),
  })
  .describe("A unit of work submitted to Convergent.");

/** A unit of work an embedding product submits (DESIGN.md §7). */
export type Task = z.infer<typeof taskSchema>;
