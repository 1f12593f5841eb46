// ConvergeBench's simulation of what happens to a task on each route, from its latent truth: the autonomous
// loop's error dynamics watched by the runtime's monitor, review on the supervised route, people on the human route.
import { type MonitorOptions, readErrors } from "@convergent/runtime";
import { type Random, createRandom } from "../random.js";
import { dollarsPerToken } from "./families.js";
import { type LatentTask, gaussian, mixSeed } from "./latentTasks.js";

/** The routes, in the order the bench's tables use. */
export const benchRoutes = ["autonomous", "supervised", "human"] as const;

/** A route. */
export type BenchRoute = (typeof benchRoutes)[number];

/** Options of the simulated autonomous loop. */
export interface LoopOptions {
  /** Attempts a run may make (the policy's budget). */
  readonly maxAttempts: number;
  /** The sandbox passes once the checkable error is at most this. */
  readonly passError: number;
  /** The runtime monitor's thresholds. */
  readonly monitor?: MonitorOptions;
  /**
   * Whether the monitor is told the attempts left and the sandbox's pass threshold, so it can escalate a run too
   * slow to pass within its budget (`remainingAttempts`/`targetError` of `readErrors`).
   */
  readonly budgetAware?: boolean;
}

/**
 * The loop defaults: the default policy's 8-attempt budget and the runtime's own monitor thresholds, told the attempts
 * left and the pass threshold as the runtime does for a sandbox that declares `passError`.
 */
export const loopDefaults: LoopOptions = { maxAttempts: 8, passError: 0.02, budgetAware: true };

/** How an autonomous loop ended. */
export type LoopEnd = "passed" | "diverging" | "plateau" | "budget" | "horizon" | "no-feedback";

/** One autonomous loop, run to the end of its budget (fixed) and as the monitor would have stopped it. */
export interface LoopTrace {
  /** Error values the sandbox reported, one per attempt of the fixed-budget run. */
  readonly reported: readonly number[];
  /** The true checkable error at each of those attempts. */
  readonly trueErrors: readonly number[];
  /** Attempt (1-based) at which the sandbox passed in the fixed-budget run; null when it never did. */
  readonly passedAt: number | null;
  /** Attempts the fixed-budget run made. */
  readonly fixedAttempts: number;
  /** How the fixed-budget run ended. */
  readonly fixedEnd: LoopEnd;
  /** Attempts the monitored run made, and how it ended. */
  readonly attempts: number;
  readonly end: LoopEnd;
  /** The same with the runtime's monitor reading errors alone (not told the budget: a sandbox without `passError`). */
  readonly runtimeDefaults: { readonly attempts: number; readonly end: LoopEnd };
  /** Attempt at which divergence began (the error's last minimum before it grew for good); null when it never diverged. */
  readonly divergenceOnset: number | null;
  /** The final result's checkable and unchecked error (of the monitored run). */
  readonly checkedError: number;
  readonly uncheckedError: number;
  readonly tokensPerAttempt: number;
}

/** What one route cost and how it ended, for one task. */
export interface RouteOutcome {
  /** The result was wrong and nobody caught it. */
  readonly failed: boolean;
  /** The agent's work did not stand (failed, escalated or overridden): what calibration records as a failure. */
  readonly agentFailed: boolean;
  readonly humanMinutes: number;
  /**
   * The chances of `failed` and `agentFailed`, and the mean of `humanMinutes`, given this realisation's agent run:
   * the coin flips that follow the run (is its result wrong, does a reviewer catch it, does a person err) averaged
   * out. Expectations are means of these, so an oracle cannot pick a route for the luck of a few flips.
   */
  readonly failureChance: number;
  readonly agentFailureChance: number;
  readonly meanHumanMinutes: number;
  readonly tokens: number;
  readonly dollars: number;
}

