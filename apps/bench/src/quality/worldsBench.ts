// ConvergeBench across generated worlds (`convergent bench quality --worlds N`): every world draws its own families,
// signal biases and people; the router routes each under an operator's honest policy, zero-shot and online, against
// the constant routes, a per-kind constant route tuned on the world's training sample, and the oracle.
import { ConvergentError, problemsFromZod } from "@convergent/router";
import type { BenchProgress } from "../types.js";
import { generateBenchTasks, mixSeed } from "./latentTasks.js";
import { measureWorld, measuresRates, operatorPolicy } from "./operatorPolicy.js";
import { type OutcomeTable, buildOutcomeTable } from "./outcomeTable.js";
import { tunePerKindRoutes } from "./perKindConstant.js";
import { onlineArrivalSec } from "./qualityBench.js";
import { loopDefaults } from "./world.js";
import { archetypeShares, generateWorld } from "./worldGenerator.js";
import { onlineProtocol, zeroShotProtocol } from "./worldProtocols.js";
import { heldOutWorldSeeds, splitOfWorld, trainingWorldSeeds } from "./worldSplits.js";
import {
  type OnlineFigures,
  type ProtocolFigures,
  type SplitSummary,
  type WorldResult,
  type WorldsBenchOptions,
  type WorldsReport,
  worldsBenchOptionsSchema,
} from "./worldsReport.js";
import type { QualityTarget } from "./qualityReport.js";

/** The targets across worlds (on the held-out worlds). */
export const worldsBenchTargets = {
  zeroShotMeanGap: 0.5,
  zeroShotWorstCostRatio: 1.02,
  onlineMeanGap: 0.75,
  eceAt500: 0.05,
} as const;

/** Outcomes after which the online calibration error is measured. */
export const worldsEceOutcomes = 500;

/** The sizes of a run: `full` (the default: 20 + 1 held-out and 10 training worlds) and `small` (3 worlds × 200 tasks, for CI). */
export const worldsBenchSizes = {
  full: { heldOutWorlds: 20, trainingWorlds: 10, zeroShotTasks: 2000, onlineTasks: 10_000, trainingTasks: 1000, reps: 16, onlineReps: 8 },
  small: { heldOutWorlds: 1, trainingWorlds: 1, zeroShotTasks: 200, onlineTasks: 600, trainingTasks: 200, reps: 4, onlineReps: 4 },
} as const satisfies Record<string, WorldsBenchOptions>;

/** Sizes of one world's run. */
interface WorldSizes {
  readonly zeroShotTasks: number;
  readonly onlineTasks: number;
  readonly trainingTasks: number;
  readonly reps: number;
  readonly onlineReps: number;
}

/** Realisations of each training-sample task the per-kind constant route is tuned on. */
const trainingEvalReps = 4;

/**
 * Runs one world: draws it, measures what its operator would know, builds its test, stream and training tables
 * (three seeds of its own), and runs both protocols.
 */
