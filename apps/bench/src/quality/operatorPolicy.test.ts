// The operator's policy in a generated world: what an operator could know, never a latent value.
import { validatePolicy } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { measureWorld, measuresRates, operatorPolicy } from "./operatorPolicy.js";
import { generateWorld } from "./worldGenerator.js";

describe("operatorPolicy", () => {
  const worlds = [0, 1, 2, 3, 4, 5, 1000, 1001].map(generateWorld);

  it("holds no latent field: no model section, no per-kind model override, no irreversible multiplier", () => {
    for (const world of worlds) {
      const policy = operatorPolicy(measureWorld(world), { perMinute: world.people.perMinute });
      expect(policy).not.toHaveProperty("model");
      expect(policy.costs).not.toHaveProperty("irreversibleMultiplier");
      expect(policy.kinds?.length).toBeGreaterThan(0);
      for (const k of policy.kinds ?? []) {
        expect(k).not.toHaveProperty("model");
        expect(Object.keys(k).sort()).toEqual(measuresRates(world) && "human" in k ? ["costs", "human", "kind"] : ["costs", "kind"]);
      }
      expect(() => validatePolicy(policy)).not.toThrow();
    }
  });

  it("measures minutes and rates from observed tasks: close to the families' ranges but not their latent midpoints", () => {
    const world = generateWorld(0);
    const measured = measureWorld(world);
    expect(measured.length).toBe(world.families.flatMap((f) => f.kinds).length);
    for (const m of measured) {
      const f = world.families.find((x) => x.kinds.includes(m.kind))!;
      expect(m.timedTasks).toBe(5);
      expect(m.humanTaskMinutes).toBeGreaterThan(f.humanMinutes[0] * 0.5);
      expect(m.humanTaskMinutes).toBeLessThan(f.humanMinutes[1] * 1.5);
      expect(m.errorRate).toBeGreaterThan(0);
      expect(m.errorRate).toBeLessThan(1);
    }
    expect(measureWorld(world)).toEqual(measured);
  });

  it("leaves people's rates at the policy's defaults in worlds whose operator never counted them", () => {
    const uncounted = Array.from({ length: 20 }, (_, i) => generateWorld(i + 1)).find((w) => !measuresRates(w))!;
    expect(uncounted).toBeDefined();
    const policy = operatorPolicy(measureWorld(uncounted), { perMinute: uncounted.people.perMinute });
    for (const k of policy.kinds ?? []) expect(k).not.toHaveProperty("human");
  });
});
