// ConvergeBench's two protocols on one world: zero-shot (route the test tasks with no outcome at all) and online (a
// stream where each task's outcome reaches calibration only for the route taken, and only once it could be known).
import { type Calibration, type Outcome, type PolicyInput, createCalibration, createRouter } from "@convergent/router";
import { type OutcomeTable, expectedCost } from "./outcomeTable.js";
import type { PerKindRoutes } from "./perKindConstant.js";
import { agentCalibrationError } from "./streams.js";
import { type BenchRoute, benchRoutes } from "./world.js";
import type { OnlineFigures, ProtocolFigures } from "./worldsReport.js";

/** The best constant and the oracle are this close (relative to the best constant): no gap to recover, gap is null. */
export const minimumGap = 1e-3;

/**
 * The figures of a router's routes over tasks `from`.. of a table: expected cost per task of the router, the three
 * constant routes, the best of them, the per-kind constant route and the oracle; the gap recovered; human load.
 */
export function protocolFigures(
  table: OutcomeTable,
  router: readonly BenchRoute[],
  perKind: PerKindRoutes,
  perMinute: number,
  from = 0,
  shadowed?: readonly boolean[],
): ProtocolFigures {
  const sum = { router: 0, autonomous: 0, supervised: 0, human: 0, perKind: 0, oracle: 0 };
  const minutes = { router: 0, human: 0, perKind: 0, oracle: 0 };
  const routerMix = { autonomous: 0, supervised: 0, human: 0 };
  const oracleMix = { autonomous: 0, supervised: 0, human: 0 };
  for (let i = from; i < table.tasks.length; i++) {
    const cost = { autonomous: expectedCost(table, i, "autonomous", perMinute), supervised: expectedCost(table, i, "supervised", perMinute), human: expectedCost(table, i, "human", perMinute) };
    const best = benchRoutes.reduce((b, r) => (cost[r] < cost[b] ? r : b), "human" as BenchRoute);
    const mine = router[i]!;
    const kindRoute = perKind.routeOf(table.tasks[i]!.latent.kind);
    const e = table.expected[i]!;
    // A shadow run spends what an autonomous run of the task would on the agent.
    sum.router += cost[mine] + (shadowed?.[i] === true ? table.expected[i]!.autonomous.dollars : 0);
    sum.autonomous += cost.autonomous;
    sum.supervised += cost.supervised;
    sum.human += cost.human;
    sum.perKind += cost[kindRoute];
    sum.oracle += cost[best];
    minutes.router += e[mine].humanMinutes;
    minutes.human += e.human.humanMinutes;
    minutes.perKind += e[kindRoute].humanMinutes;
    minutes.oracle += e[best].humanMinutes;
    routerMix[mine]++;
    oracleMix[best]++;
  }
  const n = Math.max(1, table.tasks.length - from);
  const per = (x: number) => x / n;
  const constants = { autonomous: per(sum.autonomous), supervised: per(sum.supervised), human: per(sum.human) };
  const bestConstantRoute = benchRoutes.reduce((b, r) => (constants[r] < constants[b] ? r : b), "human" as BenchRoute);
  const bestConstant = constants[bestConstantRoute];
  const oracle = per(sum.oracle);
  const gap = (cost: number) => (bestConstant - oracle <= minimumGap * bestConstant ? null : (bestConstant - cost) / (bestConstant - oracle));
  const load = (m: number) => (minutes.human === 0 ? 0 : m / minutes.human);
  return {
    tasks: n,
    costPerTask: {
      router: per(sum.router),
      alwaysAutonomous: constants.autonomous,
      alwaysSupervised: constants.supervised,
      alwaysHuman: constants.human,
      bestConstant,
      perKindConstant: per(sum.perKind),
      oracle,
    },
    bestConstantRoute,
    gapRecovered: gap(per(sum.router)),
    perKindGapRecovered: gap(per(sum.perKind)),
    costRatio: bestConstant === 0 ? 1 : per(sum.router) / bestConstant,
    regretPerTask: per(sum.router) - oracle,
    humanLoad: { router: load(minutes.router), perKindConstant: load(minutes.perKind), oracle: load(minutes.oracle) },
    routerMix,
    oracleMix,
  };
}

