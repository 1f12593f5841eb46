// Calibration: a Beta–Bernoulli posterior of failure per task kind and route, with the convergence model as prior.
import { z } from "zod";
import { ConvergentError } from "./errors.js";
import { contentHash } from "./hash.js";
import { problemsFromZod } from "./problems.js";
import { type Route, routeSchema } from "./taskSchema.js";

/** How a run ended, as fed back to calibration. */
export const outcomeKinds = ["succeeded", "failed", "overridden"] as const;

/** One outcome: the run of a task of `kind` on `route` ended as `outcome`. */
export const outcomeSchema = z.strictObject({
  kind: z.string().min(1),
  route: routeSchema,
  outcome: z.enum(outcomeKinds).describe("overridden: a person rejected or replaced the result; counts as a failure of that route."),
  modelFailure: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      "The convergence model's P(agent fails) for the task when it was decided (Decision.calibration.modelFailure). With it, calibration learns how far the model is off instead of replacing it by the kind's average.",
    ),
});

/** One outcome fed to calibration. */
export type Outcome = z.infer<typeof outcomeSchema>;

/** Outcomes that carried the model's estimate, in one bin of that estimate. */
export const modelBinSchema = z.strictObject({
  bin: z.number().int().min(0),
  outcomes: z.number().int().min(1),
  failures: z.number().int().min(0),
  expected: z.number().min(0).describe("The sum of the model's estimates of these outcomes."),
});

/** Counts for one kind and route. */
export const calibrationEntrySchema = z.strictObject({
  kind: z.string().min(1),
  route: routeSchema,
  successes: z.number().int().min(0),
  failures: z.number().int().min(0),
  overridden: z.number().int().min(0).optional().describe("Autonomous entries: how many of the failures were overridden (the run escalated and a person took over)."),
  modelled: z.array(modelBinSchema).optional().describe("The part of these counts that carried the model's estimate, per bin of it."),
});

/** A calibration snapshot as JSON: the counts and their content id. */
export const calibrationSnapshotSchema = z.strictObject({
  version: z.literal(1),
  id: z.string(),
  entries: z.array(calibrationEntrySchema),
});

/** A calibration snapshot as JSON. */
export type CalibrationSnapshot = z.infer<typeof calibrationSnapshotSchema>;

/** Successes and failures observed. */
export interface Counts {
  readonly successes: number;
  readonly failures: number;
}

/** The failure estimate for one route of one task. */
export interface FailureEstimate {
  /** The probability the router uses (the mean, or the pessimistic bound of a risk-averse policy). */
  readonly probability: number;
  /** What the model alone said. */
  readonly prior: number;
  /** Outcomes behind the estimate. */
  readonly observations: number;
}

/**
 * Outcomes per task kind and route. The agent's failure probability pools the autonomous and supervised
 * routes (the same agent does the work on both); the human error rate comes from the human route.
 */
export interface Calibration {
  /** Records one outcome. */
  recordOutcome(outcome: Outcome): void;
  /** Adds every count of a snapshot (validated), e.g. the outcomes a store kept across restarts. */
  absorb(snapshot: unknown): void;
  /** Agent outcomes for a kind (autonomous and supervised runs). */
  agentCounts(kind: string): Counts;
  /** Human outcomes for a kind. */
  humanCounts(kind: string): Counts;
  /**
   * The agent's failure prior for a task of `kind` whose model estimate is `modelFailure`, corrected by the outcomes
   * that carried a model estimate (a monotone map of the estimate learned over every kind, then the kind's own ratio
   * of failures to that map's expectation, each shrunk by `strength` pseudo-outcomes; the map alone may only raise
   * the estimate of a kind without outcomes of its own), and the counts of the agent outcomes that carried no
   * estimate (for the Beta update on top).
   */
  agentPrior(kind: string, modelFailure: number, strength: number): { readonly prior: number; readonly counts: Counts };
  /**
   * The share of an autonomous agent's failures that show while it runs (the run escalates and a person takes
   * over, recorded as `overridden`) rather than later (`failed`): the model's share `modelShare` updated with the
   * autonomous failures of every kind, then of its namespace (`data` for `data.transform`), then its own (those two with the
   * calibration's memory), each worth `strength` pseudo-outcomes.
   */
  visibleShare(kind: string, modelShare: number, strength: number): number;
  /** The counts as JSON, with a content id that decisions name. */
  snapshot(): CalibrationSnapshot;
  /** The content id of the current counts. */
  readonly snapshotId: string;
}

