// The policy a world's operator could write: prices they pay, minutes and tokens they measured on a few observed
// tasks of each kind, and people's error and catch rates when they counted them on a sample of observed outcomes.
// Never a latent value: no agent skill, no true closure, no `model` section — what the agent can do is for the
// router's model and calibration to find out.
import type { PolicyInput } from "@convergent/router";
import { createRandom } from "../random.js";
import { dollarsPerToken } from "./families.js";
import { type BenchTask, gaussian, generateBenchTasks, mixSeed } from "./latentTasks.js";
import type { GeneratedWorld } from "./worldGenerator.js";

/** What an operator measured for one kind. */
export interface KindMeasurement {
  readonly kind: string;
  /** Tasks of the kind the minutes and tokens are the mean of. */
  readonly timedTasks: number;
  /** Mean minutes a person took to do a timed task alone, and to review an agent's result. */
  readonly humanTaskMinutes: number;
  readonly reviewMinutes: number;
  /** Mean tokens of the timed agent attempts. */
  readonly tokensPerAttempt: number;
  /** People's error rate and reviewers' catch rate counted on `ratedTasks` observed outcomes; absent when not measured. */
  readonly ratedTasks?: number;
  readonly errorRate?: number;
  readonly reviewCatchRate?: number;
}

/** Options of {@link measureWorld}. */
export interface MeasureWorldOptions {
  /** Tasks the operator looked at (a seed of their own); kinds that never came up are not measured. 3,000 by default. */
  readonly sampleTasks?: number;
  /** Tasks per kind timed for minutes and tokens; 5 by default. */
  readonly timedTasks?: number;
  /** Observed human outcomes per kind behind the error and catch rates; 40 by default. */
  readonly ratedTasks?: number;
  /** Fewest outcomes a rate is computed from; kinds with fewer keep the policy's default rates. 10 by default. */
  readonly minRated?: number;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Whether the operator of a world counted people's errors at all (deterministic per world; always in world 0). */
export function measuresRates(world: GeneratedWorld): boolean {
  return world.seed === 0 || mixSeed(world.seed, 0x2a7e) / 4294967296 < 0.7;
}

/**
 * What a world's operator measured per kind, from a sample of observed tasks (its own seed): a noisy mean of a few
 * timed tasks, and rates counted on observed human outcomes (Jeffreys estimate (k + ½) / (n + 1)) when they counted.
 */
export function measureWorld(world: GeneratedWorld, options: MeasureWorldOptions = {}): KindMeasurement[] {
  const timed = options.timedTasks ?? 5;
  const rated = options.ratedTasks ?? 40;
  const minRated = options.minRated ?? 10;
  const sample = generateBenchTasks({ count: options.sampleTasks ?? 3000, seed: mixSeed(world.seed, 7001), families: world.families });
  const byKind = new Map<string, BenchTask[]>();
  for (const t of sample) {
    const list = byKind.get(t.latent.kind) ?? [];
    list.push(t);
    byKind.set(t.latent.kind, list);
  }
  const counting = measuresRates(world);
  const kinds = world.families.flatMap((f) => f.kinds).filter((k) => byKind.has(k));
  return kinds.map((kind) => {
    const tasks = byKind.get(kind)!;
    const random = createRandom(mixSeed(world.seed, 7002, tasks[0]!.latent.index));
    const timedSet = tasks.slice(0, timed);
    // One observation each: a person's time varies around the task's typical minutes, as in the simulation.
    const mean = (f: (t: BenchTask) => number) => timedSet.reduce((sum, t) => sum + f(t), 0) / timedSet.length;
    const humanTaskMinutes = mean((t) => t.latent.humanMinutes * Math.exp(0.3 * gaussian(random)));
    const reviewMinutes = mean((t) => t.latent.reviewMinutes * Math.exp(0.3 * gaussian(random)));
    const tokensPerAttempt = mean((t) => t.latent.tokensPerAttempt);
    const m: KindMeasurement = { kind, timedTasks: timedSet.length, humanTaskMinutes, reviewMinutes, tokensPerAttempt };
    const ratedSet = tasks.slice(0, rated);
    if (!counting || ratedSet.length < minRated) return m;
    let errors = 0;
    let caught = 0;
    for (const t of ratedSet) {
      if (random.chance(t.latent.humanError)) errors++;
      // Each observed review of a result later found bad: was it caught?
      if (random.chance(t.latent.reviewCatch)) caught++;
    }
    const n = ratedSet.length;
    return { ...m, ratedTasks: n, errorRate: (errors + 0.5) / (n + 1), reviewCatchRate: (caught + 0.5) / (n + 1) };
  });
}

/** Options of {@link operatorPolicy}. */
export interface OperatorPolicyOptions {
  /** What a person's minute costs in the world (a price the operator pays). */
  readonly perMinute: number;
  /** Agent attempts a run may make; 8 by default. */
  readonly maxAttempts?: number;
}

/**
 * The policy of the router under test in a generated world: prices, measured minutes and tokens, and measured rates
 * where the operator counted them. It has no `model` section and leaves `irreversibleMultiplier` at the default.
 *
 * @example
 * ```ts
 * const world = generateWorld(3);
 * const router = createRouter({ policy: operatorPolicy(measureWorld(world), { perMinute: world.people.perMinute }) });
 * ```
 */
export function operatorPolicy(measurements: readonly KindMeasurement[], options: OperatorPolicyOptions): PolicyInput {
  return {
    id: "convergebench-operator",
    version: 1,
    description: "ConvergeBench worlds: prices, minutes and tokens measured on a few tasks per kind, people's rates counted on observed outcomes.",
    costs: { currency: "USD", reviewerPerMinute: options.perMinute },
    budgets: { maxAttempts: options.maxAttempts ?? 8 },
    kinds: measurements.map((m) => ({
      kind: m.kind,
      costs: {
        humanTaskMinutes: round(m.humanTaskMinutes, 1),
        reviewMinutes: round(m.reviewMinutes, 1),
        agentPerAttempt: round(m.tokensPerAttempt * dollarsPerToken, 4),
      },
      ...(m.errorRate === undefined || m.reviewCatchRate === undefined ? {} : { human: { errorRate: round(m.errorRate, 3), reviewCatchRate: round(m.reviewCatchRate, 3) } }),
    })),
  };
}
