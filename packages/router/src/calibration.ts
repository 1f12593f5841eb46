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
});

/** One outcome fed to calibration. */
export type Outcome = z.infer<typeof outcomeSchema>;

/** Counts for one kind and route. */
export const calibrationEntrySchema = z.strictObject({
  kind: z.string().min(1),
  route: routeSchema,
  successes: z.number().int().min(0),
  failures: z.number().int().min(0),
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
export function createCalibration(snapshot?: unknown): Calibration {
  const byKey = new Map<string, { successes: number; failures: number }>();
  const agent = new Map<string, { successes: number; failures: number }>();
  const human = new Map<string, { successes: number; failures: number }>();
  let cachedId: string | undefined;

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
    for (const e of parsed.data.entries) add(e.kind, e.route, e.successes, e.failures);
  };
  if (snapshot !== undefined) absorb(snapshot);

  const entries = () =>
    [...byKey.entries()]
      .map(([key, counts]) => {
        const [route, kind] = key.split("\u0000") as [Route, string];
        return { kind, route, successes: counts.successes, failures: counts.failures };
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
    },
    absorb,
    agentCounts: (kind) => agent.get(kind) ?? zero,
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