const zero: Counts = { successes: 0, failures: 0 };

/**
 * Creates a calibration, empty or restored from a snapshot (validated; a bad one throws `INVALID_CALIBRATION`).
 *
 * @example
 * ```ts
 * const calibration = createCalibration();
 * calibration.recordOutcome({ kind: "code.fix-test", route: "autonomous", outcome: "succeeded" });
 * const restored = createCalibration(JSON.parse(JSON.stringify(calibration.snapshot())));
 * ```
 */
export function createCalibration(snapshot?: unknown, options: CalibrationOptions = {}): Calibration {
  const memory = options.memory ?? calibrationDefaults.memory;
  if (!(memory > 0)) throw new ConvergentError("INVALID_INPUT", `createCalibration: memory must be a positive number of outcomes, got ${memory}`);
  const decay = Number.isFinite(memory) ? 2 ** (-1 / memory) : 1;
  const byKey = new Map<string, { successes: number; failures: number }>();
  // Autonomous failures that showed while running (overridden) and all autonomous failures, per kind and overall.
  const autonomousFailures = new Map<string, { overridden: number; failures: number }>();
  const allAutonomousFailures = { overridden: 0, failures: 0 };
  const overriddenByKey = new Map<string, number>();
  const agent = new Map<string, { successes: number; failures: number }>();
  const human = new Map<string, { successes: number; failures: number }>();
  let cachedId: string | undefined;

  // Agent outcomes that carried the model's estimate, per kind and over every kind, in bins of the estimate.
  const modelled = new Map<string, BinStats[]>();
  const modelledByKey = new Map<string, BinStats[]>();
  const global: BinStats[] = emptyBins();
  let globalVersion = 0;
  let mapCache: { version: number; strength: number; map: (p: number) => number } | undefined;
  const kindCache = new Map<string, { version: number; strength: number; ratio: number; weight: number; counts: Counts }>();

  const addModelled = (kind: string, route: Route, bin: number, outcomes: number, failures: number, expected: number, fresh: boolean) => {
    const key = `${route}\u0000${kind}`;
    const kindBins = modelled.get(kind) ?? setNew(modelled, kind);
    const nsKey = namespaceKey(kind);
    const namespaceBins = modelled.get(nsKey) ?? setNew(modelled, nsKey);
    // A fresh outcome makes the kind's (and its namespace's) older ones count a little less, so the correction follows
    // a kind that changed.
    if (fresh && decay < 1) {
      for (const bins of [kindBins, namespaceBins]) {
        for (const b of bins) {
          b.outcomes *= decay;
          b.failures *= decay;
          b.expected *= decay;
        }
      }
    }
    for (const bins of [modelledByKey.get(key) ?? setNew(modelledByKey, key), kindBins, namespaceBins, global]) {
      const b = bins[bin]!;
      b.outcomes += outcomes;
      b.failures += failures;
      b.expected += expected;
    }
    globalVersion++;
  };

  const addOverridden = (kind: string, route: Route, failures: number, overridden: number, fresh: boolean) => {
    if (route !== "autonomous") return;
    if (overridden > 0) {
      const key = `${route}\u0000${kind}`;
      overriddenByKey.set(key, (overriddenByKey.get(key) ?? 0) + overridden);
    }
    // Per kind and per namespace with the calibration's memory (a fresh failure makes older ones count less).
    for (const key of [kind, namespaceKey(kind)]) {
      const entry = autonomousFailures.get(key) ?? { overridden: 0, failures: 0 };
      if (fresh && decay < 1) {
        entry.overridden *= decay;
        entry.failures *= decay;
      }
      entry.overridden += overridden;
      entry.failures += failures;
      autonomousFailures.set(key, entry);
    }
    allAutonomousFailures.overridden += overridden;
    allAutonomousFailures.failures += failures;
  };

  const add = (kind: string, route: Route, successes: number, failures: number) => {
    const key = `${route}\u0000${kind}`;
    const entry = byKey.get(key) ?? { successes: 0, failures: 0 };
    entry.successes += successes;
    entry.failures += failures;
    byKey.set(key, entry);
    const pool = route === "human" ? human : agent;
    const pooled = pool.get(kind) ?? { successes: 0, failures: 0 };
    pooled.successes += successes;
    pooled.failures += failures;
    pool.set(kind, pooled);
    cachedId = undefined;
  };

  const absorb = (value: unknown) => {
    const parsed = calibrationSnapshotSchema.safeParse(value, { reportInput: true });
    if (!parsed.success) {
      const problems = problemsFromZod(parsed.error.issues);
      throw new ConvergentError(
        "INVALID_CALIBRATION",
        `Invalid calibration snapshot:\n${problems.map((p) => `${p.path || "snapshot"}: ${p.message}`).join("\n")}`,
        { problems },
      );
    }
    for (const e of parsed.data.entries) {
      add(e.kind, e.route, e.successes, e.failures);
      // Snapshots without the overridden count leave the split of failures to the model.
      if (e.overridden !== undefined) addOverridden(e.kind, e.route, e.failures, Math.min(e.overridden, e.failures), false);
      if (e.route === "human" || e.modelled === undefined) continue;
      for (const b of e.modelled) if (b.bin < modelBins) addModelled(e.kind, e.route, b.bin, b.outcomes, b.failures, b.expected, false);
    }
  };
  if (snapshot !== undefined) absorb(snapshot);

  const entries = () =>
    [...byKey.entries()]
      .map(([key, counts]) => {
        const [route, kind] = key.split("\u0000") as [Route, string];
        const bins = modelledByKey.get(key);
        const list = bins === undefined ? [] : bins.flatMap((b, bin) => (b.outcomes === 0 ? [] : [{ bin, outcomes: b.outcomes, failures: b.failures, expected: b.expected }]));
        // Only autonomous runs' overridden failures matter (they teach what shows while an agent runs alone).
        const overridden = route === "autonomous" ? (overriddenByKey.get(key) ?? 0) : 0;
        return {
          kind,
          route,
          successes: counts.successes,
          failures: counts.failures,
          ...(overridden > 0 ? { overridden } : {}),
          ...(list.length > 0 ? { modelled: list } : {}),
        };
      })
      .sort((x, y) => (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : x.route < y.route ? -1 : x.route > y.route ? 1 : 0));

  return {
    recordOutcome(outcome) {
      const parsed = outcomeSchema.safeParse(outcome, { reportInput: true });
      if (!parsed.success) {
        const problems = problemsFromZod(parsed.error.issues);
        throw new ConvergentError("INVALID_INPUT", `Invalid outcome: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`, { problems });
      }
      const ok = parsed.data.outcome === "succeeded";
      add(parsed.data.kind, parsed.data.route, ok ? 1 : 0, ok ? 0 : 1);
      if (!ok) addOverridden(parsed.data.kind, parsed.data.route, 1, parsed.data.outcome === "overridden" ? 1 : 0, true);
      const m = parsed.data.modelFailure;
      if (m !== undefined && parsed.data.route !== "human") addModelled(parsed.data.kind, parsed.data.route, binOf(m), 1, ok ? 0 : 1, m, true);
    },
    absorb,
    agentCounts: (kind) => agent.get(kind) ?? zero,
    visibleShare(kind, modelShare, strength) {
      const all = allAutonomousFailures;
      if (all.failures === 0) return modelShare;
      const pooled = (all.overridden + strength * modelShare) / (all.failures + strength);
      const shrink = (entry: { overridden: number; failures: number } | undefined, toward: number) =>
        entry === undefined ? toward : (entry.overridden + strength * toward) / (entry.failures + strength);
      return shrink(autonomousFailures.get(kind), shrink(autonomousFailures.get(namespaceKey(kind)), pooled));
    },
    agentPrior(kind, modelFailure, strength) {
      const all = agent.get(kind) ?? zero;
      if (globalVersion === 0) return { prior: modelFailure, counts: all };
      if (mapCache === undefined || mapCache.version !== globalVersion || mapCache.strength !== strength) {
        mapCache = { version: globalVersion, strength, map: monotoneMap(global, strength) };
      }
      const map = mapCache.map;
      let k = kindCache.get(kind);
      if (k === undefined || k.version !== globalVersion || k.strength !== strength) {
        // The kind's namespace (the first segment of its dotted name) first, then the kind, each shrunk toward the level above.
        const family = totals(modelled.get(namespaceKey(kind)), map);
        const familyRatio = shrunkRatio(family, 1, strength);
        const own = totals(modelled.get(kind), map);
        const ratio = shrunkRatio(own, familyRatio, strength);
        const n = family.n;
        let modelledOutcomes = 0;
        let modelledFailures = 0;
        for (const route of ["autonomous", "supervised"] as const) {
          for (const b of modelledByKey.get(`${route}\u0000${kind}`) ?? []) {
            modelledOutcomes += b.outcomes;
            modelledFailures += b.failures;
          }
        }
        const counts = { successes: all.successes - (modelledOutcomes - modelledFailures), failures: all.failures - modelledFailures };
        k = { version: globalVersion, strength, ratio, weight: n / (n + strength), counts };
        kindCache.set(kind, k);
      }
      // Other kinds' outcomes may warn about a kind but not vouch for it: until the kind's namespace has outcomes of
      // its own (weight → 1), the map may raise the model's estimate but not lower it.
      const mapped = map(modelFailure);
      const own = k.ratio * mapped;
      const borrowed = mapped > modelFailure ? mapped : modelFailure;
      const prior = k.weight * own + (1 - k.weight) * borrowed;
      return { prior: prior > 1 ? 1 : prior, counts: k.counts };
    },
    humanCounts: (kind) => human.get(kind) ?? zero,
    snapshot() {
      const list = entries();
      return { version: 1, id: contentHash(list), entries: list };
    },
    get snapshotId() {
      cachedId ??= contentHash(entries());
      return cachedId;
    },
  };
}

