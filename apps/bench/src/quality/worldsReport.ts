// The shape of ConvergeBench's report across generated worlds (`convergent bench quality --worlds N --json` prints
// it), as zod schemas with the types derived from them, and the options of `runWorldsBench`.
import { z } from "zod";

const routeSchema = z.enum(["autonomous", "supervised", "human"]);
const routeMixSchema = z.strictObject({ autonomous: z.number().int().min(0), supervised: z.number().int().min(0), human: z.number().int().min(0) });

/** Expected cost per task of every router compared, over one protocol's evaluated tasks. */
export const worldCostsSchema = z.strictObject({
  router: z.number().min(0).describe("Convergent's router."),
  alwaysAutonomous: z.number().min(0),
  alwaysSupervised: z.number().min(0),
  alwaysHuman: z.number().min(0),
  bestConstant: z.number().min(0).describe("The cheapest of the three constant routes on these tasks."),
  perKindConstant: z.number().min(0).describe("One route per kind, the cheapest on the world's training sample."),
  oracle: z.number().min(0).describe("Per task the route with the least expected cost given the truth."),
});

/** The figures of one protocol on one world. */
export const protocolFiguresSchema = z.strictObject({
  tasks: z.number().int().min(1).describe("Tasks the figures are over (the test tasks; the second half of the stream online)."),
  costPerTask: worldCostsSchema,
  bestConstantRoute: routeSchema,
  gapRecovered: z.number().nullable().describe("(best constant − router) / (best constant − oracle); null when the oracle is no cheaper than the best constant."),
  perKindGapRecovered: z.number().nullable().describe("The same for the per-kind constant route."),
  costRatio: z.number().min(0).describe("Router / best constant."),
  regretPerTask: z.number().describe("Router − oracle."),
  humanLoad: z.strictObject({ router: z.number().min(0), perKindConstant: z.number().min(0), oracle: z.number().min(0) }).describe("Expected people's minutes as a share of always-human's."),
  routerMix: routeMixSchema,
  oracleMix: routeMixSchema,
});

/** The online protocol's figures: the same over the stream's second half, plus what calibration received. */
export const onlineFiguresSchema = protocolFiguresSchema.extend({
  streamTasks: z.number().int().min(1),
  outcomesReceived: z.number().int().min(0).describe("Outcomes that reached calibration before the stream ended."),
  ece500: z.number().min(0).nullable().describe("ECE of the router's P(agent fails) on the world's test tasks with the calibration it had after 500 outcomes; null when fewer arrived."),
  ece500AtTask: z.number().int().min(0).nullable().describe("Stream task at which the 500th outcome arrived."),
});

/** One world's row of the report. */
export const worldResultSchema = z.strictObject({
  seed: z.number().int().min(0),
  split: z.enum(["held-out", "training"]),
  families: z.number().int().min(1),
  kinds: z.number().int().min(1),
  namespaces: z.number().int().min(1),
  archetypeShares: z.strictObject({ convergent: z.number(), divergent: z.number(), "open-ended": z.number(), mixed: z.number() }).describe("Share of the world's task weight per archetype."),
  perMinute: z.number().positive().describe("What a person's minute costs in the world."),
  measuredRates: z.boolean().describe("Whether the operator's policy carries people's error and catch rates counted on observed outcomes."),
  measuredKinds: z.number().int().min(0).describe("Kinds the operator's policy has measured minutes for."),
  zeroShot: protocolFiguresSchema,
  online: onlineFiguresSchema,
});

const statSchema = z.strictObject({ mean: z.number().nullable(), worst: z.number().nullable() });

/** Mean and worst of each figure over the worlds of one split, for one protocol. */
export const splitSummarySchema = z.strictObject({
  worlds: z.number().int().min(0),
  gapRecovered: statSchema.describe("Worst: the least."),
  perKindGapRecovered: statSchema,
  costRatio: statSchema.describe("Worst: the greatest."),
  humanLoad: statSchema.describe("Worst: the greatest."),
  ece500: statSchema.describe("Online only (null zero-shot). Worst: the greatest."),
});

const targetSchema = z.strictObject({ target: z.string(), value: z.number().nullable(), met: z.boolean() });

/** The report of ConvergeBench across worlds. */
export const worldsReportSchema = z.strictObject({
  config: z.strictObject({
    heldOutSeeds: z.array(z.number().int().min(0)),
    trainingSeeds: z.array(z.number().int().min(0)),
    zeroShotTasks: z.number().int().positive(),
    onlineTasks: z.number().int().positive(),
    trainingTasks: z.number().int().positive(),
    reps: z.number().int().positive(),
    onlineReps: z.number().int().positive(),
    onlineArrivalSec: z.number().positive(),
    eceOutcomes: z.number().int().positive(),
    maxAttempts: z.number().int().positive(),
  }),
  worlds: z.array(worldResultSchema),
  summary: z.strictObject({
    heldOut: z.strictObject({ zeroShot: splitSummarySchema, online: splitSummarySchema }),
    training: z.strictObject({ zeroShot: splitSummarySchema, online: splitSummarySchema }),
  }),
  targets: z.record(z.string(), targetSchema),
  seconds: z.number().min(0).describe("Wall time of the run (not deterministic; everything else is)."),
  node: z.string(),
  notes: z.array(z.string()),
});

/** The report of ConvergeBench across worlds. */
export type WorldsReport = z.infer<typeof worldsReportSchema>;

/** One world's row of the report. */
export type WorldResult = z.infer<typeof worldResultSchema>;

/** The figures of one protocol on one world. */
export type ProtocolFigures = z.infer<typeof protocolFiguresSchema>;

/** The online protocol's figures on one world. */
export type OnlineFigures = z.infer<typeof onlineFiguresSchema>;

/** Mean and worst figures over one split, for one protocol. */
export type SplitSummary = z.infer<typeof splitSummarySchema>;

/** Options of `runWorldsBench` (validated: they come from the command line). */
export const worldsBenchOptionsSchema = z.strictObject({
  heldOutWorlds: z.number().int().min(1).max(999).default(20).describe("Generated held-out worlds (seeds 1..N); world 0 is always held out too."),
  trainingWorlds: z.number().int().min(0).max(1000).default(10).describe("Training worlds (seeds 1000..1000 + N − 1)."),
  zeroShotTasks: z.number().int().min(50).default(2000).describe("Test tasks per world routed zero-shot (also where the online ECE is measured)."),
  onlineTasks: z.number().int().min(100).optional().describe("Tasks of each world's online stream; 5 × zeroShotTasks by default."),
  trainingTasks: z.number().int().min(50).optional().describe("Tasks of each world's training sample, where the per-kind constant route is tuned; 0.5 × zeroShotTasks by default."),
  reps: z.number().int().min(1).default(16).describe("Realisations behind each expected cost of the test tasks."),
  onlineReps: z.number().int().min(1).optional().describe("Realisations behind each expected cost of the stream's tasks; half of reps by default."),
});

/** Options of `runWorldsBench` as a caller gives them. */
export type WorldsBenchOptions = z.input<typeof worldsBenchOptionsSchema>;
