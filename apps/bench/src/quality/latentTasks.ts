// ConvergeBench's generator: tasks with latent ground truth and the noisy, biased, sometimes missing signals
// a team would declare for them. Everything depends only on the seed and the task's index.
import type { Task } from "@convergent/router";
import { type Random, createRandom } from "../random.js";
import { type QualityFamily, type Range, qualityFamilies } from "./families.js";

/** The truth about one task, which only the simulation and the oracle see. */
export interface LatentTask {
  readonly index: number;
  readonly family: string;
  readonly kind: string;
  /** Seconds until an action's correctness is known; `null`: never. */
  readonly latencySec: number | null;
  readonly closure: number;
  /** `null`: the environment does not drift. */
  readonly driftHalfLifeSec: number | null;
  readonly horizonSec: number;
  readonly stakesCost: number;
  readonly reversible: boolean;
  /** What an undetected failure costs: the declared stakes (× {@link irreversibleMultiplier}, 1, when irreversible). */
  readonly effectiveStakes: number;
  readonly skill: number;
  readonly repair: number;
  readonly compounding: number;
  readonly humanMinutes: number;
  readonly humanError: number;
  readonly reviewMinutes: number;
  readonly reviewCatch: number;
  readonly tokensPerAttempt: number;
  readonly visibility: number;
  readonly overconfidence: number;
  /** Whether a mid-stream shift changed this task's truth (its declared signals still describe the old one). */
  readonly shifted: boolean;
}

/** A generated task: the truth and what the router is told. */
export interface BenchTask {
  readonly latent: LatentTask;
  readonly observed: Task;
}

/** A change of one family's truth from some index on: its closure and/or drift half-life are multiplied. */
export interface FamilyShift {
  readonly family: string;
  /** First index affected. */
  readonly at: number;
  readonly closureFactor?: number;
  readonly driftFactor?: number;
}

/** Options of {@link generateBenchTasks}. */
export interface GenerateBenchTasksOptions {
  readonly count: number;
  readonly seed: number;
  /** Index of the first task. */
  readonly start?: number;
  readonly shift?: FamilyShift;
  /** The families to draw from (a generated world's); the twelve of {@link qualityFamilies} by default. */
  readonly families?: readonly QualityFamily[];
}

/**
 * Multiplier of irreversible stakes in the truth: 1, since a task's declared `stakes.cost` already is what an
 * undetected failure costs (irreversibility is why it costs that much, not a second charge). The router's default
 * `costs.irreversibleMultiplier` is 1 too.
 */
export const irreversibleMultiplier = 1;

/** Mixes integers into one 32-bit seed (splitmix-style), so every (seed, index, stream) has its own sequence. */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    h = (h + 0x6d2b79f5) >>> 0;
  }
  return h >>> 0;
}

const totalWeights = new WeakMap<readonly QualityFamily[], number>();

function pickFamily(random: Random, families: readonly QualityFamily[]): QualityFamily {
  let total = totalWeights.get(families);
  if (total === undefined) {
    total = families.reduce((sum, f) => sum + f.weight, 0);
    totalWeights.set(families, total);
  }
  let x = random.next() * total;
  for (const f of families) {
    x -= f.weight;
    if (x < 0) return f;
  }
  return families[families.length - 1]!;
}

const uniform = (random: Random, [a, b]: Range) => a + random.next() * (b - a);
const logUniform = (random: Random, [a, b]: Range) => random.logUniform(a, b);

/** A standard normal draw (Box–Muller). */
export function gaussian(random: Random): number {
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Generates the task at `index` for `seed`: its truth, then what a team would declare about it. `families` is the
 * world's families (the twelve of {@link qualityFamilies} by default, which keeps world 0's tasks unchanged).
 */
export function generateBenchTask(seed: number, index: number, shift?: FamilyShift, families: readonly QualityFamily[] = qualityFamilies): BenchTask {
  const random = createRandom(mixSeed(seed, index, 1));
  const family = pickFamily(random, families);
  const kind = random.pick(family.kinds);
  const latencySec = random.chance(family.nullLatency) ? null : logUniform(random, family.latency);
  let closure = uniform(random, family.closure);
  let driftHalfLifeSec = random.chance(family.nullDrift) ? null : logUniform(random, family.drift);
  const horizonSec = logUniform(random, family.horizon);
  const stakesCost = round(logUniform(random, family.cost), 2);
  const reversible = random.chance(family.reversible);
  const latent = {
    index,
    family: family.name,
    kind,
    latencySec,
    horizonSec,
    stakesCost,
    reversible,
    effectiveStakes: reversible ? stakesCost : stakesCost * irreversibleMultiplier,
    skill: uniform(random, family.skill),
    repair: uniform(random, family.repair),
    compounding: uniform(random, family.compounding),
    humanMinutes: logUniform(random, family.humanMinutes),
    humanError: uniform(random, family.humanError),
    reviewMinutes: logUniform(random, family.reviewMinutes),
    reviewCatch: uniform(random, family.reviewCatch),
    tokensPerAttempt: Math.round(logUniform(random, family.tokens)),
    visibility: family.visibility,
    overconfidence: family.overconfidence,
  };
  // What the team declares: the truth before any shift, seen through the family's noise and bias.
  const n = family.noise;
  const signals: { feedbackLatencySec?: number | null; ruleClosure?: number; driftHalfLifeSec?: number | null; horizonSec?: number } = {};
  if (!random.chance(n.latencyMissing)) {
    signals.feedbackLatencySec = latencySec === null ? null : Math.max(1, Math.round(latencySec * n.latencyBias * Math.exp(n.latencySigma * gaussian(random))));
  }
  if (!random.chance(n.closureMissing)) signals.ruleClosure = round(clamp01(closure + n.closureBias + n.closureSigma * gaussian(random)), 2);
  if (!random.chance(n.driftMissing)) {
    signals.driftHalfLifeSec = driftHalfLifeSec === null ? null : Math.max(1, Math.round(driftHalfLifeSec * n.driftBias * Math.exp(n.driftSigma * gaussian(random))));
  }
  signals.horizonSec = Math.round(horizonSec);
  let shifted = false;
  if (shift !== undefined && shift.family === family.name && index >= shift.at) {
    shifted = true;
    if (shift.closureFactor !== undefined) closure = clamp01(closure * shift.closureFactor);
    if (shift.driftFactor !== undefined && driftHalfLifeSec !== null) driftHalfLifeSec *= shift.driftFactor;
  }
  const observed: Task = {
    id: `q-${seed}-${index}`,
    kind,
    title: `${family.description} #${index}`,
    signals,
    stakes: { cost: stakesCost, reversible },
    tags: [`family:${family.name}`],
  };
  return { latent: { ...latent, closure, driftHalfLifeSec, shifted }, observed };
}

/**
 * Generates `count` tasks from index `start` (0 by default). The same options always give the same tasks.
 *
 * @example
 * ```ts
 * const tasks = generateBenchTasks({ count: 1000, seed: 7 });
 * tasks[0]!.observed; // a Task for the router; tasks[0]!.latent is the truth the simulation uses
 * ```
 */
export function generateBenchTasks(options: GenerateBenchTasksOptions): BenchTask[] {
  const start = options.start ?? 0;
  const out: BenchTask[] = [];
  const families = options.families ?? qualityFamilies;
  for (let i = 0; i < options.count; i++) out.push(generateBenchTask(options.seed, start + i, options.shift, families));
  return out;
}