/** Options of {@link createCalibration}. */
export interface CalibrationOptions {
  /**
   * Outcomes of a kind after which an outcome's weight in the kind's model-relative correction has halved (100 by
   * default; `Infinity` never forgets). Recent outcomes then outweigh old ones, so a kind that changed is relearnt.
   */
  readonly memory?: number;
}

/** The defaults of {@link CalibrationOptions}. */
export const calibrationDefaults = { memory: 100 } as const;

/** The key under which a kind's namespace (`data` for `data.transform`) is kept beside the kinds. */
function namespaceKey(kind: string): string {
  const dot = kind.indexOf(".");
  return `\u0000${dot < 0 ? kind : kind.slice(0, dot)}`;
}

/** Outcomes, failures and what the map expected of them, over some bins. */
function totals(bins: readonly BinStats[] | undefined, map: (p: number) => number): { n: number; failures: number; expected: number } {
  let n = 0;
  let failures = 0;
  let expected = 0;
  if (bins !== undefined) {
    for (const b of bins) {
      if (b.outcomes === 0) continue;
      n += b.outcomes;
      failures += b.failures;
      expected += b.outcomes * map(b.expected / b.outcomes);
    }
  }
  return { n, failures, expected };
}

/** Failures over expectation, with `strength` pseudo-outcomes at the ratio `toward`. */
function shrunkRatio(t: { n: number; failures: number; expected: number }, toward: number, strength: number): number {
  if (t.n === 0 || t.expected <= 0) return toward;
  const mean = t.expected / t.n;
  return (t.failures + strength * mean * toward) / (t.expected + strength * mean);
}

