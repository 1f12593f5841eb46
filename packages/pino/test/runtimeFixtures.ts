// A real runtime for the tests of this package: a policy with reviewers, a scripted agent, a scoring sandbox,
// a manual clock shared by the store and the logger, and pino lines captured in memory.
import { type PolicyInput, type Task, createRouter } from "@convergent/router";
import { createMemoryStore, createRuntime } from "@convergent/runtime";
import { functionSandbox, manualClock, scriptedAgent } from "@convergent/runtime/testing";
import { createPinoLogger } from "../src/pinoLogger.js";

export const policy: PolicyInput = {
  id: "audit-test",
  version: 3,
  reviewers: [
    { id: "ada", roles: ["reviewer", "finance"] },
    { id: "lin", roles: ["reviewer"] },
  ],
  budgets: { maxAttempts: 6 },
  checkpoints: { deadlineSec: 3600, onTimeout: { action: "escalate", roles: ["finance"] } },
};

/** A convergent task: fast feedback, full closure, cheap — routed autonomous. */
export const guessTask: Task = {
  id: "g-1",
  kind: "math.guess",
  title: "Find 42",
  input: { target: 42 },
  signals: { feedbackLatencySec: 1, ruleClosure: 1, driftHalfLifeSec: null, horizonSec: 600 },
  stakes: { cost: 10, reversible: true },
};

/** An expensive, irreversible task with no agent — routed to a person. */
export const hiringTask: Task = { id: "h-1", kind: "hiring.decide", title: "Decide on the candidate", stakes: { cost: 300000, reversible: false } };

/** A destination that keeps every line pino writes. */
export function memoryStream() {
  const lines: string[] = [];
  return { lines, write: (chunk: string) => void lines.push(...chunk.split("\n").filter((l) => l !== "")) };
}

/** A runtime logging through createPinoLogger into memory; `guesses` are the agent's outputs in order. */
export function setup(options: { guesses?: readonly number[] } = {}) {
  const clock = manualClock(Date.UTC(2026, 0, 1, 9, 0, 0));
  const out = memoryStream();
  const logger = createPinoLogger({ destination: out, clock, base: { service: "convergent-test" } });
  const agent = scriptedAgent({ kinds: ["math.*"], outputs: (options.guesses ?? [10, 30, 40, 42]).map((guess) => ({ guess })) });
  const distance = functionSandbox({
    name: "distance",
    kinds: ["math.*"],
    closure: 1,
    score: (output, input) => Math.abs((output as { guess: number }).guess - (input.task.input as { target: number }).target),
  });
  const store = createMemoryStore({ clock });
  const runtime = createRuntime({ router: createRouter({ policy }), store, agents: [agent], sandboxes: [distance], clock, logger });
  return { clock, out, logger, runtime, store };
}
