// Calibration: a Beta–Bernoulli posterior of failure per task kind and route, with the convergence model as prior.
import { z } from "zod";
import { ConvergentError } from "./errors.js";
import {
  type CalibrationData,
  absorbEntries,
  addOutcome,
  agentCounts,
  agentPrior,
  emptyCalibrationData,
  entriesOf,
  globalMap,
  humanCounts,
  recentOf,
  visibleShare,
} from "./calibrationData.js";
import { contentHash } from "./hash.js";
import type { Counts } from "./posterior.js";
import {
  type ImputationOptions,
  type ImputedSignals,
  type SignalMemory,
  absorbSignalEntries,
  emptySignalMemory,
  imputeSignals,
  maxSignalBin,
  observeSignals,
  signalEntriesOf,
} from "./signalMemory.js";
import { type Task, signalNames } from "./taskSchema.js";
import { problemsFromZod } from "./problems.js";
import { type Route, routeSchema } from "./taskSchema.js";

/** How a run ended, as fed back to calibration. */
export const outcomeKinds = ["succeeded", "failed", "overridden", "approved"] as const;

/** One outcome: the run of a task of `kind` on `route` ended as `outcome`. */
export const outcomeSchema = z
  .strictObject({
    kind: z.string().min(1),
    route: routeSchema,
    outcome: z
      .enum(outcomeKinds)
      .describe(
        "overridden: a person rejected or replaced the result; counts as a failure of that route. approved: a reviewer approved the agent's result and whether it was right is not known (nor will be): it counts as failureShare of a failure.",
      ),
    modelFailure: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        "The convergence model's P(agent fails) for the task when it was decided (Decision.calibration.modelFailure). With it, calibration learns how far the model is off instead of replacing it by the kind's average.",
      ),
    failureShare: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        "approved outcomes: the probability that the approved result is wrong all the same (Decision.calibration.approvedFailure); a reviewer catches only part of what is wrong, so an approval is evidence, not the truth. Required with approved, refused otherwise.",
      ),
  })
  .superRefine((o, ctx) => {
    if (o.outcome === "approved" && o.failureShare === undefined) {
      ctx.addIssue({ code: "custom", path: ["failureShare"], message: "an approved outcome needs failureShare (the decision's calibration.approvedFailure): an approval does not say the result was right" });
    }
    if (o.outcome !== "approved" && o.failureShare !== undefined) {
      ctx.addIssue({ code: "custom", path: ["failureShare"], message: `only approved outcomes carry failureShare; a ${o.outcome} outcome is known` });
    }
    if (o.outcome === "approved" && o.route === "human") {
      ctx.addIssue({ code: "custom", path: ["route"], message: "approved is a reviewer's verdict on an agent's result; a human route's outcome is succeeded or failed" });
    }
  });

/** One outcome fed to calibration. */
export type Outcome = z.infer<typeof outcomeSchema>;

/** Outcomes that carried the model's estimate, in one bin of that estimate. */
export const modelBinSchema = z.strictObject({
  bin: z.number().int().min(0),
  outcomes: z.number().int().min(1),
  failures: z.number().min(0).describe("Failures among them; approved outcomes count as a share of one."),
  expected: z.number().min(0).describe("The sum of the model's estimates of these outcomes."),
});

/** Counts for one kind and route. */
export const calibrationEntrySchema = z.strictObject({
  kind: z.string().min(1),
  route: routeSchema,
  successes: z.number().min(0).describe("Outcomes that stood; an approved outcome counts 1 − its failureShare here."),
  failures: z.number().min(0).describe("Failures; an approved outcome counts its failureShare here."),
  overridden: z.number().int().min(0).optional().describe("Autonomous entries: how many of the failures were overridden (the run escalated and a person took over)."),
  modelled: z.array(modelBinSchema).optional().describe("The part of these counts that carried the model's estimate, per bin of it."),
});

/** One kind's recent agent outcomes, weighed down by the calibration's memory (older outcomes count less). */
export const calibrationRecentSchema = z.strictObject({
  kind: z.string().min(1),
  failures: z.number().min(0).describe("Recent autonomous failures (weighted)."),
  overridden: z.number().min(0).describe("How many of them showed while the agent ran (weighted)."),
  modelled: z.array(z.strictObject({ bin: z.number().int().min(0), outcomes: z.number().min(0), failures: z.number().min(0), expected: z.number().min(0) })),
});

/** What the tasks of one kind declared about one signal: counts per histogram bin, and declarations of `null`. */
export const calibrationSignalsSchema = z.strictObject({
  kind: z.string().min(1),
  signal: z.enum(signalNames),
  nulls: z.number().int().min(0),
  bins: z.array(z.tuple([z.number().int().min(0).max(maxSignalBin), z.number().int().min(1)])),
});

/**
 * A calibration snapshot as JSON: the counts, each kind's recent outcomes as the calibration weighs them (version 2;
 * version 1 had only the counts) and their content id.
 */
