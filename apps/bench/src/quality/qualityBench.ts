// ConvergeBench (`convergent bench quality`): routes generated tasks with Convergent's router, the baselines and
// the oracles, simulates what happens, and reports how well each divides work between agents and people.
import { ConvergentError, problemsFromZod } from "@convergent/router";
import type { BenchProgress } from "../types.js";
import { qualityFamilies } from "./families.js";
import { type FamilyShift, generateBenchTasks, mixSeed } from "./latentTasks.js";
import {
  type CurvePoint,
  alwaysHumanMinutes,
  loadAtFailure,
  normaliseArea,
  rawArea,
  summarizeRoutes,
} from "./metrics.js";
import { monitorFigures } from "./monitorFigures.js";
import { type OutcomeTable, buildOutcomeTable, expectedCost } from "./outcomeTable.js";
import { type QualityBenchOptions, type QualityReport, type QualityTarget, type RouterResult, qualityBenchOptionsSchema } from "./qualityReport.js";
import { qualityPolicy } from "./qualityPolicy.js";
import {
  type Strategy,
  a2iStrategy,
  alwaysStrategy,
  conformalStrategy,
  convergentStrategy,
  hindsightStrategy,
  oracleStrategy,
  randomStrategy,
  staticRulesStrategy,
  tuneA2iThreshold,
  warmUpCalibration,
} from "./strategies.js";
import { onlineCalibration, shiftRecovery } from "./streams.js";
import { type BenchRoute, loopDefaults } from "./world.js";

/** The issue's targets for the quality benchmark. */
export const qualityBenchTargets = {
  area: 0.85,
  loadVsRandom: 3,
  loadVsA2i: 0.25,
  failureGapToOracle: 0.01,
  minutesVsOracle: 1.25,
  medianDetectionDelay: 2,
  falseEscalationsPer100: 2,
  wastedTokensReduction: 0.6,
  eceAt500: 0.05,
  recoveryTasks: 500,
} as const;

/** The shift of the shift split: the data family loses its schema validator, so far less of success is checked. */
export const benchShift = { family: "data", closureFactor: 0.4, change: "the data family's schema validator is dropped: true rule closure ×0.4 (declared signals unchanged)" } as const;

/** Default miscoverage of the conformal baseline. */
export const conformalDefaultAlpha = 0.1;

/** Seconds between two tasks of the online stream. */
export const onlineArrivalSec = 300;

/**
 * Runs ConvergeBench. Deterministic: the same options give the same report, apart from `seconds`.
 *
 * @example
 * ```ts
 * const report = runQualityBench({ tasks: 2000 });
 * report.targets["area"]; // { target: "≥ 0.85", value: 0.9, met: true }
 * ```
 */
