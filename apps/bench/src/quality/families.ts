// ConvergeBench's task families: how the latent truth of each kind of work is distributed, and how
// badly the signals a team declares for it reflect that truth. The router never reads these numbers.

/** A closed range `[min, max]`. */
export type Range = readonly [number, number];

/** How the declared (observed) signals of a family deviate from the latent ones. */
export interface ObservationNoise {
  /** Declared latency = true latency × bias × lognormal(σ); missing with the given share. */
  readonly latencyBias: number;
  readonly latencySigma: number;
  readonly latencyMissing: number;
  /** Declared closure = true closure + bias + normal(σ), clamped to [0, 1]; missing with the given share. */
  readonly closureBias: number;
  readonly closureSigma: number;
  readonly closureMissing: number;
  /** Declared half-life = true half-life × bias × lognormal(σ); missing with the given share. */
  readonly driftBias: number;
  readonly driftSigma: number;
  readonly driftMissing: number;
}

/** The latent distribution of one family of work. */
export interface QualityFamily {
  readonly name: string;
  /** What the family is, in words (shown in the report). */
  readonly description: string;
  /** Relative share of tasks. */
  readonly weight: number;
  readonly kinds: readonly string[];
  /** Kinds whose tools have side effects: a LangChain interrupt-on-tool setup pauses them for approval. */
  readonly interruptKinds: readonly string[];
  /** True feedback latency in seconds (log-uniform); `nullLatency` is the share where feedback never arrives. */
  readonly latency: Range;
  readonly nullLatency: number;
  /** True rule closure. */
  readonly closure: Range;
  /** True drift half-life in seconds (log-uniform); `nullDrift` is the share that does not drift. */
  readonly drift: Range;
  readonly nullDrift: number;
  /** Horizon in seconds (log-uniform). */
  readonly horizon: Range;
  /** Stakes cost (log-uniform) and the share of reversible tasks. */
  readonly cost: Range;
  readonly reversible: number;
  /** Agent skill: the initial error of an attempt is about 1 − skill. */
  readonly skill: Range;
  /** η: share of the checkable error one feedback cycle repairs. */
  readonly repair: Range;
  /** New error per attempt per unit of error already made (errors make new ones likelier). */
  readonly compounding: Range;
  /** A person doing the task alone: minutes (log-uniform) and error rate. */
  readonly humanMinutes: Range;
  readonly humanError: Range;
  /** A reviewer approving an agent's result: minutes (log-uniform) and the share of bad results caught. */
  readonly reviewMinutes: Range;
  readonly reviewCatch: Range;
  /** Tokens per agent attempt (log-uniform). */
  readonly tokens: Range;
  /** Share of the unchecked error the agent itself perceives (drives its post-run confidence). */
  readonly visibility: number;
  /** Logit the agent adds to its confidence: > 0 is overconfident. */
  readonly overconfidence: number;
  readonly noise: ObservationNoise;
}

const s = 1;
const minute = 60;
const hour = 3600;
const day = 86_400;
const year = 365 * day;

const honest: ObservationNoise = {
  latencyBias: 1,
  latencySigma: 0.4,
  latencyMissing: 0.05,
  closureBias: 0.05,
  closureSigma: 0.08,
  closureMissing: 0.05,
  driftBias: 1.5,
  driftSigma: 0.6,
  driftMissing: 0.15,
};

/**
 * The twelve families ConvergeBench draws from. Their values come from what the work is like (a test suite
 * answers in seconds, a seed investment in years; bids drift within hours), not from the router's model.
 */
