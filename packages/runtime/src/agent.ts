// The agent port: one attempt at a task, given the person's direction and the feedback so far.
import { type JsonValue, type Task, isJsonValue } from "@convergent/router";
import { z } from "zod";
import type { Usage } from "./events.js";

/**
 * Feedback the agent gets for its next attempt: a sandbox's verdict, a reviewer's message, or the runtime's
 * note that the previous attempt failed (the agent threw, or returned something that is not a result).
 */
export interface Feedback {
  /** The attempt it is about (null for a message not tied to one). */
  readonly attempt: number | null;
  readonly source: "sandbox" | "reviewer" | "runtime";
  readonly message: string;
  /** The sandbox's error value, when it came from a sandbox. */
  readonly error?: number;
}

/** What an agent is given for one attempt. */
export interface AttemptInput {
  readonly task: Task;
  /** 1-based number of the attempt within the run. */
  readonly attempt: number;
  /** Constraints a person stated (direction mode or an escalation answered with direction). */
  readonly direction: string | null;
  /** Feedback so far, oldest first. */
  readonly feedback: readonly Feedback[];
  /** The previous attempt's output, if any. */
  readonly previousOutput: JsonValue | null;
  /**
   * Stable across retries of this attempt: an attempt that started but was not recorded (a crash) runs
   * again with the same key, so an agent with side effects can make them idempotent.
   */
  readonly idempotencyKey: string;
  /**
   * Aborted when the runtime gives up on the attempt: the round's wall-time budget (`budgets.maxWallSec`)
   * runs out during the call, or another process took the run over (its lease on the run was lost). Pass it
   * on to model and HTTP calls; a call that ends with it fails the attempt like any error.
   */
  readonly signal?: AbortSignal;
  /**
   * True for a shadow attempt: a person does the task and the agent works on it blind, its result never used but
   * compared with the person's. An agent with side effects must make none here (dry-run).
   */
  readonly shadow?: boolean;
}

/** What an agent returns for one attempt. */
export interface AttemptResult {
  /** The attempt's result: JSON data the sandbox verifies and a reviewer may read. */
  readonly output: JsonValue;
  /** Tokens and cost spent; zeros when left out. */
  readonly usage?: Partial<Usage>;
}

/**
 * Does the work. The LangChain adapter wraps chat models and agents as this port; a search or repair
 * program is an agent too.
 */
export interface Agent {
  /** Named in journals and logs. */
  readonly name: string;
  /** Kinds or globs (`code.*`) it takes. */
  readonly kinds: readonly string[];
  attempt(input: AttemptInput): Promise<AttemptResult>;
  /**
   * Whether the agent's result of a shadow run agrees with the person's (a person's result is the reference): true
   * counts as the agent's success, false as its failure. Equal JSON (key order aside) when left out: give one where
   * a result has many right forms (text, a schedule that satisfies the same constraints).
   */
  agrees?(agentOutput: JsonValue, personOutput: JsonValue, task: Task): boolean | Promise<boolean>;
}

const attemptResultSchema = z.strictObject({
  output: z.custom<JsonValue>((v) => isJsonValue(v), { message: "must be JSON data" }),
  usage: z
    .strictObject({
      tokens: z.number().int().min(0).optional(),
      cost: z.number().min(0).optional(),
    })
    .optional(),
});

/** Checks what an agent returned: JSON output and non-negative usage. Returns the problem in words, or the result. */
export function checkAttemptResult(value: unknown): { ok: true; output: JsonValue; usage: Usage } | { ok: false; problem: string } {
  const parsed = attemptResultSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: `${issue.path.join(".") || "result"}: ${issue.message}` };
  }
  return { ok: true, output: parsed.data.output, usage: { tokens: parsed.data.usage?.tokens ?? 0, cost: parsed.data.usage?.cost ?? 0 } };
}
