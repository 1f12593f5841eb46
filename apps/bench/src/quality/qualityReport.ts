// The shape of ConvergeBench's report (`convergent bench quality --json` prints it), as zod schemas so that
// consumers and the CI test can check a report, with the types derived from them.
import { z } from "zod";

const routeMixSchema = z.strictObject({ autonomous: z.number().int().min(0), supervised: z.number().int().min(0), human: z.number().int().min(0) });

/** The figures of one router at one setting. */
export const routeFiguresSchema = z.strictObject({
  failure: z.number().min(0).max(1).describe("Stakes-weighted failure rate F."),
  failureShare: z.number().min(0).max(1),
  humanLoad: z.number().min(0).describe("People's minutes as a share of always-human's."),
  humanMinutesPerTask: z.number().min(0),
  tokensPerTask: z.number().min(0),
  dollarsPerTask: z.number().min(0),
  costPerTask: z.number().min(0).describe("Realised total cost J per task."),
  expectedCostPerTask: z.number().min(0),
  routeMix: routeMixSchema,
});

const curvePointSchema = z.strictObject({ knob: z.number(), humanLoad: z.number().min(0), failure: z.number().min(0).max(1), costPerTask: z.number().min(0) });

/** One router's row of the report. */
export const routerResultSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  knob: z.string(),
  defaultKnob: z.number(),
  figures: routeFiguresSchema,
  regretPerTask: z.number().describe("Expected J per task above the oracle's."),
  curve: z.array(curvePointSchema),
  area: z.number().nullable().describe("Normalised area under the cost–failure curve: random 0.5, oracle 1."),
  loadFor95: z.number().nullable().describe("Human load needed to recover 95% of the failure gap between always-autonomous and the oracle."),
});

const eceSchema = z.strictObject({
  outcomes: z.number().int().min(0),
  ece: z.number().min(0).nullable(),
  atTask: z.number().int().min(0).nullable(),
  eceObservedKinds: z.number().min(0).nullable().describe("ECE over the tasks whose kind had agent outcomes of its own."),
  observedShare: z.number().min(0).max(1).nullable(),
});

const targetSchema = z.strictObject({ target: z.string(), value: z.number().nullable(), met: z.boolean() });

/** The report of `convergent bench quality`. */
export const qualityReportSchema = z.strictObject({
  config: z.strictObject({
    seed: z.number().int(),
    tasks: z.number().int().positive(),
    warmupTasks: z.number().int().positive(),
    shiftTasks: z.number().int().positive(),
    onlineTasks: z.number().int().positive(),
    reps: z.number().int().positive(),
    evalReps: z.number().int().positive(),
    perMinute: z.number().positive(),
    maxAttempts: z.number().int().positive(),
  }),
  families: z.array(
    z.strictObject({
      name: z.string(),
      description: z.string(),
      tasks: z.number().int().min(0),
      regretPerTask: z.number().describe("The router's expected cost per task of the family above the oracle's."),
      routerMix: routeMixSchema,
      oracleMix: routeMixSchema,
    }),
  ),
  routers: z.array(routerResultSchema),
  comparisons: z.strictObject({
    alwaysHumanMinutesPerTask: z.number().min(0),
    equalFailureVsRandom: z.number().describe("The failure rate at which the router and random are compared."),
    randomLoadAtEqualFailure: z.number().nullable(),
    routerLoadVsRandom: z.number().nullable(),
    equalFailureVsA2i: z.number(),
    a2iLoadAtEqualFailure: z.number().nullable(),
    routerLoadVsA2i: z.number().nullable(),
    a2iThreshold: z.number(),
    loadVsRandom: z.number().nullable().describe("Random's human load / the router's, at the router's failure rate."),
    loadVsA2i: z.number().nullable().describe("1 − the router's human load / A2I's, at the router's failure rate."),
    oracleLoadVsRandom: z.number().nullable().describe("The same ratio for the oracle at its own failure rate: what perfect routing achieves here."),
    oracleLoadVsA2i: z.number().nullable().describe("The same reduction for the oracle."),
    failureGapToOracle: z.number().describe("The router's F minus the oracle's, at the default price."),
    minutesVsOracle: z.number().nullable().describe("The router's human minutes / the oracle's, at the default price."),
  }),
  monitor: z.strictObject({
    loops: z.number().int().min(0),
    diverging: z.number().int().min(0),
    medianDetectionDelay: z.number().min(0),
    converging: z.number().int().min(0),
    falseEscalationsPer100: z.number().min(0),
    wastedTokens: z.strictObject({ monitor: z.number().min(0), fixedBudget: z.number().min(0), reduction: z.number() }),
    ends: z.record(z.string(), z.number().int().min(0)),
    runtimeDefaults: z.strictObject({ medianDetectionDelay: z.number().min(0), falseEscalationsPer100: z.number().min(0), wastedTokensReduction: z.number() }),
  }),
  calibration: z.array(eceSchema),
  shift: z.strictObject({
    family: z.string(),
    change: z.string(),
    at: z.number().int().min(0),
    tasks: z.number().int().positive(),
    regretBefore: z.number(),
    regretJustAfter: z.number(),
    regretAtEnd: z.number(),
    threshold: z.number().nullable(),
    window: z.number().int().positive(),
    recoveryTasks: z.number().int().min(0).nullable(),
    rolling: z.array(z.strictObject({ task: z.number().int().min(0), regret: z.number() })),
  }),
  targets: z.record(z.string(), targetSchema),
  seconds: z.number().min(0).describe("Wall time of the run (not deterministic; everything else is)."),
  node: z.string(),
  notes: z.array(z.string()),
});

/** The report of `convergent bench quality`. */
export type QualityReport = z.infer<typeof qualityReportSchema>;

/** One router's row of the report. */
export type RouterResult = z.infer<typeof routerResultSchema>;

/** One target: what it asks, the measured value, and whether it was met. */
export type QualityTarget = z.infer<typeof targetSchema>;

/** Options of `runQualityBench` (validated: they come from the command line). */
export const qualityBenchOptionsSchema = z.strictObject({
  tasks: z.number().int().min(50).default(10_000).describe("Tasks of the i.i.d. test split."),
  warmupTasks: z.number().int().min(50).optional().describe("Tasks of the warm-up stream (calibration and baseline tuning; a separate seed); 0.3 × tasks by default."),
  shiftTasks: z.number().int().min(50).optional().describe("Tasks of the stream with a mid-stream shift; 0.6 × tasks by default."),
  onlineTasks: z.number().int().min(50).optional().describe("Tasks of the online stream with delayed outcomes; 0.5 × tasks by default."),
  reps: z.number().int().min(1).default(16).describe("Realisations behind each expected cost."),
  evalReps: z.number().int().min(1).default(8).describe("Realisations of each test task every router is scored on."),
  seed: z.number().int().min(0).default(1).describe("Seed of everything."),
  perMinute: z.number().positive().default(1).describe("What a person's minute costs, in dollars."),
});

/** Options of `runQualityBench` as a caller gives them. */
export type QualityBenchOptions = z.input<typeof qualityBenchOptionsSchema>;
