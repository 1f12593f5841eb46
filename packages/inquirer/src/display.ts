// Renders a checkpoint for the person answering it: the task, why it came to them, the attempts and their error curve.
import { axisWords } from "@convergent/router";
import { type Checkpoint, type RunState, type RunSummary, answerTypesFor } from "@convergent/runtime";

const bars = "▁▂▃▄▅▆▇█";

/**
 * The error curve as a one-line text chart (one bar per attempt, scaled to the largest error) followed
 * by the values; the empty string when there are no errors.
 *
 * @example
 * ```ts
 * errorCurveText([32, 12, 2, 0]); // "█▃▁▁  32 → 12 → 2 → 0"
 * ```
 */
export function errorCurveText(errors: readonly number[]): string {
  const finite = errors.filter(Number.isFinite);
  if (finite.length === 0) return "";
  const max = Math.max(...finite);
  const chart = finite.map((e) => bars[max <= 0 ? 0 : Math.min(bars.length - 1, Math.round((e / max) * (bars.length - 1)))]).join("");
  return `${chart}  ${finite.map((e) => String(Math.round(e * 1000) / 1000)).join(" → ")}`;
}

/** A deadline in words relative to `now`: "2026-01-01T01:00:00.000Z (in 60 min)". */
export function deadlineText(deadline: number, now: number): string {
  const minutes = Math.round((deadline - now) / 60_000);
  const rel = minutes >= 0 ? `in ${minutes} min` : `${-minutes} min ago`;
  return `${new Date(deadline).toISOString()} (${rel})`;
}

/** Options of {@link describeCheckpoint}. */
export interface DescribeOptions {
  readonly checkpoint: Checkpoint;
  /** The run, for the task, the decision and the attempts (the checkpoint alone when absent). */
  readonly run?: RunState | undefined;
  /** Milliseconds now, for the deadline (Date.now() by default). */
  readonly now?: number;
}

/** The text a reviewer reads before answering a checkpoint. */
export function describeCheckpoint(options: DescribeOptions): string {
  const { checkpoint: cp, run } = options;
  const lines: string[] = [];
  const task = run?.task;
  lines.push(task === undefined ? `Checkpoint ${cp.id} (run ${cp.runId})` : `${task.title}  [${task.id}, ${task.kind}]`);
  lines.push(`Checkpoint ${cp.id}: ${cp.kind} (${cp.purpose})${cp.attempt === null ? "" : `, attempt ${cp.attempt}`}`);
  const decision = run?.decision ?? null;
  const reasons = cp.reasons.length > 0 ? cp.reasons : (decision?.reasons ?? []);
  if (reasons.length > 0 || decision !== null) {
    lines.push("", "Why it came to a person:");
    for (const reason of reasons.slice(0, 3)) lines.push(`  - ${reason}`);
    const axis = decision?.convergence.limitingAxis ?? null;
    if (decision !== null) {
      lines.push(`  Route ${decision.route}, convergence ${decision.convergence.score.toFixed(2)}${axis === null ? "" : `, limited by ${axisWords[axis]}`}.`);
    }
  }
  if (run?.lastEscalation && !reasons.some((r) => r.includes(run.lastEscalation!.detail))) lines.push(`  Escalated (${run.lastEscalation.reason}): ${run.lastEscalation.detail}.`);
  const attempts = run?.attempts ?? [];
  if (attempts.length > 0) {
    lines.push("", "Attempts:");
    for (const a of attempts) {
      const verdict =
        a.failed !== null
          ? `failed in the ${a.failed.stage}: ${a.failed.error}`
          : a.verdict === null
            ? "not verified"
            : `${a.verdict.passed ? "passed" : "failed"}, error ${a.verdict.error}${a.verdict.feedback ? ` — ${a.verdict.feedback}` : ""}`;
      lines.push(`  #${a.attempt}: ${verdict}`);
    }
    const curve = errorCurveText(attempts.map((a) => a.verdict?.error ?? Number.NaN));
    if (curve !== "") lines.push(`  Error curve: ${curve}`);
  }
  if (cp.attempt !== null) {
    const output = attempts.find((a) => a.attempt === cp.attempt)?.output;
    if (output !== undefined) lines.push("", `Output of attempt ${cp.attempt}:`, indent(JSON.stringify(output, null, 2)));
  }
  lines.push("", `Question: ${cp.question}`);
  lines.push(`Deadline: ${deadlineText(cp.deadline, options.now ?? Date.now())}`);
  lines.push(`Answers: ${answerTypesFor(cp).join(", ")}`);
  return `${lines.join("\n")}\n`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}

/** Where a run stands after an answer, in words: what it waits at, that `convergent resume` continues it, or how it ended. */
export function runStandingText(run: RunSummary): string {
  if (run.status === "waiting") return `now waits at ${run.openCheckpoints.map((c) => `${c.id} (${c.purpose})`).join(", ")}`;
  if (run.status === "running") return "continues with `convergent resume`";
  return `${run.status}${run.reason === null ? "" : ` — ${run.reason}`}`;
}
