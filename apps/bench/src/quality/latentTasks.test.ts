// The generator's invariants, property-based: determinism, ranges of the truth, valid declared tasks, the shift.
import { parseTask } from "@convergent/router";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { qualityFamilies } from "./families.js";
import { generateBenchTask, generateBenchTasks, irreversibleMultiplier } from "./latentTasks.js";

const seedAndIndex = fc.tuple(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 1_000_000 }));

describe("generateBenchTask", () => {
  it("gives the same task for the same seed and index", () => {
    fc.assert(
      fc.property(seedAndIndex, ([seed, index]) => {
        expect(generateBenchTask(seed, index)).toEqual(generateBenchTask(seed, index));
      }),
    );
  });

  it("draws the truth from the task's family ranges", () => {
    fc.assert(
      fc.property(seedAndIndex, ([seed, index]) => {
        const { latent } = generateBenchTask(seed, index);
        const family = qualityFamilies.find((f) => f.name === latent.family)!;
        expect(family.kinds).toContain(latent.kind);
        const within = (x: number, [a, b]: readonly [number, number]) => x >= a * (1 - 1e-9) && x <= b * (1 + 1e-9);
        expect(within(latent.closure, family.closure)).toBe(true);
        expect(within(latent.horizonSec, family.horizon)).toBe(true);
        expect(within(latent.skill, family.skill)).toBe(true);
        expect(within(latent.humanError, family.humanError)).toBe(true);
        if (latent.latencySec !== null) expect(within(latent.latencySec, family.latency)).toBe(true);
        if (latent.driftHalfLifeSec !== null) expect(within(latent.driftHalfLifeSec, family.drift)).toBe(true);
        expect(latent.effectiveStakes).toBe(latent.reversible ? latent.stakesCost : latent.stakesCost * irreversibleMultiplier);
      }),
    );
  });

  it("declares a valid task whose signals keep the truth's null-ness and never reveal the latent values exactly", () => {
    fc.assert(
      fc.property(seedAndIndex, ([seed, index]) => {
        const { latent, observed } = generateBenchTask(seed, index);
        expect(parseTask(observed).kind).toBe(latent.kind);
        const s = observed.signals ?? {};
        if (s.feedbackLatencySec !== undefined) expect(s.feedbackLatencySec === null).toBe(latent.latencySec === null);
        if (s.driftHalfLifeSec !== undefined) expect(s.driftHalfLifeSec === null).toBe(latent.driftHalfLifeSec === null);
        expect(observed.stakes).toEqual({ cost: latent.stakesCost, reversible: latent.reversible });
      }),
    );
  });

  it("changes only the shifted family's truth from the shift on, leaving what the team declares unchanged", () => {
    fc.assert(
      fc.property(seedAndIndex, ([seed, index]) => {
        const shift = { family: "data", at: index, closureFactor: 0.4 };
        const before = generateBenchTask(seed, index);
        const after = generateBenchTask(seed, index, shift);
        expect(after.observed).toEqual(before.observed);
        if (before.latent.family === "data") {
          expect(after.latent.shifted).toBe(true);
          expect(after.latent.closure).toBeCloseTo(before.latent.closure * 0.4, 12);
        } else {
          expect(after.latent).toEqual(before.latent);
        }
        expect(generateBenchTask(seed, index, { ...shift, at: index + 1 }).latent).toEqual(before.latent);
      }),
    );
  });
});

describe("generateBenchTasks", () => {
  it("draws every family with roughly its weight", () => {
    const tasks = generateBenchTasks({ count: 6000, seed: 3 });
    const total = qualityFamilies.reduce((s, f) => s + f.weight, 0);
    for (const f of qualityFamilies) {
      const share = tasks.filter((t) => t.latent.family === f.name).length / tasks.length;
      expect(Math.abs(share - f.weight / total)).toBeLessThan(0.02);
    }
  });

  it("continues a sequence from `start` exactly as one longer call would", () => {
    const all = generateBenchTasks({ count: 20, seed: 9 });
    expect(generateBenchTasks({ count: 10, seed: 9, start: 10 })).toEqual(all.slice(10));
  });
});
