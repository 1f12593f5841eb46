// The splits of worlds: held-out and training seeds never meet.
import { describe, expect, it } from "vitest";
import { heldOutWorldSeeds, maxTrainingWorlds, splitOfWorld, trainingWorldSeeds } from "./worldSplits.js";

describe("world splits", () => {
  it("keeps held-out and training seeds disjoint, world 0 held out", () => {
    const heldOut = heldOutWorldSeeds(999);
    const training = trainingWorldSeeds(maxTrainingWorlds);
    expect(heldOut[0]).toBe(0);
    expect(heldOut).toHaveLength(1000);
    expect(training).toHaveLength(maxTrainingWorlds);
    const both = new Set([...heldOut, ...training]);
    expect(both.size).toBe(heldOut.length + training.length);
    for (const s of heldOut) expect(splitOfWorld(s)).toBe("held-out");
    for (const s of training) expect(splitOfWorld(s)).toBe("training");
  });

  it("lists the default splits: world 0 plus 1..20 held out, 1000..1009 for training", () => {
    expect(heldOutWorldSeeds(20)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(trainingWorldSeeds(10)).toEqual(Array.from({ length: 10 }, (_, i) => 1000 + i));
  });
});