/** Bins of the model's failure estimate in which calibration keeps the outcomes that carried one. */
export const modelBins = 10;

interface BinStats {
  outcomes: number;
  failures: number;
  expected: number;
}

const emptyBins = (): BinStats[] => Array.from({ length: modelBins }, () => ({ outcomes: 0, failures: 0, expected: 0 }));

function setNew(map: Map<string, BinStats[]>, key: string): BinStats[] {
  const bins = emptyBins();
  map.set(key, bins);
  return bins;
}

function binOf(p: number): number {
  const b = Math.floor(p * modelBins);
  return b < 0 ? 0 : b >= modelBins ? modelBins - 1 : b;
}

/**
 * A monotone map from the model's estimate to the observed failure rate: each bin's rate shrunk toward the model
 * by `strength` pseudo-outcomes, made non-decreasing by pooling adjacent violators, and interpolated linearly
 * between the bins' mean estimates (outside them, the nearest bin's ratio to the model). Identity without data.
 */
export function monotoneMap(bins: readonly { outcomes: number; failures: number; expected: number }[], strength: number): (p: number) => number {
  const points: { x: number; y: number; w: number }[] = [];
  for (const b of bins) {
    if (b.outcomes === 0) continue;
    const x = b.expected / b.outcomes;
    points.push({ x, y: (b.failures + strength * x) / (b.outcomes + strength), w: b.outcomes + strength });
  }
  if (points.length === 0) return (p) => p;
  // Pool adjacent violators (weighted), keeping each block's points at their own x.
  const blocks: { y: number; w: number; from: number; to: number }[] = [];
  points.forEach((pt, i) => {
    blocks.push({ y: pt.y, w: pt.w, from: i, to: i });
    while (blocks.length > 1 && blocks[blocks.length - 2]!.y > blocks[blocks.length - 1]!.y) {
      const b = blocks.pop()!;
      const a = blocks.pop()!;
      blocks.push({ y: (a.y * a.w + b.y * b.w) / (a.w + b.w), w: a.w + b.w, from: a.from, to: b.to });
    }
  });
  for (const b of blocks) for (let i = b.from; i <= b.to; i++) points[i]!.y = b.y;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  return (p) => {
    // Ratios first: p · y / x loses everything to underflow when x is subnormal.
    if (p <= first.x) return first.x <= 0 ? first.y : first.y * Math.min(1, p / first.x);
    if (p >= last.x) return last.x <= 0 ? last.y : Math.min(1, Math.max(last.y, last.y * (p / last.x)));
    let i = 1;
    while (points[i]!.x < p) i++;
    const a = points[i - 1]!;
    const b = points[i]!;
    return b.x === a.x ? b.y : a.y + ((p - a.x) / (b.x - a.x)) * (b.y - a.y);
  };
}

/**
 * The posterior failure probability: Beta prior with mean `prior` and `strength` pseudo-outcomes, updated
 * with `counts`. With `z` > 0 it returns the pessimistic bound mean + z·sd (normal approximation, the spread taken
 * at min(mean, 0.5) so the bound is monotone in the mean), capped at 1.
 */
export function posteriorFailure(prior: number, strength: number, counts: Counts, z: number): FailureEstimate {
  const n = counts.successes + counts.failures;
  const mean = (strength * prior + counts.failures) / (strength + n);
  // The spread is taken at min(mean, 0.5) so the bound never falls as the mean rises (keeps routing monotone).
  const v = mean < 0.5 ? mean : 0.5;
  const probability = z > 0 ? Math.min(1, mean + z * Math.sqrt((v * (1 - v)) / (strength + n + 1))) : mean;
  return { probability, prior, observations: n };
}