export function runWorld(seed: number, sizes: WorldSizes): WorldResult {
  const world = generateWorld(seed);
  const perMinute = world.people.perMinute;
  const measurements = measureWorld(world);
  const policy = operatorPolicy(measurements, { perMinute, maxAttempts: loopDefaults.maxAttempts });
  const table = (count: number, stream: number, reps: number, evalReps: number): OutcomeTable => {
    const taskSeed = mixSeed(seed, stream);
    return buildOutcomeTable(generateBenchTasks({ count, seed: taskSeed, families: world.families }), { seed: taskSeed, reps, evalReps, loop: loopDefaults });
  };
  const test = table(sizes.zeroShotTasks, 11, sizes.reps, 1);
  const stream = table(sizes.onlineTasks, 12, sizes.onlineReps, 1);
  const training = table(sizes.trainingTasks, 13, 1, trainingEvalReps);
  const perKind = tunePerKindRoutes(training, perMinute);
  const zeroShot = zeroShotProtocol({ table: test, policy, perKind, perMinute });
  const online = onlineProtocol({ stream, evaluation: test, policy, perKind, perMinute, arrivalSec: onlineArrivalSec, eceOutcomes: worldsEceOutcomes });
  const kinds = world.families.flatMap((f) => f.kinds);
  return {
    seed,
    split: splitOfWorld(seed),
    families: world.families.length,
    kinds: kinds.length,
    namespaces: new Set(kinds.map((k) => k.split(".")[0])).size,
    archetypeShares: archetypeShares(world),
    perMinute,
    measuredRates: measuresRates(world),
    measuredKinds: measurements.length,
    zeroShot,
    online,
  };
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
const nonNull = (xs: readonly (number | null)[]) => xs.filter((x): x is number => x !== null);

/** Mean and worst figures of one protocol over some worlds. */
export function summarizeWorlds(figures: readonly (ProtocolFigures | OnlineFigures)[]): SplitSummary {
  const gaps = nonNull(figures.map((f) => f.gapRecovered));
  const perKind = nonNull(figures.map((f) => f.perKindGapRecovered));
  const ratios = figures.map((f) => f.costRatio);
  const loads = figures.map((f) => f.humanLoad.router);
  const eces = nonNull(figures.map((f) => ("ece500" in f ? f.ece500 : null)));
  return {
    worlds: figures.length,
    gapRecovered: { mean: mean(gaps), worst: gaps.length === 0 ? null : Math.min(...gaps) },
    perKindGapRecovered: { mean: mean(perKind), worst: perKind.length === 0 ? null : Math.min(...perKind) },
    costRatio: { mean: mean(ratios), worst: ratios.length === 0 ? null : Math.max(...ratios) },
    humanLoad: { mean: mean(loads), worst: loads.length === 0 ? null : Math.max(...loads) },
    ece500: { mean: mean(eces), worst: eces.length === 0 ? null : Math.max(...eces) },
  };
}

/**
 * Runs ConvergeBench across worlds: the held-out worlds (world 0 and seeds 1..`heldOutWorlds`) and the training
 * worlds (seeds 1000..), each zero-shot and online. Deterministic: the same options give the same report, apart
 * from `seconds`.
 *
 * @example
 * ```ts
 * const report = runWorldsBench(worldsBenchSizes.small);
 * report.summary.heldOut.zeroShot.gapRecovered.mean; // e.g. 0.6
 * ```
 */
export function runWorldsBench(options: WorldsBenchOptions = {}, onProgress?: BenchProgress): WorldsReport {
  const parsed = worldsBenchOptionsSchema.safeParse(options, { reportInput: true });
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error.issues);
    throw new ConvergentError("INVALID_INPUT", `Invalid worlds bench options: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`, { problems });
  }
  const o = parsed.data;
  const sizes: WorldSizes = {
    zeroShotTasks: o.zeroShotTasks,
    onlineTasks: o.onlineTasks ?? o.zeroShotTasks * 5,
    trainingTasks: o.trainingTasks ?? Math.max(50, Math.round(o.zeroShotTasks * 0.5)),
    reps: o.reps,
    onlineReps: o.onlineReps ?? Math.max(1, Math.round(o.reps / 2)),
  };
  const started = performance.now();
  const heldOutSeeds = heldOutWorldSeeds(o.heldOutWorlds);
  const trainingSeeds = trainingWorldSeeds(o.trainingWorlds);
  const seeds = [...heldOutSeeds, ...trainingSeeds];
  const worlds: WorldResult[] = [];
  onProgress?.("quality: worlds", 0, seeds.length);
  for (const seed of seeds) {
    worlds.push(runWorld(seed, sizes));
    onProgress?.("quality: worlds", worlds.length, seeds.length);
  }
  const of = (split: WorldResult["split"]) => worlds.filter((w) => w.split === split);
  const summary = {
    heldOut: { zeroShot: summarizeWorlds(of("held-out").map((w) => w.zeroShot)), online: summarizeWorlds(of("held-out").map((w) => w.online)) },
    training: { zeroShot: summarizeWorlds(of("training").map((w) => w.zeroShot)), online: summarizeWorlds(of("training").map((w) => w.online)) },
  };
  const h = summary.heldOut;
  const t = worldsBenchTargets;
  const atLeast = (x: number | null, target: number) => x !== null && x >= target;
  const atMost = (x: number | null, target: number) => x !== null && x <= target;
  const targets: Record<string, QualityTarget> = {
    zeroShotMeanGap: { target: `zero-shot: mean gap recovered ≥ ${t.zeroShotMeanGap} over held-out worlds`, value: h.zeroShot.gapRecovered.mean, met: atLeast(h.zeroShot.gapRecovered.mean, t.zeroShotMeanGap) },
    zeroShotWorstCostRatio: {
      target: `zero-shot: cost ≤ best constant + ${Math.round((t.zeroShotWorstCostRatio - 1) * 100)}% on every held-out world (worst ratio)`,
      value: h.zeroShot.costRatio.worst,
      met: atMost(h.zeroShot.costRatio.worst, t.zeroShotWorstCostRatio),
    },
    onlineMeanGap: { target: `online: mean gap recovered over the stream's second half ≥ ${t.onlineMeanGap} over held-out worlds`, value: h.online.gapRecovered.mean, met: atLeast(h.online.gapRecovered.mean, t.onlineMeanGap) },
    eceAt500: { target: `online: mean ECE ≤ ${t.eceAt500} after ${worldsEceOutcomes} outcomes over held-out worlds`, value: h.online.ece500.mean, met: atMost(h.online.ece500.mean, t.eceAt500) },
  };
  return {
    config: {
      heldOutSeeds,
      trainingSeeds,
      zeroShotTasks: sizes.zeroShotTasks,
      onlineTasks: sizes.onlineTasks,
      trainingTasks: sizes.trainingTasks,
      reps: sizes.reps,
      onlineReps: sizes.onlineReps,
      onlineArrivalSec,
      eceOutcomes: worldsEceOutcomes,
      maxAttempts: loopDefaults.maxAttempts,
    },
    worlds,
    summary,
    targets,
    seconds: (performance.now() - started) / 1000,
    node: process.versions.node,
    notes: [
      "Held-out worlds (world 0, the hand-written families, and seeds 1..N) are never tuned on; training worlds (seeds 1000+) are where developers may tune. Targets are read on the held-out worlds.",
      "The router's policy holds only what an operator could know: the world's price of a minute, minutes and tokens measured on 5 observed tasks per kind, and people's error and catch rates counted on 40 observed outcomes per kind in the worlds whose operator counted them; never a latent value, no `model` section.",
      "Costs are expected total cost per task (agent dollars + minutes × the world's price + stakes × P(unnoticed failure), irreversible stakes ×3) from the outcome table; the best constant is the cheapest of always autonomous / supervised / human on the same tasks; the per-kind constant route is tuned on the world's training sample (a separate seed, realised costs).",
      "Gap recovered = (best constant − router) / (best constant − oracle): 0 is no better than the best constant route, 1 is the oracle; null when the oracle is within 0.1% of the best constant.",
      `Zero-shot: the test tasks routed with a fresh calibration. Online: a stream (a task every ${onlineArrivalSec} s); the outcome of the route taken reaches calibration after the run and the task's true feedback latency (never without feedback), review or a person's minutes; figures over its second half.`,
    ],
  };
}
