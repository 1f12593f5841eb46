// fast-check generators shared by the router's property tests.
import fc from "fast-check";
import type { PolicyInput, Task } from "../src/index.js";

/** Seconds from a fraction of a second to decades, spread over orders of magnitude. */
export const seconds = (min = 0.5, max = 3e9) =>
  fc.double({ min: Math.log(min), max: Math.log(max), noNaN: true }).map((x) => Math.exp(x));

export const latency = fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: seconds() });
export const halfLife = fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: seconds(60) });
export const closure = fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true }));
export const horizon = seconds(1, 1e8);
export const stakesCost = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e7, noNaN: true }));

/** Scorer inputs with every value known. */
export const convergenceInput = fc.record({
  feedbackLatencySec: latency,
  ruleClosure: closure,
  driftHalfLifeSec: halfLife,
  horizonSec: horizon,
  repairEfficiency: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
  maxAttempts: fc.integer({ min: 1, max: 50 }),
});

const kinds = ["code.fix-test", "code.format", "support.reply", "payments.refund", "legal.review", "ops.incident"];

/** Tasks with every signal declared. */
export const fullTask: fc.Arbitrary<Task> = fc.record({
  id: fc.string({ minLength: 1, maxLength: 12 }),
  kind: fc.constantFrom(...kinds),
  title: fc.constant("A task"),
  signals: fc.record({
    feedbackLatencySec: latency,
    ruleClosure: closure,
    driftHalfLifeSec: halfLife,
    horizonSec: horizon,
  }),
  stakes: fc.record({ cost: stakesCost, reversible: fc.boolean() }),
});

/** Policies with random (coherent) costs and learning settings but no rules. */
export const costPolicy: fc.Arbitrary<PolicyInput> = fc.record({
  id: fc.constant("random"),
  version: fc.constant(1),
  costs: fc.record({
    reviewerPerMinute: fc.double({ min: 0, max: 10, noNaN: true }),
    reviewMinutes: fc.double({ min: 0, max: 60, noNaN: true }),
    humanTaskMinutes: fc.double({ min: 0, max: 600, noNaN: true }),
    agentPerAttempt: fc.double({ min: 0, max: 20, noNaN: true }),
    irreversibleMultiplier: fc.double({ min: 1, max: 10, noNaN: true }),
  }),
  human: fc.record({
    errorRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
    reviewCatchRate: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  guards: fc.record({
    autonomous: fc.record({ minScore: fc.double({ min: 0, max: 1, noNaN: true }) }),
  }),
  risk: fc.record({ mode: fc.constantFrom("neutral" as const, "averse" as const) }),
  exploration: fc.record({ rate: fc.constantFrom(0, 0.2, 0.5), maxStakes: fc.constantFrom(10, 1000), supervised: fc.boolean() }),
  // The agent's first-attempt failure share, from certain failure down to a strong agent.
  model: fc.record({ initialFailure: fc.double({ min: 0.05, max: 1, noNaN: true }) }),
});