/** Options of {@link zeroShotProtocol}. */
export interface ZeroShotOptions {
  readonly table: OutcomeTable;
  readonly policy: PolicyInput;
  readonly perKind: PerKindRoutes;
  readonly perMinute: number;
}

/** Zero-shot: every test task routed by a router with a fresh calibration (no outcome ever). */
export function zeroShotProtocol(options: ZeroShotOptions): ProtocolFigures {
  const router = createRouter({ policy: options.policy, calibration: createCalibration() });
  const decisions = options.table.tasks.map((t) => router.decide(t.observed));
  return protocolFigures(options.table, decisions.map((d) => d.route), options.perKind, options.perMinute, 0, decisions.map((d) => d.shadow));
}

/** When and what a stream task's outcome tells calibration on the route taken; null when it is never known. */
export interface StreamOutcome {
  /** Seconds after the task arrived. */
  readonly delaySec: number;
  readonly outcome: Outcome["outcome"];
}

/**
 * The outcome of stream task `i` on `route`, as it could really be known. Autonomous: an escalation is known when the
 * run hands over (attempts × latency); otherwise the truth shows one true feedback latency after the run — never when
 * feedback never comes. Supervised: a caught result or a takeover is known after the review (the person's minutes);
 * otherwise the approval (`approved`), as the runtime records it when the review is answered; no truth follows it.
 * Human: after the person's minutes.
 */
export function streamOutcome(stream: OutcomeTable, i: number, route: BenchRoute): StreamOutcome | null {
  const r = stream.realised[i]!;
  const latent = stream.tasks[i]!.latent;
  const L = latent.latencySec;
  const o = r.outcomes[route];
  if (route === "human") return { delaySec: o.humanMinutes * 60, outcome: o.failed ? "failed" : "succeeded" };
  const runSec = r.loop.end === "no-feedback" || L === null ? 0 : r.loop.attempts * L;
  const escalated = r.loop.end !== "passed" && r.loop.end !== "no-feedback";
  if (escalated) return { delaySec: runSec + (route === "supervised" ? o.humanMinutes * 60 : 0), outcome: "overridden" };
  // Supervised: what the runtime records when the review is answered — a catch, or an approval (an approval, not a
  // success: the router weighs it by what reviewers miss). The run is closed then; no later truth is fed back.
  if (route === "supervised") return { delaySec: runSec + o.humanMinutes * 60, outcome: r.reviewCaught ? "overridden" : "approved" };
  if (L === null) return null;
  return { delaySec: runSec + L, outcome: o.agentFailed ? "failed" : "succeeded" };
}

/**
 * What a shadow run on stream task `i` teaches, as the runtime records it when the person's result comes in (after
 * their minutes): `overridden` when the agent's loop would have come to a person, else `failed` when its result differs
 * from the person's — it is wrong, or the person is (people err; both wrong counts as differing) — else `succeeded`.
 */
export function shadowOutcome(stream: OutcomeTable, i: number): StreamOutcome {
  const r = stream.realised[i]!;
  const delaySec = r.outcomes.human.humanMinutes * 60;
  if (r.loop.end !== "passed" && r.loop.end !== "no-feedback") return { delaySec, outcome: "overridden" };
  return { delaySec, outcome: r.outcomes.autonomous.agentFailed || r.outcomes.human.failed ? "failed" : "succeeded" };
}

/** Options of {@link onlineProtocol}. */
export interface OnlineOptions {
  /** The stream, in arrival order. */
  readonly stream: OutcomeTable;
  /** Tasks the calibration error is measured on (the world's zero-shot test tasks). */
  readonly evaluation: OutcomeTable;
  readonly policy: PolicyInput;
  readonly perKind: PerKindRoutes;
  readonly perMinute: number;
  /** Seconds between two stream tasks. */
  readonly arrivalSec: number;
  /** Outcomes after which the calibration error is measured. */
  readonly eceOutcomes: number;
}

