// The zod schema the estimator asks a model to fill: one value and one reason per signal.
import type { SignalName } from "@convergent/router";
import { z } from "zod";

const reason = z.string().min(1).describe("Why, in one sentence.");

/** What the model returns for all four signals; the estimator asks for the missing ones only (see {@link estimateSchemaFor}). */
export const signalEstimateSchema = z.object({
  feedbackLatencySec: z
    .object({ value: z.number().positive().nullable(), reason })
    .describe("Seconds until an action's correctness becomes known; null when feedback never arrives."),
  ruleClosure: z
    .object({ value: z.number().min(0).max(1), reason })
    .describe("Share of success (0..1) that is explicit, fixed and machine-checkable."),
  driftHalfLifeSec: z
    .object({ value: z.number().positive().nullable(), reason })
    .describe("Seconds until half of what an agent knows about the task stops being true; null when nothing drifts."),
  horizonSec: z.object({ value: z.number().positive(), reason }).describe("How long the task may run, in seconds (> 0)."),
});

/** A model's reply for all four signals. */
export type SignalEstimateReply = z.infer<typeof signalEstimateSchema>;

/** The schema restricted to the `missing` signals; signals the model volunteers beyond them are dropped, not trusted. */
export function estimateSchemaFor(missing: readonly SignalName[]) {
  const mask: { [K in SignalName]?: true } = {};
  for (const name of missing) mask[name] = true;
  return signalEstimateSchema.pick(mask);
}
