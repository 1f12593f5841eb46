// The per-kind constant baseline: one fixed route per task kind, the one that cost least on a training sample of the
// world's tasks (a separate seed). What a team gets by A/B-testing each kind once and writing the winner into a rule.
import { type OutcomeTable, realisedCost } from "./outcomeTable.js";
import { type BenchRoute, benchRoutes } from "./world.js";

/** The tuned routes: one per kind seen in the sample, and the route for kinds it never saw. */
export interface PerKindRoutes {
  readonly byKind: ReadonlyMap<string, BenchRoute>;
  /** The cheapest single route over the whole sample. */
  readonly fallback: BenchRoute;
  /** The route of a kind. */
  routeOf(kind: string): BenchRoute;
}

/**
 * Tunes one route per kind on a training table: the route with the least realised total cost over the kind's tasks
 * and all their evaluated realisations, at `perMinute`.
 *
 * @example
 * ```ts
 * const perKind = tunePerKindRoutes(trainingTable, 1);
 * perKind.routeOf("code.fix-test"); // "autonomous"
 * ```
 */
export function tunePerKindRoutes(training: OutcomeTable, perMinute: number): PerKindRoutes {
  const sums = new Map<string, Record<BenchRoute, number>>();
  const total: Record<BenchRoute, number> = { autonomous: 0, supervised: 0, human: 0 };
  for (let i = 0; i < training.tasks.length; i++) {
    const kind = training.tasks[i]!.latent.kind;
    const s = sums.get(kind) ?? { autonomous: 0, supervised: 0, human: 0 };
    for (const route of benchRoutes) {
      for (let rep = 0; rep < training.evalReps; rep++) {
        const c = realisedCost(training, i, rep, route, perMinute);
        s[route] += c;
        total[route] += c;
      }
    }
    sums.set(kind, s);
  }
  const cheapest = (s: Record<BenchRoute, number>): BenchRoute => benchRoutes.reduce((best, r) => (s[r] < s[best] ? r : best), "human" as BenchRoute);
  const byKind = new Map<string, BenchRoute>();
  for (const [kind, s] of sums) byKind.set(kind, cheapest(s));
  const fallback = cheapest(total);
  return { byKind, fallback, routeOf: (kind) => byKind.get(kind) ?? fallback };
}
