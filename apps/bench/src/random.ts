// A small seeded pseudo-random generator, so every benchmark input can be reproduced from its seed.

/** A deterministic source of random values: the same seed always gives the same sequence. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both included). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A number spread evenly on a log scale between `min` and `max` (both > 0): latencies and costs span orders of magnitude. */
  logUniform(min: number, max: number): number;
  /** A float in [min, max), rounded to `digits` decimals. */
  uniform(min: number, max: number, digits?: number): number;
}

/**
 * Creates a seeded generator (mulberry32: tiny, fast and good enough for test inputs; not for cryptography).
 *
 * @example
 * ```ts
 * const random = createRandom(42);
 * random.int(1, 6); // the same number every run
 * ```
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError("pick: the list is empty");
      return items[Math.floor(next() * items.length)] as T;
    },
    logUniform: (min, max) => Math.exp(Math.log(min) + next() * (Math.log(max) - Math.log(min))),
    uniform(min, max, digits = 2) {
      const f = 10 ** digits;
      return Math.round((min + next() * (max - min)) * f) / f;
    },
  };
}