export function runQualityBench(options: QualityBenchOptions = {}, onProgress?: BenchProgress): QualityReport {
  const parsed = qualityBenchOptionsSchema.safeParse(options, { reportInput: true });
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error.issues);
    throw new ConvergentError("INVALID_INPUT", `Invalid quality bench options: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`, { problems });
  }
  const scaled = (share: number) => Math.max(50, Math.round(parsed.data.tasks * share));
  const o = {
    ...parsed.data,
    warmupTasks: parsed.data.warmupTasks ?? scaled(0.3),
    shiftTasks: parsed.data.shiftTasks ?? scaled(0.6),
    onlineTasks: parsed.data.onlineTasks ?? scaled(0.5),
  };
  const started = performance.now();
  const seeds = { test: o.seed, warmup: mixSeed(o.seed, 1000), shift: mixSeed(o.seed, 2000), online: mixSeed(o.seed, 3000) };
  const shiftAt = Math.floor(o.shiftTasks / 2);
  const shift: FamilyShift = { family: benchShift.family, at: shiftAt, closureFactor: benchShift.closureFactor };
  const total = o.tasks + o.warmupTasks + o.shiftTasks + o.onlineTasks;
  let done = 0;
  const table = (count: number, seed: number, evalReps: number, withShift?: FamilyShift): OutcomeTable => {
    const tasks = generateBenchTasks({ count, seed, ...(withShift === undefined ? {} : { shift: withShift }) });
    const base = done;
    const t = buildOutcomeTable(tasks, { seed, reps: o.reps, evalReps, loop: loopDefaults, onProgress: (d) => onProgress?.("quality: simulate", base + d, total) });
    done += count;
    return t;
  };
  const test = table(o.tasks, seeds.test, o.evalReps);
  const warmup = table(o.warmupTasks, seeds.warmup, o.evalReps);
  const shifted = table(o.shiftTasks, seeds.shift, 1, shift);
  const online = table(o.onlineTasks, seeds.online, 1);

  const policy = (perMinute: number) => qualityPolicy({ reviewerPerMinute: perMinute, maxAttempts: loopDefaults.maxAttempts });
  const calibration = warmUpCalibration(warmup, policy(o.perMinute));
  const convergent = convergentStrategy({ table: test, policy, calibration, perMinute: o.perMinute });
  const routerRoutes = convergent.routes(o.perMinute);
  const humanShare = test.tasks.filter((_, i) => routerRoutes(i, 0) === "human").length / test.tasks.length;
  const a2iThreshold = tuneA2iThreshold(warmup, seeds.warmup, o.perMinute);
  const strategies: Strategy[] = [
    convergent,
    alwaysStrategy("autonomous", test),
    alwaysStrategy("supervised", test),
    alwaysStrategy("human", test),
    randomStrategy(test, seeds.test, humanShare),
    a2iStrategy(test, seeds.test, a2iThreshold),
    staticRulesStrategy(test),
    conformalStrategy(test, warmup, conformalDefaultAlpha),
    oracleStrategy(test, o.perMinute),
    hindsightStrategy(test, o.perMinute),
  ];

  const humanMinutes = alwaysHumanMinutes(test);
  const sweeps = strategies.reduce((n, s) => n + s.knobs.length, 0);
  let swept = 0;
  const evaluated = strategies.map((s) => {
    const curve: CurvePoint[] = s.knobs.map((knob) => {
      const routes = knob === s.defaultKnob && s === convergent ? routerRoutes : s.routes(knob);
      const f = summarizeRoutes(test, routes, o.perMinute, humanMinutes);
      onProgress?.("quality: route", ++swept, sweeps);
      return { knob, humanLoad: f.humanLoad, failure: f.failure, costPerTask: f.costPerTask };
    });
    const figures = summarizeRoutes(test, s === convergent ? routerRoutes : s.routes(s.defaultKnob), o.perMinute, humanMinutes);
    return { strategy: s, curve, figures };
  });
  const byId = (id: string) => evaluated.find((e) => e.strategy.id === id)!;
  const auto = byId("always-autonomous").figures;
  const human = byId("always-human").figures;
  const oracle = byId("oracle");
  const random = byId("random");
  const anchor = { humanLoad: auto.humanLoad, failure: auto.failure };
  const raw = (curve: readonly CurvePoint[]) => rawArea(curve, anchor, human.failure);
  const randomRaw = raw(random.curve);
  const oracleRaw = raw(oracle.curve);
  const target95 = auto.failure - 0.95 * (auto.failure - oracle.figures.failure);
  const routers: RouterResult[] = evaluated.map(({ strategy, curve, figures }) => ({
    id: strategy.id,
    name: strategy.name,
    knob: strategy.knob,
    defaultKnob: strategy.defaultKnob,
    figures,
    regretPerTask: figures.expectedCostPerTask - oracle.figures.expectedCostPerTask,
    curve,
    area: curve.length > 1 ? normaliseArea(raw(curve), randomRaw, oracleRaw) : null,
    loadFor95: loadAtFailure(curve, target95, anchor),
  }));

  const router = byId("convergent");
  // At equal failure: at the router's failure rate, or at the baseline's best when it never gets that low.
  const atEqualFailure = (baseline: { curve: readonly CurvePoint[] }) => {
    const best = Math.min(anchor.failure, ...baseline.curve.map((p) => p.failure));
    const level = Math.max(router.figures.failure, best);
    const routerLoad = level === router.figures.failure ? router.figures.humanLoad : loadAtFailure(router.curve, level, anchor);
    return { level, routerLoad, baselineLoad: loadAtFailure(baseline.curve, level, anchor) };
  };
  const vsRandom = atEqualFailure(random);
  const vsA2i = atEqualFailure(byId("a2i"));
  // The same comparisons for the oracle, at its own failure rate: what the targets ask of perfect routing here.
  const oracleAt = (baseline: { curve: readonly CurvePoint[] }) => {
    const best = Math.min(anchor.failure, ...baseline.curve.map((p) => p.failure));
    const level = Math.max(oracle.figures.failure, best);
    const own = level === oracle.figures.failure ? oracle.figures.humanLoad : loadAtFailure(oracle.curve, level, anchor);
    const other = loadAtFailure(baseline.curve, level, anchor);
    return { own, other };
  };
  const oracleVsRandom = oracleAt(random);
  const oracleVsA2i = oracleAt(byId("a2i"));
  const comparisons = {
    alwaysHumanMinutesPerTask: humanMinutes / (test.tasks.length * test.evalReps),
    equalFailureVsRandom: vsRandom.level,
    randomLoadAtEqualFailure: vsRandom.baselineLoad,
    routerLoadVsRandom: vsRandom.routerLoad,
    equalFailureVsA2i: vsA2i.level,
    a2iLoadAtEqualFailure: vsA2i.baselineLoad,
    routerLoadVsA2i: vsA2i.routerLoad,
    a2iThreshold,
    loadVsRandom: vsRandom.baselineLoad === null || !vsRandom.routerLoad ? null : vsRandom.baselineLoad / vsRandom.routerLoad,
    loadVsA2i: vsA2i.baselineLoad === null || vsA2i.routerLoad === null || vsA2i.baselineLoad === 0 ? null : 1 - vsA2i.routerLoad / vsA2i.baselineLoad,
    oracleLoadVsRandom: oracleVsRandom.other === null || !oracleVsRandom.own ? null : oracleVsRandom.other / oracleVsRandom.own,
    oracleLoadVsA2i: oracleVsA2i.other === null || oracleVsA2i.own === null || oracleVsA2i.other === 0 ? null : 1 - oracleVsA2i.own / oracleVsA2i.other,
    failureGapToOracle: router.figures.failure - oracle.figures.failure,
    minutesVsOracle: oracle.figures.humanMinutesPerTask === 0 ? null : router.figures.humanMinutesPerTask / oracle.figures.humanMinutesPerTask,
  };

  onProgress?.("quality: monitor", 0, 1);
  const monitor = monitorFigures(test);
  onProgress?.("quality: calibrate", 0, 1);
  const ece = onlineCalibration({ stream: online, evaluation: test, policy: policy(o.perMinute), checkpoints: [0, 100, 500, 2000], arrivalIntervalSec: onlineArrivalSec });
  onProgress?.("quality: shift", 0, 1);
  const shiftFigures = shiftRecovery({ stream: shifted, policy: policy(o.perMinute), family: benchShift.family, change: benchShift.change, at: shiftAt, perMinute: o.perMinute, calibration });

  const t = qualityBenchTargets;
  const convergentArea = routers.find((r) => r.id === "convergent")!.area;
  const ece500 = ece.find((e) => e.outcomes === 500)?.ece ?? null;
  const targets: Record<string, QualityTarget> = {
    area: { target: `normalised area ≥ ${t.area}`, value: convergentArea, met: convergentArea !== null && convergentArea >= t.area },
    loadVsRandom: { target: `≥ ${t.loadVsRandom}× less human load than random at equal failure`, value: comparisons.loadVsRandom, met: (comparisons.loadVsRandom ?? 0) >= t.loadVsRandom },
    loadVsA2i: { target: `≥ ${t.loadVsA2i * 100}% less human load than the tuned A2I threshold at equal failure`, value: comparisons.loadVsA2i, met: (comparisons.loadVsA2i ?? -Infinity) >= t.loadVsA2i },
    failureGapToOracle: { target: `failure within ${t.failureGapToOracle * 100} point of the oracle`, value: comparisons.failureGapToOracle, met: comparisons.failureGapToOracle <= t.failureGapToOracle },
    minutesVsOracle: { target: `≤ ${t.minutesVsOracle}× the oracle's human minutes`, value: comparisons.minutesVsOracle, met: (comparisons.minutesVsOracle ?? 0) <= t.minutesVsOracle },
    medianDetectionDelay: { target: `monitor: median detection delay ≤ ${t.medianDetectionDelay} attempts`, value: monitor.medianDetectionDelay, met: monitor.medianDetectionDelay <= t.medianDetectionDelay },
    falseEscalationsPer100: { target: `monitor: ≤ ${t.falseEscalationsPer100} false escalations per 100 converging runs`, value: monitor.falseEscalationsPer100, met: monitor.falseEscalationsPer100 <= t.falseEscalationsPer100 },
    wastedTokensReduction: { target: `monitor: ≥ ${t.wastedTokensReduction * 100}% fewer tokens wasted than a fixed attempt budget`, value: monitor.wastedTokens.reduction, met: monitor.wastedTokens.reduction >= t.wastedTokensReduction },
    eceAt500: { target: `ECE ≤ ${t.eceAt500} after 500 outcomes`, value: ece500, met: ece500 !== null && ece500 <= t.eceAt500 },
    recoveryTasks: { target: `back within target ≤ ${t.recoveryTasks} tasks after the shift`, value: shiftFigures.recoveryTasks, met: shiftFigures.recoveryTasks !== null && shiftFigures.recoveryTasks <= t.recoveryTasks },
  };

  // Per family: where the router's regret comes from, and how its routes differ from the oracle's.
  const oracleRoutes = oracle.strategy.routes(o.perMinute);
  const perFamily = new Map<string, { tasks: number; regret: number; router: Record<BenchRoute, number>; oracle: Record<BenchRoute, number> }>();
  test.tasks.forEach((task, i) => {
    const f = perFamily.get(task.latent.family) ?? { tasks: 0, regret: 0, router: { autonomous: 0, supervised: 0, human: 0 }, oracle: { autonomous: 0, supervised: 0, human: 0 } };
    const mine = routerRoutes(i, 0);
    const best = oracleRoutes(i, 0);
    f.tasks++;
    f.regret += expectedCost(test, i, mine, o.perMinute) - expectedCost(test, i, best, o.perMinute);
    f.router[mine]++;
    f.oracle[best]++;
    perFamily.set(task.latent.family, f);
  });
  return {
    config: {
      seed: o.seed,
      tasks: o.tasks,
      warmupTasks: o.warmupTasks,
      shiftTasks: o.shiftTasks,
      onlineTasks: o.onlineTasks,
      reps: o.reps,
      evalReps: o.evalReps,
      perMinute: o.perMinute,
      maxAttempts: loopDefaults.maxAttempts,
    },
    families: qualityFamilies.map((f) => {
      const x = perFamily.get(f.name);
      return {
        name: f.name,
        description: f.description,
        tasks: x?.tasks ?? 0,
        regretPerTask: x === undefined ? 0 : x.regret / x.tasks,
        routerMix: x?.router ?? { autonomous: 0, supervised: 0, human: 0 },
        oracleMix: x?.oracle ?? { autonomous: 0, supervised: 0, human: 0 },
      };
    }),
    routers,
    comparisons,
    monitor,
    calibration: ece,
    shift: shiftFigures,
    targets,
    seconds: (performance.now() - started) / 1000,
    node: process.versions.node,
    notes: [
      "Failure F is stakes-weighted (irreversible stakes ×3); human load is people's minutes as a share of always-human's; J adds agent dollars, minutes at the price per minute, and the stakes of undetected failures.",
      `Every router is scored on the same ${o.evalReps} realisations of each test task (common random numbers); the oracle picks the least expected cost from the latent truth (${o.reps} further realisations), the hindsight oracle the least realised cost.`,
      `Areas: the failure gap recovered (always-autonomous 0, always-human 1) integrated over human load 0..1 along each curve's lower envelope, normalised so random = 0.5 and the oracle = 1.`,
      `The router was calibrated on a warm-up stream of ${o.warmupTasks} tasks (a separate seed), where the A2I threshold (${a2iThreshold}) and the conformal quantile were also tuned.`,
      `Calibration error is measured on the test split's realised autonomous runs, with the calibration an online stream had after 0, 100, 500 and 2,000 outcomes; outcomes arrive after the true feedback latency (tasks every ${onlineArrivalSec} s).`,
      "Comparisons at equal failure interpolate both curves at the router's failure rate, or at the baseline's lowest failure rate when it never gets that low; regret is expected cost per task above the oracle's.",
    ],
  };
}