export const qualityFamilies: readonly QualityFamily[] = [
  {
    name: "code",
    description: "code changes checked by a test suite",
    weight: 16,
    kinds: ["code.fix-test", "code.refactor", "code.upgrade-dep"],
    interruptKinds: [],
    latency: [5 * s, 10 * minute],
    nullLatency: 0.01,
    closure: [0.6, 0.97],
    drift: [180 * day, 5 * year],
    nullDrift: 0.3,
    horizon: [10 * minute, 4 * hour],
    cost: [5, 3000],
    reversible: 0.95,
    skill: [0.45, 0.9],
    repair: [0.4, 0.8],
    compounding: [0.02, 0.12],
    humanMinutes: [20, 120],
    humanError: [0.03, 0.08],
    reviewMinutes: [5, 20],
    reviewCatch: [0.75, 0.95],
    tokens: [8000, 40_000],
    visibility: 0.6,
    overconfidence: 0.3,
    noise: { ...honest, closureBias: 0.05 },
  },
  {
    name: "data",
    description: "data transformations checked by a schema validator",
    weight: 10,
    kinds: ["data.transform", "data.backfill", "data.migrate"],
    interruptKinds: ["data.migrate", "data.backfill"],
    latency: [30 * s, hour],
    nullLatency: 0.03,
    closure: [0.45, 0.9],
    drift: [30 * day, 2 * year],
    nullDrift: 0.1,
    horizon: [30 * minute, day],
    cost: [20, 20_000],
    reversible: 0.6,
    skill: [0.45, 0.85],
    repair: [0.4, 0.7],
    compounding: [0.05, 0.15],
    humanMinutes: [30, 180],
    humanError: [0.04, 0.1],
    reviewMinutes: [10, 30],
    reviewCatch: [0.7, 0.9],
    tokens: [10_000, 60_000],
    visibility: 0.5,
    overconfidence: 0.4,
    noise: { ...honest, closureBias: 0.1, closureSigma: 0.1 },
  },
  {
    name: "bids",
    description: "ad bid tuning: fast feedback, fast drift",
    weight: 6,
    kinds: ["ads.bid-tune", "ads.budget-shift"],
    interruptKinds: ["ads.budget-shift"],
    latency: [10 * minute, 2 * hour],
    nullLatency: 0,
    closure: [0.7, 0.95],
    drift: [2 * hour, 3 * day],
    nullDrift: 0,
    horizon: [hour, 2 * day],
    cost: [50, 5000],
    reversible: 0.9,
    skill: [0.55, 0.9],
    repair: [0.5, 0.8],
    compounding: [0.05, 0.2],
    humanMinutes: [15, 60],
    humanError: [0.08, 0.2],
    reviewMinutes: [3, 10],
    reviewCatch: [0.4, 0.7],
    tokens: [3000, 10_000],
    visibility: 0.4,
    overconfidence: 0.6,
    noise: { ...honest, driftBias: 3, driftSigma: 0.8 },
  },
  {
    name: "support",
    description: "customer support replies",
    weight: 14,
    kinds: ["support.reply", "support.reply-billing", "support.triage"],
    interruptKinds: ["support.reply-billing"],
    latency: [10 * minute, 2 * day],
    nullLatency: 0.2,
    closure: [0.2, 0.6],
    drift: [7 * day, 180 * day],
    nullDrift: 0.02,
    horizon: [10 * minute, day],
    cost: [5, 500],
    reversible: 0.5,
    skill: [0.55, 0.9],
    repair: [0.3, 0.6],
    compounding: [0.05, 0.2],
    humanMinutes: [5, 15],
    humanError: [0.03, 0.08],
    reviewMinutes: [1, 4],
    reviewCatch: [0.8, 0.95],
    tokens: [2000, 8000],
    visibility: 0.3,
    overconfidence: 0.8,
    noise: { ...honest, closureBias: 0.15, closureSigma: 0.12, latencyMissing: 0.15 },
  },
  {
    name: "legal",
    description: "legal review of contracts",
    weight: 5,
    kinds: ["legal.contract-review", "legal.nda"],
    interruptKinds: ["legal.contract-review", "legal.nda"],
    latency: [30 * day, year],
    nullLatency: 0.5,
    closure: [0.1, 0.4],
    drift: [180 * day, 5 * year],
    nullDrift: 0.2,
    horizon: [hour, 2 * day],
    cost: [2000, 200_000],
    reversible: 0.2,
    skill: [0.4, 0.7],
    repair: [0.2, 0.5],
    compounding: [0.1, 0.3],
    humanMinutes: [60, 240],
    humanError: [0.03, 0.06],
    reviewMinutes: [20, 60],
    reviewCatch: [0.6, 0.85],
    tokens: [20_000, 80_000],
    visibility: 0.3,
    overconfidence: 1,
    noise: { ...honest, closureBias: 0.1 },
  },
  {
    name: "hiring",
    description: "screening candidates and drafting offers",
    weight: 4,
    kinds: ["hiring.screen", "hiring.offer"],
    interruptKinds: ["hiring.offer"],
    latency: [90 * day, year],
    nullLatency: 0.4,
    closure: [0.05, 0.3],
    drift: [90 * day, 2 * year],
    nullDrift: 0.1,
    horizon: [30 * minute, day],
    cost: [1000, 50_000],
    reversible: 0.1,
    skill: [0.3, 0.6],
    repair: [0.2, 0.5],
    compounding: [0.1, 0.3],
    humanMinutes: [20, 90],
    humanError: [0.1, 0.2],
    reviewMinutes: [10, 30],
    reviewCatch: [0.5, 0.7],
    tokens: [5000, 20_000],
    visibility: 0.2,
    overconfidence: 1.2,
    noise: { ...honest, closureBias: 0.1, latencyMissing: 0.2 },
  },
  {
    name: "invest",
    description: "investment decisions",
    weight: 2,
    kinds: ["invest.seed", "invest.rebalance"],
    interruptKinds: ["invest.seed", "invest.rebalance"],
    latency: [30 * day, 5 * year],
    nullLatency: 0.3,
    closure: [0.02, 0.25],
    drift: [90 * day, year],
    nullDrift: 0,
    horizon: [day, 30 * day],
    cost: [10_000, 1_000_000],
    reversible: 0.05,
    skill: [0.2, 0.5],
    repair: [0.2, 0.4],
    compounding: [0.1, 0.3],
    humanMinutes: [240, 1200],
    humanError: [0.2, 0.4],
    reviewMinutes: [60, 180],
    reviewCatch: [0.4, 0.6],
    tokens: [20_000, 100_000],
    visibility: 0.2,
    overconfidence: 1.5,
    noise: { ...honest, latencyBias: 0.5, closureBias: 0.1 },
  },
  {
    name: "incident",
    description: "incident response during an outage",
    weight: 5,
    kinds: ["ops.incident", "ops.rollback"],
    interruptKinds: ["ops.incident", "ops.rollback"],
    latency: [30 * s, 15 * minute],
    nullLatency: 0.05,
    closure: [0.4, 0.8],
    drift: [10 * minute, 6 * hour],
    nullDrift: 0,
    horizon: [5 * minute, 2 * hour],
    cost: [500, 100_000],
    reversible: 0.5,
    skill: [0.4, 0.8],
    repair: [0.4, 0.7],
    compounding: [0.1, 0.3],
    humanMinutes: [30, 120],
    humanError: [0.05, 0.15],
    reviewMinutes: [5, 15],
    reviewCatch: [0.6, 0.85],
    tokens: [10_000, 50_000],
    visibility: 0.5,
    overconfidence: 0.7,
    noise: { ...honest, driftBias: 2, driftMissing: 0.3 },
  },
  {
    name: "translation",
    description: "translation with a glossary check",
    weight: 8,
    kinds: ["i18n.translate-ui", "i18n.translate-docs"],
    interruptKinds: [],
    latency: [2 * s, minute],
    nullLatency: 0,
    closure: [0.4, 0.8],
    drift: [30 * day, year],
    nullDrift: 0.05,
    horizon: [5 * minute, 4 * hour],
    cost: [5, 3000],
    reversible: 0.95,
    skill: [0.55, 0.9],
    repair: [0.4, 0.7],
    compounding: [0.02, 0.08],
    humanMinutes: [15, 90],
    humanError: [0.03, 0.06],
    reviewMinutes: [5, 15],
    reviewCatch: [0.7, 0.9],
    tokens: [5000, 30_000],
    visibility: 0.4,
    overconfidence: 0.5,
    noise: honest,
  },
  {
    name: "scheduling",
    description: "scheduling meetings and shifts against constraints",
    weight: 10,
    kinds: ["ops.schedule", "calendar.schedule"],
    interruptKinds: [],
    latency: [s, 30 * s],
    nullLatency: 0,
    closure: [0.8, 1],
    drift: [day, 30 * day],
    nullDrift: 0.1,
    horizon: [minute, hour],
    cost: [5, 500],
    reversible: 0.9,
    skill: [0.6, 0.95],
    repair: [0.5, 0.9],
    compounding: [0.01, 0.05],
    humanMinutes: [5, 20],
    humanError: [0.02, 0.05],
    reviewMinutes: [1, 3],
    reviewCatch: [0.8, 0.95],
    tokens: [1000, 5000],
    visibility: 0.7,
    overconfidence: 0.2,
    noise: honest,
  },
  {
    name: "refunds",
    description: "approving refunds",
    weight: 8,
    kinds: ["payments.refund"],
    interruptKinds: ["payments.refund"],
    latency: [hour, 7 * day],
    nullLatency: 0.05,
    closure: [0.4, 0.8],
    drift: [30 * day, year],
    nullDrift: 0.1,
    horizon: [5 * minute, hour],
    cost: [20, 50_000],
    reversible: 0.1,
    skill: [0.6, 0.9],
    repair: [0.4, 0.7],
    compounding: [0.05, 0.15],
    humanMinutes: [5, 20],
    humanError: [0.02, 0.05],
    reviewMinutes: [2, 5],
    reviewCatch: [0.8, 0.95],
    tokens: [2000, 6000],
    visibility: 0.5,
    overconfidence: 0.5,
    noise: honest,
  },
  {
    name: "content",
    description: "marketing plans and long-form content",
    weight: 6,
    kinds: ["content.marketing-plan", "content.blog-post"],
    interruptKinds: [],
    latency: [30 * day, 120 * day],
    nullLatency: 0.2,
    closure: [0.1, 0.3],
    drift: [30 * day, 120 * day],
    nullDrift: 0,
    horizon: [day, 14 * day],
    cost: [100, 20_000],
    reversible: 0.8,
    skill: [0.4, 0.7],
    repair: [0.2, 0.5],
    compounding: [0.1, 0.3],
    humanMinutes: [120, 600],
    humanError: [0.1, 0.2],
    reviewMinutes: [20, 60],
    reviewCatch: [0.5, 0.7],
    tokens: [20_000, 80_000],
    visibility: 0.2,
    overconfidence: 1,
    noise: { ...honest, closureBias: 0.15 },
  },
];

/** Dollars per agent token in the simulation (a mid-priced model, prompt and completion together). */
export const dollarsPerToken = 5e-6;

/** The family a kind belongs to. */
export function familyOfKind(kind: string): QualityFamily | undefined {
  return qualityFamilies.find((f) => f.kinds.includes(kind));
}