/** One simulated realisation of a task on every route (the supervised route reuses the autonomous run). */
export interface TaskRealisation {
  readonly loop: LoopTrace;
  readonly outcomes: { readonly [R in BenchRoute]: RouteOutcome };
  /** The agent's confidence after its run (what an A2I-style threshold reads), 0..1. */
  readonly postConfidence: number;
  /** On the supervised route: whether the reviewer caught a bad result (false when the result was good or the run escalated). */
  readonly reviewCaught: boolean;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));
const clampP = (p: number) => (p < 0.005 ? 0.005 : p > 0.995 ? 0.995 : p);

/** The log-odds the agent puts on its own success, given the error it perceives, with the family's overconfidence. */
export function confidenceLogit(perceivedError: number, overconfidence: number): number {
  return logit(1 - clampP(perceivedError)) + overconfidence;
}

/**
 * Runs the autonomous loop of one task: each attempt the sandbox reports the checkable error (with noise); feedback
 * repairs a share of it, drift grows all error by 2^(L/h) per cycle, and errors already made add new ones
 * (compounding). The loop passes, or runs out of budget or horizon; the monitor (`readErrors` from the runtime)
 * escalates a diverging or plateauing run early.
 */
export function simulateLoop(latent: LatentTask, random: Random, options: LoopOptions = loopDefaults): LoopTrace {
  const e0 = (1 - latent.skill) * (0.5 + random.next());
  let checked = e0 * latent.closure;
  let unchecked = e0 * (1 - latent.closure);
  const L = latent.latencySec;
  const tokensPerAttempt = latent.tokensPerAttempt;
  if (L === null || L > latent.horizonSec) {
    return {
      reported: [],
      trueErrors: [],
      passedAt: null,
      fixedAttempts: 1,
      fixedEnd: "no-feedback",
      attempts: 1,
      end: "no-feedback",
      divergenceOnset: null,
      runtimeDefaults: { attempts: 1, end: "no-feedback" },
      checkedError: checked,
      uncheckedError: unchecked,
      tokensPerAttempt,
    };
  }
  const growth = latent.driftHalfLifeSec === null ? 1 : 2 ** (L / latent.driftHalfLifeSec);
  const cycles = Math.min(Math.floor(latent.horizonSec / L), options.maxAttempts);
  const reported: number[] = [];
  const trueErrors: number[] = [];
  const checkedAt: number[] = [];
  const uncheckedAt: number[] = [];
  let passedAt: number | null = null;
  for (let a = 1; a <= cycles; a++) {
    trueErrors.push(checked);
    checkedAt.push(checked);
    uncheckedAt.push(unchecked);
    reported.push(checked * Math.exp(0.2 * gaussian(random)));
    if (checked <= options.passError) {
      passedAt = a;
      break;
    }
    const repaired = checked * (1 - latent.repair * (0.6 + 0.8 * random.next())) * growth;
    const added = latent.compounding * (checked + unchecked) * 2 * random.next();
    checked = repaired + added;
    unchecked *= growth;
  }
  const fixedAttempts = trueErrors.length;
  const fixedEnd: LoopEnd = passedAt !== null ? "passed" : cycles < options.maxAttempts ? "horizon" : "budget";
  // The monitor reads the reported errors after each failed attempt; the first escalation ends the monitored run.
  const stop = (thresholds: MonitorOptions, budgetAware: boolean): { attempts: number; end: LoopEnd } => {
    for (let a = 2; a <= fixedAttempts; a++) {
      if (passedAt === a) break;
      const monitor: MonitorOptions = budgetAware ? { ...thresholds, remainingAttempts: cycles - a, targetError: options.passError } : thresholds;
      const trend = readErrors(reported.slice(0, a), monitor).trend;
      if (trend === "diverging" || trend === "plateau") return { attempts: a, end: trend };
    }
    return { attempts: fixedAttempts, end: fixedEnd };
  };
  const runtimeDefaults = stop({}, false);
  const { attempts, end } = stop(options.monitor ?? {}, options.budgetAware === true);
  let divergenceOnset: number | null = null;
  if (passedAt === null && fixedAttempts >= 2) {
    let minAt = 0;
    for (let i = 1; i < fixedAttempts; i++) if (trueErrors[i]! <= trueErrors[minAt]!) minAt = i;
    // Divergence began after the last minimum, if the error grew from there on.
    if (minAt < fixedAttempts - 1) divergenceOnset = minAt + 2;
  }
  return {
    reported,
    trueErrors,
    passedAt,
    fixedAttempts,
    fixedEnd,
    attempts,
    end,
    divergenceOnset,
    runtimeDefaults,
    checkedError: checkedAt[attempts - 1]!,
    uncheckedError: uncheckedAt[attempts - 1]!,
    tokensPerAttempt,
  };
}

