// Test doubles for runtimes: a clock you move by hand, agents that follow a script, sandboxes that score by rule.
import type { JsonValue } from "@convergent/router";
import type { Agent, AttemptInput, AttemptResult } from "../agent.js";
import type { Clock } from "../clock.js";
import type { Verdict } from "../events.js";
import type { Sandbox, VerifyInput } from "../sandbox.js";

/** A clock that moves only when told. */
export interface ManualClock extends Clock {
  /** Moves the clock forward and returns the new time. */
  advance(ms: number): number;
  set(ms: number): void;
}

/** A clock that starts at `start` (ms) and moves only when told. */
export function manualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
      return now;
    },
    set: (ms) => {
      now = ms;
    },
  };
}

/** An agent that plays a script and remembers every input it was given. */
export interface ScriptedAgent extends Agent {
  /** Every input, in order. */
  readonly calls: readonly AttemptInput[];
}

/**
 * An agent whose attempts follow a script: the n-th attempt returns `outputs[n-1]` (the last one repeats),
 * or whatever `respond(input)` returns.
 *
 * @example
 * ```ts
 * const agent = scriptedAgent({ kinds: ["code.*"], outputs: [{ guess: 10 }, { guess: 12 }] });
 * ```
 */
export function scriptedAgent(options: {
  readonly name?: string;
  readonly kinds: readonly string[];
  readonly outputs?: readonly JsonValue[];
  readonly respond?: (input: AttemptInput) => AttemptResult | Promise<AttemptResult>;
  readonly usage?: { readonly tokens: number; readonly cost: number };
}): ScriptedAgent {
  const calls: AttemptInput[] = [];
  return {
    name: options.name ?? "scripted",
    kinds: options.kinds,
    calls,
    async attempt(input) {
      calls.push(input);
      if (options.respond !== undefined) return options.respond(input);
      const outputs = options.outputs ?? [null];
      const output = outputs[Math.min(input.attempt - 1, outputs.length - 1)] ?? null;
      return { output, usage: options.usage ?? { tokens: 100, cost: 0.01 } };
    },
  };
}

/** A sandbox that scores outputs with a function and remembers what it verified. */
export interface FunctionSandbox extends Sandbox {
  readonly calls: readonly VerifyInput[];
}

/** A sandbox whose verdict is `score(output)`: the error, passing at 0 (or below `tolerance`). */
export function functionSandbox(options: {
  readonly name?: string;
  readonly kinds: readonly string[];
  readonly closure?: number;
  /** Expected seconds to a verdict (the Sandbox port's `latencySec`). */
  readonly latencySec?: number;
  /** The largest error that passes (the Sandbox port's `passError`); the verdict passes at `tolerance`. */
  readonly passError?: number;
  readonly score: (output: JsonValue, input: VerifyInput) => number;
  readonly tolerance?: number;
}): FunctionSandbox {
  const calls: VerifyInput[] = [];
  const tolerance = options.tolerance ?? 0;
  return {
    name: options.name ?? "function",
    kinds: options.kinds,
    closure: options.closure ?? 0.9,
    ...(options.latencySec === undefined ? {} : { latencySec: options.latencySec }),
    ...(options.passError === undefined ? {} : { passError: options.passError }),
    calls,
    async verify(input): Promise<Verdict> {
      calls.push(input);
      const error = options.score(input.output, input);
      const passed = error <= tolerance;
      return { passed, error: passed ? 0 : error, feedback: passed ? "passes" : `off by ${error}` };
    },
  };
}
