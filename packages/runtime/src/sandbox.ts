// The sandbox port: verifies an attempt and gives fast, checkable feedback — what turns an open task into a closed one.
import type { JsonValue, Task } from "@convergent/router";
import { z } from "zod";
import type { Verdict } from "./events.js";

/** What a sandbox is given to verify. */
export interface VerifyInput {
  readonly task: Task;
  readonly attempt: number;
  readonly output: JsonValue;
  /** The same for a retry of this verification after a crash. */
  readonly idempotencyKey: string;
  /** Aborted when another process took the run over during the verification. */
  readonly signal?: AbortSignal;
}

/**
 * A verifier registered for kinds of task: a test suite, a schema validator, a solver, a simulator.
 * Its closure and the latency the runtime measures feed routing, so registering one moves its kinds
 * toward autonomy.
 */
export interface Sandbox {
  readonly name: string;
  /** Kinds or globs it verifies. */
  readonly kinds: readonly string[];
  /** Share of success (0..1) its verdict checks. */
  readonly closure: number;
  /**
   * Seconds from an attempt to its verdict, as expected: routing uses it until the runtime has measured the
   * sandbox in this process (without it, the first task of a kind with no declared latency is routed as if
   * feedback never came).
   */
  readonly latencySec?: number;
  /**
   * The largest error a passing verdict can have (for a count of failing checks, 0.5). With it the monitor
   * also escalates a run whose errors, even falling somewhat faster than so far, would not get there within
   * the attempts the budget has left — before the budget is burnt.
   */
  readonly passError?: number;
  verify(input: VerifyInput): Promise<Verdict>;
}

const verdictSchema = z.strictObject({
  passed: z.boolean(),
  error: z.number().min(0).refine(Number.isFinite, { message: "must be finite" }),
  feedback: z.string(),
});

/** Checks a sandbox's verdict: passed, a finite error ≥ 0 (0 when passed), feedback text. */
export function checkVerdict(value: unknown): { ok: true; verdict: Verdict } | { ok: false; problem: string } {
  const parsed = verdictSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: `${issue.path.join(".") || "verdict"}: ${issue.message}` };
  }
  const v = parsed.data;
  return { ok: true, verdict: v.passed ? { ...v, error: 0 } : v };
}