/** E[e^(0.3·g)] for a standard normal g: the mean of the lognormal factor on people's minutes. */
const minutesMeanFactor = Math.exp(0.3 ** 2 / 2);

/**
 * One realisation of a task on all three routes, from `seed` and `rep` (rep 0 is what "really happened"; the
 * others estimate expectations). The draws are shared between routes (common random numbers), so routes differ only
 * by what the route does.
 */
export function realiseTask(latent: LatentTask, seed: number, rep: number, options: LoopOptions = loopDefaults): TaskRealisation {
  const loopRandom = createRandom(mixSeed(seed, latent.index, 2, rep));
  const loop = simulateLoop(latent, loopRandom, options);
  const random = createRandom(mixSeed(seed, latent.index, 3, rep));
  const uResult = random.next();
  const uCatch = random.next();
  const uFix = random.next();
  const uHuman = random.next();
  const uTakeover = random.next();
  const humanMinutes = latent.humanMinutes * Math.exp(0.3 * gaussian(random));
  const reviewMinutes = latent.reviewMinutes * Math.exp(0.3 * gaussian(random));
  const confidenceNoise = gaussian(random);
  const tokens = loop.attempts * loop.tokensPerAttempt;
  const dollars = tokens * dollarsPerToken;
  // The person's minutes are lognormal around the task's typical minutes with unit mean factor e^(σ²/2).
  const meanMinutes = latent.humanMinutes * minutesMeanFactor;
  const meanReview = latent.reviewMinutes * minutesMeanFactor;
  const h = latent.humanError;
  const human: RouteOutcome = {
    failed: uHuman < h,
    agentFailed: false,
    humanMinutes,
    tokens: 0,
    dollars: 0,
    failureChance: h,
    agentFailureChance: 0,
    meanHumanMinutes: meanMinutes,
  };
  const escalated = loop.end !== "passed" && loop.end !== "no-feedback";
  const error = loop.checkedError + loop.uncheckedError;
  const pBad = Math.min(1, error);
  const resultBad = uResult < pBad;
  let autonomous: RouteOutcome;
  let supervised: RouteOutcome;
  let reviewCaught = false;
  if (escalated) {
    // The run escalates to a person, who takes the task over.
    autonomous = { failed: uTakeover < h, agentFailed: true, humanMinutes, tokens, dollars, failureChance: h, agentFailureChance: 1, meanHumanMinutes: meanMinutes };
    supervised = autonomous;
  } else {
    autonomous = { failed: resultBad, agentFailed: resultBad, humanMinutes: 0, tokens, dollars, failureChance: pBad, agentFailureChance: pBad, meanHumanMinutes: 0 };
    const c = latent.reviewCatch;
    const caught = resultBad && uCatch < c;
    reviewCaught = caught;
    supervised = {
      failed: resultBad && (!caught || uFix < h),
      agentFailed: resultBad,
      humanMinutes: reviewMinutes + (caught ? humanMinutes : 0),
      tokens,
      dollars,
      failureChance: pBad * (1 - c + c * h),
      agentFailureChance: pBad,
      meanHumanMinutes: meanReview + pBad * c * meanMinutes,
    };
  }
  const perceived = escalated ? 1 : loop.checkedError + latent.visibility * loop.uncheckedError;
  const postConfidence = sigmoid(confidenceLogit(perceived, latent.overconfidence) + 0.7 * confidenceNoise);
  return { loop, outcomes: { autonomous, supervised, human }, postConfidence, reviewCaught };
}
