// The simulation's invariants: the monitor only shortens a loop, routes share their draws, people use no tokens.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRandom } from "../random.js";
import { type LatentTask, generateBenchTask } from "./latentTasks.js";
import { buildOutcomeTable } from "./outcomeTable.js";
import { loopDefaults, realiseTask, simulateLoop } from "./world.js";

const seedAndIndex = fc.tuple(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 100_000 }));

const latentTask = (overrides: Partial<LatentTask>): LatentTask => ({ ...generateBenchTask(1, 0).latent, ...overrides });

describe("simulateLoop", () => {
  it("stops a loop no later than the fixed budget would, and only by passing or by the monitor's escalation", () => {
    fc.assert(
      fc.property(seedAndIndex, ([seed, index]) => {
        const { latent } = generateBenchTask(seed, index);
        const loop = simulateLoop(latent, createRandom(seed ^ index));
        expect(loop.attempts).toBeLessThanOrEqual(loop.fixedAttempts);
        expect(loop.fixedAttempts).toBeLessThanOrEqual(loopDefaults.maxAttempts);
        if (loop.attempts < loop.fixedAttempts) expect(["diverging", "plateau"]).toContain(loop.end);
        if (loop.passedAt !== null) expect(loop.passedAt).toBe(loop.fixedAttempts);
        expect(loop.reported).toHaveLength(loop.fixedEnd === "no-feedback" ? 0 : loop.fixedAttempts);
      }),
    );
  });

  it("makes one unverified attempt when feedback never arrives or arrives after the horizon", () => {
    const never = simulateLoop(latentTask({ latencySec: null }), createRandom(1));
    const late = simulateLoop(latentTask({ latencySec: 7200, horizonSec: 3600 }), createRandom(1));
    for (const loop of [never, late]) {
      expect(loop.end).toBe("no-feedback");
      expect(loop.attempts).toBe(1);
    }
  });

  it("passes a skilled agent with a fully checkable task, instant feedback and no drift", () => {
    const loop = simulateLoop(latentTask({ latencySec: 1, horizonSec: 3600, closure: 1, skill: 0.9, repair: 0.8, compounding: 0, driftHalfLifeSec: null }), createRandom(4));
    expect(loop.end).toBe("passed");
    expect(loop.uncheckedError).toBe(0);
  });

  it("escalates a loop whose environment drifts faster than feedback repairs", () => {
    const loop = simulateLoop(latentTask({ latencySec: 600, horizonSec: 86_400, closure: 0.9, skill: 0.5, repair: 0.3, compounding: 0.2, driftHalfLifeSec: 300 }), createRandom(5));
    expect(loop.passedAt).toBeNull();
    expect(loop.end).toBe("diverging");
    expect(loop.attempts).toBeLessThan(loop.fixedAttempts);
  });
});

describe("realiseTask", () => {
  it("is deterministic and shares its draws: a supervised failure is always an autonomous failure too, and people use no tokens", () => {
    fc.assert(
      fc.property(seedAndIndex, fc.integer({ min: 0, max: 20 }), ([seed, index], rep) => {
        const { latent } = generateBenchTask(seed, index);
        const r = realiseTask(latent, seed, rep);
        expect(realiseTask(latent, seed, rep)).toEqual(r);
        const { autonomous, supervised, human } = r.outcomes;
        if (supervised.failed && autonomous.humanMinutes === 0) expect(autonomous.failed).toBe(true);
        expect(supervised.tokens).toBe(autonomous.tokens);
        expect(human.tokens).toBe(0);
        expect(human.dollars).toBe(0);
        expect(r.postConfidence).toBeGreaterThan(0);
        expect(r.postConfidence).toBeLessThan(1);
      }),
    );
  });
});

describe("expectations from chances", () => {
  it("average each route's chances given the agent's run, which the coin flips match on average", () => {
    const { latent } = generateBenchTask(3, 7);
    const reps = 4000;
    const flips = { autonomous: 0, supervised: 0, human: 0 };
    const chances = { autonomous: 0, supervised: 0, human: 0 };
    for (let rep = 0; rep < reps; rep++) {
      const r = realiseTask(latent, 3, rep);
      for (const route of ["autonomous", "supervised", "human"] as const) {
        flips[route] += r.outcomes[route].failed ? 1 : 0;
        chances[route] += r.outcomes[route].failureChance;
      }
      // A person's chance of erring is the task's own rate in every realisation: no luck left in it.
      expect(r.outcomes.human.failureChance).toBe(latent.humanError);
    }
    for (const route of ["autonomous", "supervised", "human"] as const) expect(Math.abs(flips[route] - chances[route]) / reps).toBeLessThan(0.03);
  });

  it("give the outcome table's expectations without the flips' noise", () => {
    const tasks = [generateBenchTask(5, 1), generateBenchTask(5, 2)];
    const table = buildOutcomeTable(tasks, { seed: 5, reps: 4 });
    tasks.forEach((t, i) => expect(table.expected[i]!.human.failure).toBeCloseTo(t.latent.humanError, 12));
  });
});
