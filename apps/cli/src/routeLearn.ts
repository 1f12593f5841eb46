// `convergent route --learn`: a long-lived routing process. Each input line is a task (one decision printed and
// flushed at once) or an outcome of a task decided earlier (fed to calibration), so a service in any language can
// route through it over a pipe and teach it as results come in.
import { type Decision, type Router, checkTask, outcomeKinds, problemsFromZod, routeSchema } from "@convergent/router";
import { z } from "zod";
import { exitCodes } from "./errors.js";
import { explainDecision } from "./explain.js";
import { forEachJsonLine } from "./jsonLineReader.js";
import { colorsFor } from "./output.js";
import type { TaskInput } from "./taskInput.js";

/** An outcome line: how the run of a task decided earlier ended (and, when it differs, the route that did the work). */
export const outcomeLineSchema = z.strictObject({
  outcome: z.strictObject({
    taskId: z.string().min(1),
    result: z
      .enum(outcomeKinds)
      .describe("approved: a reviewer approved the agent's result and its truth is not known; it counts as the decision's calibration.approvedFailure of a failure."),
    route: routeSchema.optional().describe("The route that did the work, when it was not the decision's (an escalated run)."),
  }),
});

/** How many decisions the process remembers for outcomes to name (the oldest are forgotten first). */
export const rememberedDecisions = 100_000;

/** What a `--learn` session did. */
export interface LearnSummary {
  readonly tasks: number;
  readonly outcomes: number;
  readonly invalid: number;
}

/**
 * Reads task and outcome lines until the input ends: decides each task at once (its line written and flushed before
 * the next line is read), records each outcome against the decision it names. A bad line is reported on stderr as
 * `NAME:LINE: path: message` and skipped; the rest go on.
 */
export async function learnFromLines(
  input: TaskInput,
  router: Router,
  options: { readonly json?: boolean; readonly onLearn?: () => Promise<void> },
): Promise<LearnSummary> {
  const decided = new Map<string, Pick<Decision, "kind" | "route" | "calibration">>();
  const colors = colorsFor(process.stdout);
  const currency = router.policy.costs.currency;
  let tasks = 0;
  let outcomes = 0;
  const write = (text: string) =>
    new Promise<void>((resolve, reject) => {
      process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
    });
  const invalid = await forEachJsonLine(input, "its input", async (value, line, bad) => {
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "outcome" in value) {
      const parsed = outcomeLineSchema.safeParse(value, { reportInput: true });
      if (!parsed.success) return bad(problemsFromZod(parsed.error.issues));
      const o = parsed.data.outcome;
      const decision = decided.get(o.taskId);
      if (decision === undefined) {
        return bad([{ path: "outcome.taskId", message: `no task "${o.taskId}" was decided by this process (or it was forgotten: it keeps the last ${rememberedDecisions.toLocaleString("en-US")})` }]);
      }
      const route = o.route ?? decision.route;
      if (o.result === "approved" && route === "human") {
        return bad([{ path: "outcome.result", message: `approved is a reviewer's verdict on an agent's result; task "${o.taskId}" was done by a person (route human): send succeeded or failed` }]);
      }
      router.recordOutcome({
        kind: decision.kind,
        route,
        outcome: o.result,
        // The model's estimate travels only with the route it was made for.
        ...(route === "human" ? {} : { modelFailure: decision.calibration.modelFailure }),
        ...(o.result === "approved" ? { failureShare: decision.calibration.approvedFailure } : {}),
      });
      outcomes++;
      await options.onLearn?.();
      return;
    }
    const check = checkTask(value, { line });
    if (!check.ok) return bad(check.problems);
    const decision = router.decide(check.task);
    decided.delete(check.task.id);
    decided.set(check.task.id, { kind: decision.kind, route: decision.route, calibration: decision.calibration });
    if (decided.size > rememberedDecisions) decided.delete(decided.keys().next().value!);
    tasks++;
    await write(options.json ? `${JSON.stringify(decision)}\n` : `${explainDecision(decision, { task: check.task, currency, colors })}\n`);
  });
  return { tasks, outcomes, invalid };
}

/** The exit code of a `--learn` session, with its summary on stderr when lines were bad. */
export function learnExitCode(summary: LearnSummary, name: string): number {
  if (summary.invalid === 0) return exitCodes.ok;
  process.stderr.write(`convergent: ${summary.invalid} invalid line${summary.invalid === 1 ? "" : "s"} in ${name}; ${summary.tasks} decided, ${summary.outcomes} outcomes learnt\n`);
  return exitCodes.failed;
}
