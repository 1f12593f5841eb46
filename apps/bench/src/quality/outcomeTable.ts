// The outcome table of a set of tasks: what really happened on each route (realisation 0) and what each
// route costs in expectation (the mean of further realisations), which the oracle and the regret use.
import { createRandom } from "../random.js";
import type { BenchTask } from "./latentTasks.js";
import { gaussian, mixSeed } from "./latentTasks.js";
import { type BenchRoute, type LoopOptions, type TaskRealisation, benchRoutes, confidenceLogit, loopDefaults, realiseTask } from "./world.js";

/** Expected figures of one route for one task. */
export interface RouteExpectation {
  /** Probability the result is wrong and nobody catches it. */
  readonly failure: number;
  /** Probability the agent's work does not stand. */
  readonly agentFailure: number;
  readonly humanMinutes: number;
  readonly tokens: number;
  readonly dollars: number;
}

/** What one realisation of a task did on each route, without its loop trace. */
export interface RunOutcomes {
  readonly outcomes: TaskRealisation["outcomes"];
  readonly postConfidence: number;
}

/** Every task with its realised and expected outcomes. */
export interface OutcomeTable {
  readonly tasks: readonly BenchTask[];
  /** What happened (realisation 0), with its loop trace: streams, calibration and the monitor use it. */
  readonly realised: readonly TaskRealisation[];
  /** Realisations 0..evalReps−1 of every task (`runs[task][rep]`): routers are scored on all of them. */
  readonly runs: readonly (readonly RunOutcomes[])[];
  readonly evalReps: number;
  /** Means over the further realisations. */
  readonly expected: readonly { readonly [R in BenchRoute]: RouteExpectation }[];
  /** The agent's confidence before it runs (what a KnowNo-style conformal threshold reads), 0..1. */
  readonly preConfidence: readonly number[];
}

/** Options of {@link buildOutcomeTable}. */
export interface OutcomeTableOptions {
  readonly seed: number;
  /** Realisations behind each expectation (numbered after the evaluated ones, so the oracle never sees them). */
  readonly reps: number;
  /** Realisations every router is scored on (1 by default). */
  readonly evalReps?: number;
  readonly loop?: LoopOptions;
  /** Called every few hundred tasks. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Simulates every task on every route: the realised outcome and the expectation over `reps` more realisations. */
export function buildOutcomeTable(tasks: readonly BenchTask[], options: OutcomeTableOptions): OutcomeTable {
  const loop = options.loop ?? loopDefaults;
  const evalReps = options.evalReps ?? 1;
  const realised: TaskRealisation[] = [];
  const runs: RunOutcomes[][] = [];
  const expected: { [R in BenchRoute]: RouteExpectation }[] = [];
  const preConfidence: number[] = [];
  for (let i = 0; i < tasks.length; i++) {
    const latent = tasks[i]!.latent;
    const first = realiseTask(latent, options.seed, 0, loop);
    realised.push(first);
    const taskRuns: RunOutcomes[] = [{ outcomes: first.outcomes, postConfidence: first.postConfidence }];
    for (let rep = 1; rep < evalReps; rep++) {
      const r = realiseTask(latent, options.seed, rep, loop);
      taskRuns.push({ outcomes: r.outcomes, postConfidence: r.postConfidence });
    }
    runs.push(taskRuns);
    const sums = { autonomous: zeroSums(), supervised: zeroSums(), human: zeroSums() };
    for (let rep = evalReps; rep < evalReps + options.reps; rep++) {
      const r = realiseTask(latent, options.seed, rep, loop);
      for (const route of benchRoutes) {
        const o = r.outcomes[route];
        const s = sums[route];
        // Chances given the run, not its coin flips: the expectation is then free of the luck an oracle would exploit.
        s.failure += o.failureChance;
        s.agentFailure += o.agentFailureChance;
        s.humanMinutes += o.meanHumanMinutes;
        s.tokens += o.tokens;
        s.dollars += o.dollars;
      }
    }
    const n = options.reps;
    const mean = (s: Sums): RouteExpectation => ({
      failure: s.failure / n,
      agentFailure: s.agentFailure / n,
      humanMinutes: s.humanMinutes / n,
      tokens: s.tokens / n,
      dollars: s.dollars / n,
    });
    const e = { autonomous: mean(sums.autonomous), supervised: mean(sums.supervised), human: mean(sums.human) };
    expected.push(e);
    // Before running, the agent guesses its chance of failing: the truth seen through its overconfidence and noise.
    const random = createRandom(mixSeed(options.seed, latent.index, 4));
    preConfidence.push(1 / (1 + Math.exp(-(confidenceLogit(e.autonomous.agentFailure, latent.overconfidence) + 0.8 * gaussian(random)))));
    if (options.onProgress !== undefined && (i + 1) % 250 === 0) options.onProgress(i + 1, tasks.length);
  }
  options.onProgress?.(tasks.length, tasks.length);
  return { tasks, realised, runs, evalReps, expected, preConfidence };
}

interface Sums {
  failure: number;
  agentFailure: number;
  humanMinutes: number;
  tokens: number;
  dollars: number;
}

const zeroSums = (): Sums => ({ failure: 0, agentFailure: 0, humanMinutes: 0, tokens: 0, dollars: 0 });

/** A task's realised total cost on a route in one realisation: agent dollars, people's minutes at `perMinute`, and the stakes of a failure. */
export function realisedCost(table: OutcomeTable, i: number, rep: number, route: BenchRoute, perMinute: number): number {
  const o = table.runs[i]![rep]!.outcomes[route];
  return o.dollars + o.humanMinutes * perMinute + (o.failed ? table.tasks[i]!.latent.effectiveStakes : 0);
}

/** A task's expected total cost on a route. */
export function expectedCost(table: OutcomeTable, i: number, route: BenchRoute, perMinute: number): number {
  const e = table.expected[i]![route];
  return e.dollars + e.humanMinutes * perMinute + e.failure * table.tasks[i]!.latent.effectiveStakes;
}
