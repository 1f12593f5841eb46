// The world generator: deterministic per seed, different across seeds, world 0 unchanged, and every world spanning
// convergent, divergent and open-ended work with dotted kinds that share namespaces.
import { kindPattern } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { qualityFamilies } from "./families.js";
import { generateBenchTasks } from "./latentTasks.js";
import { archetypeShares, generateWorld } from "./worldGenerator.js";

const seeds = [1, 2, 3, 7, 20, 1000, 1009];

describe("generateWorld", () => {
  it("is deterministic per seed", () => {
    for (const seed of seeds) expect(generateWorld(seed)).toEqual(generateWorld(seed));
  });

  it("draws different worlds for different seeds", () => {
    const worlds = seeds.map((seed) => JSON.stringify(generateWorld(seed).families));
    expect(new Set(worlds).size).toBe(seeds.length);
  });

  it("keeps world 0 as the twelve hand-written families, whose tasks are generated unchanged", () => {
    const world = generateWorld(0);
    expect(world.families).toBe(qualityFamilies);
    expect(world.people.perMinute).toBe(1);
    expect(generateBenchTasks({ count: 300, seed: 5, families: world.families })).toEqual(generateBenchTasks({ count: 300, seed: 5 }));
  });

  it("draws 6–14 families spanning convergent, divergent and open-ended work, with dotted kinds sharing namespaces", () => {
    let shared = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const world = generateWorld(seed);
      expect(world.families.length).toBeGreaterThanOrEqual(6);
      expect(world.families.length).toBeLessThanOrEqual(14);
      expect(world.archetypes).toHaveLength(world.families.length);
      for (const a of ["convergent", "divergent", "open-ended"] as const) expect(world.archetypes).toContain(a);
      const shares = archetypeShares(world);
      expect(Object.values(shares).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 9);
      const kinds = world.families.flatMap((f) => f.kinds);
      expect(new Set(kinds).size).toBe(kinds.length);
      for (const k of kinds) {
        expect(k).toMatch(kindPattern);
        expect(k).toContain(".");
      }
      const namespaces = new Set(kinds.map((k) => k.split(".")[0]));
      if (namespaces.size < kinds.length) shared++;
      for (const f of world.families) {
        for (const [lo, hi] of [f.latency, f.closure, f.drift, f.horizon, f.cost, f.skill, f.repair, f.compounding, f.humanMinutes, f.humanError, f.reviewMinutes, f.reviewCatch, f.tokens]) {
          expect(lo).toBeGreaterThan(0);
          expect(hi).toBeGreaterThanOrEqual(lo!);
        }
        for (const [lo, hi] of [f.closure, f.skill, f.repair, f.humanError, f.reviewCatch]) expect(hi).toBeLessThanOrEqual(1);
      }
    }
    expect(shared).toBe(30);
  });

  it("varies the proportions of work and the people from world to world, and leaves whole signals undeclared in some families", () => {
    const worlds = Array.from({ length: 30 }, (_, i) => generateWorld(i + 1));
    const open = worlds.map((w) => archetypeShares(w)["open-ended"]);
    expect(Math.max(...open) - Math.min(...open)).toBeGreaterThan(0.3);
    expect(new Set(worlds.map((w) => w.people.perMinute)).size).toBe(worlds.length);
    const neverDeclared = worlds.flatMap((w) => w.families).filter((f) => f.noise.latencyMissing === 1 || f.noise.closureMissing === 1 || f.noise.driftMissing === 1);
    expect(neverDeclared.length).toBeGreaterThan(0);
    // A family whose closure is never declared: none of its tasks says it.
    const family = worlds.flatMap((w) => w.families.map((f) => ({ w, f }))).find(({ f }) => f.noise.closureMissing === 1)!;
    const tasks = generateBenchTasks({ count: 2000, seed: 3, families: family.w.families }).filter((t) => t.latent.family === family.f.name);
    expect(tasks.length).toBeGreaterThan(0);
    for (const t of tasks) expect(t.observed.signals?.ruleClosure).toBeUndefined();
  });
});
