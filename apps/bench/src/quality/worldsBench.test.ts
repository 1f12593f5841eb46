// ConvergeBench across worlds at the small size CI runs: the report's structure, determinism, the oracle beating every
// baseline and the router on every world, and the online protocol's delivery of outcomes. No router quality figure is asserted.
import { isConvergentError } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { generateBenchTasks } from "./latentTasks.js";
import { buildOutcomeTable } from "./outcomeTable.js";
import { onlineProtocol, shadowOutcome, streamOutcome, zeroShotProtocol } from "./worldProtocols.js";
import { measureWorld, operatorPolicy } from "./operatorPolicy.js";
import { tunePerKindRoutes } from "./perKindConstant.js";
import { generateWorld } from "./worldGenerator.js";
import { runWorldsBench, worldsBenchSizes } from "./worldsBench.js";
import { formatWorldsMarkdown } from "./worldsMarkdown.js";
import { worldsReportSchema } from "./worldsReport.js";

describe("runWorldsBench", () => {
  const report = runWorldsBench(worldsBenchSizes.small);

  it("produces a report of the documented shape: every world of both splits, both protocols, every target", () => {
    const parsed = worldsReportSchema.parse(report);
    expect(parsed.config.heldOutSeeds).toEqual([0, 1]);
    expect(parsed.config.trainingSeeds).toEqual([1000]);
    expect(parsed.worlds.map((w) => [w.seed, w.split])).toEqual([
      [0, "held-out"],
      [1, "held-out"],
      [1000, "training"],
    ]);
    expect(Object.keys(parsed.targets).sort()).toEqual(["eceAt500", "onlineMeanGap", "zeroShotMeanGap", "zeroShotWorstCostRatio"]);
    for (const w of parsed.worlds) {
      const z = w.zeroShot.routerMix;
      expect(z.autonomous + z.supervised + z.human).toBe(worldsBenchSizes.small.zeroShotTasks);
      expect(w.zeroShot.tasks).toBe(worldsBenchSizes.small.zeroShotTasks);
      expect(w.online.tasks).toBe(worldsBenchSizes.small.onlineTasks / 2);
      expect(w.online.streamTasks).toBe(worldsBenchSizes.small.onlineTasks);
      const c = w.zeroShot.costPerTask;
      expect(c.bestConstant).toBe(Math.min(c.alwaysAutonomous, c.alwaysSupervised, c.alwaysHuman));
    }
    expect(parsed.summary.heldOut.zeroShot.worlds).toBe(2);
    expect(parsed.summary.training.online.worlds).toBe(1);
    expect(parsed.summary.heldOut.zeroShot.ece500).toEqual({ mean: null, worst: null });
  });

  it("is deterministic for a size", () => {
    const again = runWorldsBench(worldsBenchSizes.small);
    expect({ ...again, seconds: 0 }).toEqual({ ...report, seconds: 0 });
  });

  it("has the oracle at or below every baseline and the router on expected cost, on every world and protocol", () => {
    for (const w of report.worlds) {
      for (const f of [w.zeroShot, w.online]) {
        const c = f.costPerTask;
        for (const other of [c.router, c.alwaysAutonomous, c.alwaysSupervised, c.alwaysHuman, c.bestConstant, c.perKindConstant]) expect(c.oracle).toBeLessThanOrEqual(other + 1e-9);
        expect(c.oracle).toBeLessThan(c.bestConstant);
      }
    }
  });

  it("renders every world and target in Markdown", () => {
    const md = formatWorldsMarkdown(report);
    expect(md).toMatch(/^## ConvergeBench across worlds\n/);
    for (const t of Object.values(report.targets)) expect(md).toContain(t.target);
    for (const w of report.worlds) expect(md).toContain(`| ${w.seed} | ${w.split} |`);
  });

  it("rejects options out of range with an INVALID_INPUT error naming the option", () => {
    let caught: unknown;
    try {
      runWorldsBench({ zeroShotTasks: 3 });
    } catch (error) {
      caught = error;
    }
    expect(isConvergentError(caught) && caught.code === "INVALID_INPUT").toBe(true);
    expect((caught as Error).message).toContain("zeroShotTasks");
  });
});

describe("streamOutcome", () => {
  const world = generateWorld(2);
  const tasks = generateBenchTasks({ count: 400, seed: 9, families: world.families });
  const table = buildOutcomeTable(tasks, { seed: 9, reps: 1 });

  it("never delivers an autonomous outcome when feedback never comes, and delivers human outcomes after the person's minutes", () => {
    let never = 0;
    let approvals = 0;
    for (let i = 0; i < tasks.length; i++) {
      const latent = tasks[i]!.latent;
      const auto = streamOutcome(table, i, "autonomous");
      if (latent.latencySec === null) {
        never++;
        expect(auto).toBeNull();
      } else {
        expect(auto).not.toBeNull();
        expect(auto!.delaySec).toBeGreaterThanOrEqual(table.realised[i]!.loop.end === "passed" || table.realised[i]!.loop.end === "no-feedback" ? latent.latencySec : 0);
      }
      const human = streamOutcome(table, i, "human")!;
      expect(human.delaySec).toBeCloseTo(table.realised[i]!.outcomes.human.humanMinutes * 60, 9);
      const sup = streamOutcome(table, i, "supervised");
      const escalated = table.realised[i]!.loop.end !== "passed" && table.realised[i]!.loop.end !== "no-feedback";
      // What the runtime records when the review is answered: a catch or an approval, never a success or a later truth.
      expect(sup?.outcome).toBe(escalated || table.realised[i]!.reviewCaught ? "overridden" : "approved");
      if (sup?.outcome === "approved") approvals++;
    }
    expect(never).toBeGreaterThan(0);
    expect(approvals).toBeGreaterThan(0);
  });
});

describe("shadow runs in the protocols", () => {
  const world = generateWorld(3);
  const tasks = generateBenchTasks({ count: 600, seed: 21, families: world.families });
  const table = buildOutcomeTable(tasks, { seed: 21, reps: 2 });
  const perMinute = world.people.perMinute;
  const perKind = tunePerKindRoutes(table, perMinute);
  const plain = operatorPolicy(measureWorld(world), { perMinute });
  const shadowing = { ...plain, shadow: { share: 1, untilOutcomes: null } };

  it("teach the agent's outcome when the person's result comes in: a stopped loop is overridden, a wrong result (the agent's or the person's) differs", () => {
    for (let i = 0; i < tasks.length; i++) {
      const r = table.realised[i]!;
      const blind = shadowOutcome(table, i);
      expect(blind.delaySec).toBeCloseTo(r.outcomes.human.humanMinutes * 60, 9);
      const stopped = r.loop.end !== "passed" && r.loop.end !== "no-feedback";
      expect(blind.outcome).toBe(stopped ? "overridden" : r.outcomes.autonomous.agentFailed || r.outcomes.human.failed ? "failed" : "succeeded");
    }
  });

  it("change no zero-shot route, charge the agent's spend on every shadowed task, and bring the online stream more outcomes", () => {
    const base = zeroShotProtocol({ table, policy: plain, perKind, perMinute });
    const shadowed = zeroShotProtocol({ table, policy: shadowing, perKind, perMinute });
    expect(shadowed.routerMix).toEqual(base.routerMix);
    expect(shadowed.costPerTask.router).toBeGreaterThan(base.costPerTask.router);
    const online = (policy: typeof plain) => onlineProtocol({ stream: table, evaluation: table, policy, perKind, perMinute, arrivalSec: 60, eceOutcomes: 100 });
    expect(online(shadowing).outcomesReceived).toBeGreaterThan(online(plain).outcomesReceived);
  });
});
