// The `ops.schedule` sandbox: a constraint checker. The error is the number of violated constraints (people in two
// meetings at once, rooms double-booked, meetings outside people's availability, rooms too small, meetings not
// scheduled); the feedback lists them, each naming the meeting it is about.
import type { Sandbox, Verdict } from "@convergent/runtime";
import { z } from "zod";
import { parseOutput, parseTaskInput } from "../shared/input.js";
import { scheduleInputSchema, scheduleSchema, violations } from "./model.js";

/** What the sandbox reads from an attempt's output. */
export const scheduleOutputSchema = z.object({ schedule: scheduleSchema });

/** Options of {@link createConstraintCheckerSandbox}. */
export interface ConstraintCheckerSandboxOptions {
  readonly name?: string;
  readonly kinds?: readonly string[];
  /** Violations listed in the feedback (12 by default). */
  readonly shownViolations?: number;
}

/**
 * Creates the constraint-checker sandbox for `ops.schedule`: error = violations, 0 exactly when the schedule keeps
 * every constraint. An unreadable schedule counts as every meeting unscheduled.
 *
 * @example
 * ```ts
 * const checker = createConstraintCheckerSandbox();
 * ```
 */
export function createConstraintCheckerSandbox(options: ConstraintCheckerSandboxOptions = {}): Sandbox {
  const shown = options.shownViolations ?? 12;
  return {
    name: options.name ?? "constraint-checker",
    kinds: options.kinds ?? ["ops.schedule", "ops.schedule.*"],
    closure: 0.95,
    async verify({ task, output }): Promise<Verdict> {
      const input = parseTaskInput(scheduleInputSchema, task);
      const read = parseOutput(scheduleOutputSchema, output);
      if (!read.ok) {
        return { passed: false, error: input.meetings.length, feedback: `${read.problem}\nThe schedule cannot be read, so none of the ${input.meetings.length} meetings is scheduled.` };
      }
      const found = violations(input, read.value.schedule);
      if (found.length === 0) return { passed: true, error: 0, feedback: `All ${input.meetings.length} meetings are scheduled and every constraint holds.` };
      const lines = [`${found.length} violated constraint${found.length === 1 ? "" : "s"}.`, ...found.slice(0, shown).map((v) => v.text)];
      if (found.length > shown) lines.push(`… and ${found.length - shown} more.`);
      return { passed: false, error: found.length, feedback: lines.join("\n") };
    },
  };
}
