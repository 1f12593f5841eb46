// The runtime benchmark's workload: its policy, the human-route and convergent tasks, and an agent and a sandbox
// that return at once while timing what they do, so the runtime's own share of a run can be told apart.
import type { PolicyInput, Task } from "@convergent/router";
import type { Agent, Sandbox } from "@convergent/runtime";
import { nowNs } from "./measure.js";

/** Kinds of the human-route tasks, the role that answers each and its share (out of 100) of the tasks. */
export const humanKinds = [
  { kind: "finance.seed-investment", role: "finance", share: 40, title: "Decide the seed investment in Acme Robotics" },
  { kind: "legal.contract-review", role: "legal", share: 30, title: "Review the supplier contract with Northwind" },
  { kind: "hiring.offer", role: "hiring", share: 29, title: "Decide the offer for the staff engineer candidate" },
  { kind: "security.incident-signoff", role: "security", share: 1, title: "Sign off the incident report on the leaked token" },
] as const;

/** The kind of the convergent task of the attempt-overhead measurement. */
export const convergentKind = "bench.converge";

/**
 * The policy of the runtime benchmark: the defaults, plus one rule per human kind naming the role that answers
 * its checkpoints (so the inbox can be filtered by role), and an attempt budget above the 8–12 attempts the
 * convergent tasks need. Its one reviewer holds every role.
 */
export const runtimeBenchPolicy: PolicyInput = {
  id: "runtime-bench",
  version: 1,
  reviewers: [{ id: "bench-reviewer", roles: ["reviewer", ...humanKinds.map((k) => k.role)] }],
  budgets: { maxAttempts: 16 },
  rules: humanKinds.map((k) => ({ id: `${k.role}-answers-${k.kind}`, when: { kind: k.kind }, requireRoles: [k.role] })),
};

/** The human kind of the i-th human task: 40% finance, 30% legal, 29% hiring, 1% security, evenly interleaved. */
export function humanKindAt(i: number): (typeof humanKinds)[number] {
  let slot = i % 100;
  for (const k of humanKinds) {
    if (slot < k.share) return k;
    slot -= k.share;
  }
  return humanKinds[0];
}

/**
 * A task a person must do: slow, barely checkable feedback and high, irreversible stakes, so the router sends it to a
 * person and the runtime opens a `takeover` checkpoint (purpose `task`) for the result.
 */
export function humanTask(id: string, i: number): Task {
  const k = humanKindAt(i);
  return {
    id,
    kind: k.kind,
    title: k.title,
    input: { ref: `case-${i}`, amount: 250_000 + (i % 1000) * 500, notes: "Figures and documents are attached to the case." },
    signals: { feedbackLatencySec: 94_608_000, ruleClosure: 0.05, driftHalfLifeSec: 15_552_000, horizonSec: 2_592_000 },
    stakes: { cost: 500_000, reversible: false },
    tags: [k.role],
  };
}

/** What a person answers to a human task, as JSON. */
export function humanAnswerValue(i: number): { decision: string; amount: number; note: string } {
  return { decision: i % 3 === 0 ? "decline" : "approve", amount: 250_000 + (i % 1000) * 500, note: `Reviewed case-${i}.` };
}

/** Starting errors of the convergent tasks: with the error halving per attempt they pass after 8, 9, 10, 11 or 12 attempts. */
const startErrors = [0.25, 0.5, 1, 2, 4] as const;

/** The error below which the sandbox passes an attempt. */
export const passTolerance = 0.002;

/** A task an agent can do: fast, fully checkable feedback and small, reversible stakes (the router sends it to the autonomous route). */
export function convergentTask(id: string, i: number): Task {
  return {
    id,
    kind: convergentKind,
    title: "Bring the residual under tolerance",
    input: { start: startErrors[i % startErrors.length]!, tolerance: passTolerance },
    signals: { feedbackLatencySec: 1, ruleClosure: 1, driftHalfLifeSec: null, horizonSec: 600 },
    stakes: { cost: 10, reversible: true },
  };
}

/** The attempts a convergent task needs: the first n with start × 0.5^(n−1) ≤ tolerance. */
export function attemptsNeeded(i: number): number {
  const start = startErrors[i % startErrors.length]!;
  let n = 1;
  while (start * 0.5 ** (n - 1) > passTolerance) n++;
  return n;
}

/** An agent and a sandbox that return at once, with the time spent inside them (nanoseconds) since the last reset. */
export interface TimedDoubles {
  readonly agent: Agent;
  readonly sandbox: Sandbox;
  /** Nanoseconds spent inside `attempt` and `verify` calls. */
  insideNs(): number;
  /** Calls of `attempt` and `verify`. */
  calls(): { readonly attempts: number; readonly verifications: number };
  reset(): void;
}

/**
 * A scripted agent whose error halves every attempt (its output is the error it reached) and a sandbox that
 * checks it against the tolerance: a geometric convergence the monitor reads as ×0.5 per attempt. Both time
 * their own bodies with `process.hrtime.bigint()`, which is what the benchmark subtracts.
 */
export function timedDoubles(): TimedDoubles {
  let inside = 0n;
  let attempts = 0;
  let verifications = 0;
  const agent: Agent = {
    name: "halving",
    kinds: [convergentKind],
    async attempt(input) {
      const start = nowNs();
      const begin = (input.task.input as { start: number }).start;
      const result = { output: { residual: begin * 0.5 ** (input.attempt - 1), attempt: input.attempt }, usage: { tokens: 120, cost: 0.001 } };
      attempts++;
      inside += nowNs() - start;
      return result;
    },
  };
  const sandbox: Sandbox = {
    name: "tolerance",
    kinds: [convergentKind],
    closure: 1,
    async verify(input) {
      const start = nowNs();
      const residual = (input.output as { residual: number }).residual;
      const passed = residual <= passTolerance;
      const verdict = { passed, error: passed ? 0 : residual, feedback: passed ? "within tolerance" : `residual ${residual} above ${passTolerance}` };
      verifications++;
      inside += nowNs() - start;
      return verdict;
    },
  };
  return {
    agent,
    sandbox,
    insideNs: () => Number(inside),
    calls: () => ({ attempts, verifications }),
    reset: () => {
      inside = 0n;
      attempts = 0;
      verifications = 0;
    },
  };
}
