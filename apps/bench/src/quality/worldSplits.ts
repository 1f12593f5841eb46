// ConvergeBench's splits of worlds: training worlds the developers may tune the router on, and held-out worlds that
// are only ever measured. The seeds are fixed so a held-out world stays held out: no option moves a seed between splits.
import { worldZeroSeed } from "./worldGenerator.js";

/** Seed of the first training world; training world i has seed `trainingWorldBase + i`. */
export const trainingWorldBase = 1000;

/** Most training worlds a run may ask for (their seeds stay below any held-out seed a run could reach). */
export const maxTrainingWorlds = 1000;

/** The split a world belongs to. */
export type WorldSplit = "held-out" | "training";

/**
 * Held-out worlds: world 0 (the hand-written families) and the generated worlds 1..`count`. Never tune on them.
 *
 * @example
 * ```ts
 * heldOutWorldSeeds(20); // [0, 1, 2, …, 20]: 21 worlds
 * ```
 */
export function heldOutWorldSeeds(count: number): number[] {
  return [worldZeroSeed, ...Array.from({ length: count }, (_, i) => i + 1)];
}

/**
 * Training worlds: seeds 1000..1000 + `count` − 1. Developers may look at these, tune defaults on them and rerun them
 * as often as they like.
 */
export function trainingWorldSeeds(count: number): number[] {
  return Array.from({ length: Math.min(count, maxTrainingWorlds) }, (_, i) => trainingWorldBase + i);
}

/** The split of a world seed: training for 1000..1999, held out otherwise. */
export function splitOfWorld(seed: number): WorldSplit {
  return seed >= trainingWorldBase && seed < trainingWorldBase + maxTrainingWorlds ? "training" : "held-out";
}