/** A binary min-heap of pending outcomes by arrival time. */
class PendingOutcomes {
  private readonly items: { at: number; seq: number; outcome: Outcome }[] = [];
  private seq = 0;
  get size(): number {
    return this.items.length;
  }
  push(at: number, outcome: Outcome): void {
    const items = this.items;
    items.push({ at, seq: this.seq++, outcome });
    let k = items.length - 1;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!this.before(k, parent)) break;
      [items[k], items[parent]] = [items[parent]!, items[k]!];
      k = parent;
    }
  }
  peekAt(): number {
    return this.items[0]?.at ?? Infinity;
  }
  pop(): Outcome {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < items.length && this.before(l, m)) m = l;
        if (r < items.length && this.before(r, m)) m = r;
        if (m === k) break;
        [items[k], items[m]] = [items[m]!, items[k]!];
        k = m;
      }
    }
    return top.outcome;
  }
  private before(a: number, b: number): boolean {
    const x = this.items[a]!;
    const y = this.items[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
}

/**
 * Online: the stream's tasks arrive every `arrivalSec`; the router decides each with the calibration it has, and the
 * outcome of the route it took reaches calibration when {@link streamOutcome} says it is known, carrying the
 * decision's `calibration.modelFailure`; a shadowed task (policy `shadow`) also teaches the agent's outcome when the
 * person's result comes in ({@link shadowOutcome}), and its cost counts the agent's spend. The figures are over the
 * stream's second half; the calibration error of P(agent fails) is measured on the evaluation tasks with the calibration of the moment the `eceOutcomes`-th outcome arrived.
 */
export function onlineProtocol(options: OnlineOptions): OnlineFigures {
  const { stream } = options;
  const calibration = createCalibration();
  const router = createRouter({ policy: options.policy, calibration });
  const pending = new PendingOutcomes();
  const routes: BenchRoute[] = [];
  const shadowed: boolean[] = [];
  let received = 0;
  let snapshot: { calibration: Calibration; atTask: number } | null = null;
  const deliverUntil = (time: number, atTask: number) => {
    while (pending.size > 0 && pending.peekAt() <= time) {
      router.recordOutcome(pending.pop());
      received++;
      if (received === options.eceOutcomes) snapshot = { calibration: createCalibration(calibration.snapshot()), atTask };
    }
  };
  for (let i = 0; i < stream.tasks.length; i++) {
    const now = i * options.arrivalSec;
    deliverUntil(now, i);
    const t = stream.tasks[i]!;
    const decision = router.decide(t.observed);
    routes.push(decision.route);
    shadowed.push(decision.shadow);
    if (decision.shadow) {
      const blind = shadowOutcome(stream, i);
      pending.push(now + blind.delaySec, { kind: t.latent.kind, route: "autonomous", outcome: blind.outcome, modelFailure: decision.calibration.modelFailure });
    }
    const known = streamOutcome(stream, i, decision.route);
    if (known !== null) {
      pending.push(now + known.delaySec, {
        kind: t.latent.kind,
        route: decision.route,
        outcome: known.outcome,
        modelFailure: decision.calibration.modelFailure,
        ...(known.outcome === "approved" ? { failureShare: decision.calibration.approvedFailure } : {}),
      });
    }
  }
  const figures = protocolFigures(stream, routes, options.perKind, options.perMinute, Math.floor(stream.tasks.length / 2), shadowed);
  const at500 = snapshot as { calibration: Calibration; atTask: number } | null;
  return {
    ...figures,
    streamTasks: stream.tasks.length,
    outcomesReceived: received,
    ece500: at500 === null ? null : agentCalibrationError(options.evaluation, options.policy, at500.calibration).ece,
    ece500AtTask: at500?.atTask ?? null,
  };
}