export const calibrationSnapshotSchema = z.discriminatedUnion("version", [
  z.strictObject({ version: z.literal(1), id: z.string(), entries: z.array(calibrationEntrySchema) }),
  z.strictObject({
    version: z.literal(2),
    id: z.string(),
    entries: z.array(calibrationEntrySchema),
    recent: z.array(calibrationRecentSchema),
    signals: z.array(calibrationSignalsSchema).optional().describe("What tasks of each kind declared about their signals (for imputation); not part of the id."),
  }),
]);

/** A calibration snapshot as JSON. */
export type CalibrationSnapshot = z.infer<typeof calibrationSnapshotSchema>;

/**
 * Outcomes per task kind and route. The agent's failure probability pools the autonomous and supervised
 * routes (the same agent does the work on both); the human error rate comes from the human route.
 * Its state is plain data (`data`) and every figure it gives is a pure function of that data.
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
   * that carried a model estimate (a monotone map of the estimate learned over every kind, then the kind's namespace's
   * and own recent ratio of failures to that map's expectation, each shrunk by `strength` pseudo-outcomes; the map
   * alone may only raise the estimate of a kind without outcomes in its namespace), and the counts of the agent
   * outcomes that carried no estimate (for the Beta update on top).
   */
  agentPrior(kind: string, modelFailure: number, strength: number): { readonly prior: number; readonly counts: Counts };
  /**
   * The share of an autonomous agent's failures that show while it runs (the run escalates and a person takes
   * over, recorded as `overridden`) rather than later (`failed`): the model's share updated with the
   * autonomous failures of every kind, then of its namespace (`data` for `data.transform`), then its own (those two with the
   * calibration's memory), each worth `strength` pseudo-outcomes.
   */
  visibleShare(kind: string, modelShare: number, strength: number): number;
  /** The counts as JSON, with a content id that decisions name. Restoring it gives an equal calibration. */
  snapshot(): CalibrationSnapshot;
  /** The content id of the current counts (of the outcomes; the signal declarations travel with the snapshot but do not change it). */
  readonly snapshotId: string;
  /** Remembers what a task declared about its signals, for the kind's later tasks that leave them out. */
  observeSignals(task: Task): void;
  /** Conservative values for the signals a task of `kind` leaves out, from what the kind's tasks declared. */
  imputeSignals(kind: string, options: ImputationOptions): ImputedSignals;
  /** The signal declarations, as plain data. */
  readonly signals: SignalMemory;
  /** The state itself (read it with the functions of calibrationData; write it only through this object). */
  readonly data: CalibrationData;
}

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
  const data = emptyCalibrationData(memory);
  const signals = emptySignalMemory();
  // Memos keyed on the data's version, which every write bumps: they cannot outlive the data they were made from.
  let idMemo: { version: number; id: string } | undefined;
  let mapMemo: { version: number; strength: number; map: (p: number) => number } | undefined;
  const mapFor = (strength: number) => {
    if (mapMemo === undefined || mapMemo.version !== data.version || mapMemo.strength !== strength) {
      mapMemo = { version: data.version, strength, map: globalMap(data, strength) };
    }
    return mapMemo.map;
  };
  const content = () => ({ entries: entriesOf(data), recent: recentOf(data) });

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
    absorbEntries(data, parsed.data.entries, parsed.data.version === 2 ? parsed.data.recent : undefined);
    if (parsed.data.version === 2 && parsed.data.signals !== undefined) absorbSignalEntries(signals, parsed.data.signals);
  };
  if (snapshot !== undefined) absorb(snapshot);

  return {
    data,
    recordOutcome(outcome) {
      const parsed = outcomeSchema.safeParse(outcome, { reportInput: true });
      if (!parsed.success) {
        const problems = problemsFromZod(parsed.error.issues);
        throw new ConvergentError("INVALID_INPUT", `Invalid outcome: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`, { problems });
      }
      addOutcome(data, parsed.data);
    },
    absorb,
    agentCounts: (kind) => agentCounts(data, kind),
    humanCounts: (kind) => humanCounts(data, kind),
    agentPrior: (kind, modelFailure, strength) => agentPrior(data, kind, modelFailure, strength, mapFor(strength)),
    visibleShare: (kind, modelShare, strength) => visibleShare(data, kind, modelShare, strength),
    snapshot() {
      const c = content();
      const declared = signalEntriesOf(signals);
      return {
        version: 2,
        id: contentHash(c),
        entries: c.entries.map((e) => ({ ...e })),
        recent: c.recent.map((r) => ({ ...r })),
        ...(declared.length > 0 ? { signals: declared } : {}),
      } as CalibrationSnapshot;
    },
    signals,
    observeSignals: (task) => {
      observeSignals(signals, task);
    },
    imputeSignals: (kind, options) => imputeSignals(signals, kind, options),
    get snapshotId() {
      if (idMemo === undefined || idMemo.version !== data.version) idMemo = { version: data.version, id: contentHash(content()) };
      return idMemo.id;
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
