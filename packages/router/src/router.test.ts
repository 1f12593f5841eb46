import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { costPolicy, fullTask, seconds } from "../test/arbitraries.js";
import { type Decision, type PolicyInput, type Route, type Task, createRouter, parseTask } from "./index.js";

const fixtures = new URL("../test/fixtures/", import.meta.url);
const canonicalTasks = readFileSync(new URL("canonical-tasks.jsonl", fixtures), "utf8")
  .trim()
  .split("\n")
  .map((line) => parseTask(JSON.parse(line)));
const allowedRoutes = JSON.parse(readFileSync(new URL("canonical-routes.json", fixtures), "utf8")).allowedRoutes as Record<string, Route[]>;

const humanness: Record<Route, number> = { autonomous: 0, supervised: 1, human: 2 };
const h = (d: Decision) => humanness[d.route];

function withSignals(task: Task, signals: Partial<NonNullable<Task["signals"]>>): Task {
  return { ...task, signals: { ...task.signals, ...signals } };
}

describe("createRouter().decide", () => {
  it("routes the canonical tasks as the default policy allows", () => {
    const router = createRouter();
    for (const task of canonicalTasks) {
      expect({ id: task.id, route: router.decide(task).route }).toEqual({
        id: task.id,
        route: expect.toSatisfy((r: Route) => allowedRoutes[task.id]!.includes(r)),
      });
    }
    expect(canonicalTasks).toHaveLength(10);
  });

  it("never makes the route more autonomous when the stakes rise", () => {
    fc.assert(
      fc.property(costPolicy, fullTask, fc.double({ min: 1, max: 1e4, noNaN: true }), fc.boolean(), (policy, task, factor, makeIrreversible) => {
        const router = createRouter({ policy });
        const higher: Task = {
          ...task,
          stakes: { cost: task.stakes!.cost! * factor + 1, reversible: makeIrreversible ? false : task.stakes!.reversible! },
        };
        expect(h(router.decide(higher))).toBeGreaterThanOrEqual(h(router.decide(task)));
      }),
      { numRuns: 400 },
    );
  });

  it("never makes the route more human when closure rises", () => {
    fc.assert(
      fc.property(costPolicy, fullTask, fc.double({ min: 0, max: 1, noNaN: true }), (policy, task, other) => {
        const router = createRouter({ policy });
        const c = task.signals!.ruleClosure!;
        const [lo, hi] = c <= other ? [c, other] : [other, c];
        expect(h(router.decide(withSignals(task, { ruleClosure: hi })))).toBeLessThanOrEqual(h(router.decide(withSignals(task, { ruleClosure: lo }))));
      }),
      { numRuns: 400 },
    );
  });

  it("never makes the route more autonomous when feedback is slower or drift faster", () => {
    fc.assert(
      fc.property(costPolicy, fullTask, fc.double({ min: 1, max: 1e4, noNaN: true }), (policy, task, factor) => {
        const router = createRouter({ policy });
        const before = h(router.decide(task));
        const L = task.signals!.feedbackLatencySec!;
        expect(h(router.decide(withSignals(task, { feedbackLatencySec: L === null ? null : L * factor })))).toBeGreaterThanOrEqual(before);
        expect(h(router.decide(withSignals(task, { feedbackLatencySec: null })))).toBeGreaterThanOrEqual(before);
        const hl = task.signals!.driftHalfLifeSec!;
        expect(h(router.decide(withSignals(task, { driftHalfLifeSec: hl === null ? 86_400 : hl / factor })))).toBeGreaterThanOrEqual(
          hl === null ? h(router.decide(withSignals(task, { driftHalfLifeSec: null }))) : before,
        );
      }),
      { numRuns: 400 },
    );
  });

  it("never makes the route more human when a sandbox profile is added", () => {
    const sandbox = fc.record(
      { feedbackLatencySec: seconds(0.5, 1e6), ruleClosure: fc.double({ min: 0, max: 1, noNaN: true }) },
      { requiredKeys: [] },
    ).filter((s) => Object.keys(s).length > 0);
    const partialTask = fullTask.chain((task) =>
      fc.record({ dropLatency: fc.boolean(), dropClosure: fc.boolean() }).map(({ dropLatency, dropClosure }) => {
        const { feedbackLatencySec, ruleClosure, ...rest } = task.signals!;
        return {
          ...task,
          signals: { ...rest, ...(dropLatency ? {} : { feedbackLatencySec }), ...(dropClosure ? {} : { ruleClosure }) },
        };
      }),
    );
    fc.assert(
      fc.property(costPolicy, partialTask, sandbox, (policy, task, profile) => {
        const without = createRouter({ policy });
        const withSandbox = createRouter({ policy: { ...policy, sandboxes: [{ kind: task.kind, ...profile }] } });
        expect(h(withSandbox.decide(task))).toBeLessThanOrEqual(h(without.decide(task)));
      }),
      { numRuns: 400 },
    );
  });

  it("gives the same decision for the same input, in the same or another router", () => {
    fc.assert(
      fc.property(costPolicy, fullTask, (policy, task) => {
        const a = createRouter({ policy }).decide(task);
        const b = createRouter({ policy });
        expect(b.decide(task)).toEqual(a);
        expect(b.decide(structuredClone(task))).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it("never lets missing signals look more convergent than declared ones", () => {
    fc.assert(
      fc.property(fullTask, fc.constantFrom("feedbackLatencySec", "ruleClosure", "driftHalfLifeSec", "horizonSec"), (task, field) => {
        const router = createRouter();
        const declared = router.decide(task);
        const { [field]: _dropped, ...rest } = task.signals!;
        const missing = router.decide({ ...task, signals: rest });
        // The defaults are the worst value for latency and closure; for drift and horizon they are
        // conservative (1 day, the budget's wall time), so compare against declared values at least that good.
        const value = task.signals![field];
        const comparable =
          field === "driftHalfLifeSec" ? value === null || (value as number) >= 86_400 : field === "horizonSec" ? (value as number) >= 1800 : true;
        if (!comparable) return;
        expect(missing.convergence.score).toBeLessThanOrEqual(declared.convergence.score + 1e-12);
        expect(h(missing)).toBeGreaterThanOrEqual(h(declared));
        expect(missing.signals[field].source).toBe("default");
      }),
      { numRuns: 400 },
    );
  });

  it("explains a decision: reasons, expected cost per route, provenance and the policy", () => {
    const router = createRouter();
    const d = router.decide(canonicalTasks[0]!);
    expect(d.route).toBe("autonomous");
    expect(d.reasons[0]).toMatch(/^Autonomous: expected cost \d+\.\d\d USD \(vs supervised \d+\.\d\d USD, human \d+\.\d\d USD\)\.$/);
    expect(d.reasons[1]).toMatch(/^Convergence 0\.89\. Limited by rule closure/);
    expect(d.expectedCost.autonomous).toBeLessThan(d.expectedCost.supervised);
    expect(d.expectedCost.autonomous).toBe(d.estimates.autonomous.total);
    expect(d.signals.ruleClosure).toEqual({ value: 0.9, source: "declared" });
    expect(d.policy).toEqual({ id: "convergent-default", version: 1, hash: expect.stringMatching(/^sha256:[0-9a-f]{16}$/) });
    expect(d.convergence.scorerVersion).toBe("convergence-v1");
    expect(d.calibration.snapshotId).toMatch(/^sha256:/);
  });

  it("says which signals were assumed when a task declares none", () => {
    const d = createRouter().decide(canonicalTasks[9]!);
    expect(d.route).toBe("human");
    expect(d.signals.feedbackLatencySec).toEqual({ value: null, source: "default" });
    expect(d.reasons).toContain(
      "Not declared, so assumed conservatively: feedback never arrives, nothing is machine-checkable, half-life 86400 s, horizon 1800 s.",
    );
    expect(d.stakes).toEqual({ cost: 1000, reversible: false, effective: 1000, source: "default" });
  });
});

describe("rules", () => {
  const policy: PolicyInput = {
    id: "acme-support",
    version: 3,
    rules: [
      { id: "big-refunds", when: { kind: "payments.refund", stakes: { cost: { gt: 10_000 } } }, route: "human" },
      { id: "no-solo-legal", when: { kind: "legal.*" }, forbid: ["autonomous"] },
      { id: "finance-eyes", when: { tags: { includes: "finance" } }, requireRoles: ["finance"], deadlineSec: 3600 },
      { id: "lint-is-safe", when: { kind: "code.format" }, route: "autonomous" },
      { id: "vip", when: { metadata: { customer: { tier: { in: ["gold", "platinum"] } } } }, forbid: ["autonomous", "supervised"] },
    ],
  };
  const router = createRouter({ policy });
  const task = (over: Partial<Task>): Task => ({
    id: "t",
    kind: "code.fix-test",
    title: "t",
    signals: { feedbackLatencySec: 30, ruleClosure: 0.9, driftHalfLifeSec: null, horizonSec: 1800 },
    stakes: { cost: 50, reversible: true },
    ...over,
  });

  it("forces a route and names the rule", () => {
    const d = router.decide(task({ kind: "payments.refund", stakes: { cost: 40_000, reversible: false } }));
    expect(d.route).toBe("human");
    expect(d.rules).toEqual(["big-refunds"]);
    expect(d.reasons[0]).toBe("Human: rule big-refunds forces it.");
    expect(router.decide(task({ kind: "payments.refund", stakes: { cost: 5, reversible: true } })).rules).toEqual([]);
  });

  it("forces a route even below the autonomy guard", () => {
    const d = router.decide(task({ kind: "code.format", signals: {} }));
    expect(d.convergence.score).toBe(0);
    expect(d.route).toBe("autonomous");
  });

  it("forbids routes for a kind glob and picks the cheapest remaining", () => {
    const d = router.decide(task({ kind: "legal.contracts.review" }));
    expect(d.allowedRoutes).toEqual(["supervised", "human"]);
    expect(d.route).toBe("supervised");
    expect(d.forbidden).toContainEqual({ route: "autonomous", by: "rule:no-solo-legal" });
    expect(d.reasons).toContain("Rule no-solo-legal forbids autonomous.");
  });

  it("requires reviewer roles and sets the checkpoint deadline", () => {
    const d = router.decide(task({ tags: ["finance"] }));
    expect(d.assigneeRoles).toEqual(["finance"]);
    expect(d.deadlineSec).toBe(3600);
    expect(router.decide(task({})).assigneeRoles).toEqual(["reviewer"]);
  });

  it("matches nested metadata", () => {
    expect(router.decide(task({ metadata: { customer: { tier: "gold" } } })).route).toBe("human");
    expect(router.decide(task({ metadata: { customer: { tier: "free" } } })).route).toBe("autonomous");
    expect(router.decide(task({ metadata: { customer: "gold" } })).route).toBe("autonomous");
  });

  it("takes the most human allowed route when one rule forces what another forbids", () => {
    const r = createRouter({
      policy: {
        id: "p",
        version: 1,
        rules: [
          { id: "force-human", when: {}, route: "human" },
          { id: "no-human", when: {}, forbid: ["human"] },
        ],
      },
    });
    const d = r.decide(task({}));
    expect(d.route).toBe("supervised");
    expect(d.reasons).toContain("Rule force-human forces human, but another rule forbids it: the most human allowed route is taken.");
  });

  it("keeps the top-level values for what a kind override leaves out", () => {
    const r = createRouter({
      policy: {
        id: "p",
        version: 1,
        costs: { reviewerPerMinute: 2, irreversibleMultiplier: 5 },
        kinds: [
          { kind: "legal.*", costs: { humanTaskMinutes: 90 } },
          { kind: "legal.nda", human: { errorRate: 0.01 } },
        ],
      },
    });
    const d = r.decide(task({ kind: "legal.nda", stakes: { cost: 100, reversible: false } }));
    expect(d.stakes.effective).toBe(500);
    expect(d.estimates.human.humanMinutes).toBe(90);
    expect(d.estimates.human.total).toBeCloseTo(90 * 2 + 0.01 * 500, 9);
  });

  it("applies a kind's own irreversible multiplier", () => {
    const r = createRouter({ policy: { id: "p", version: 1, kinds: [{ kind: "payments.*", costs: { irreversibleMultiplier: 10 } }] } });
    expect(r.decide(task({ kind: "payments.refund", stakes: { cost: 100, reversible: false } })).stakes.effective).toBe(1000);
    expect(r.decide(task({ kind: "code.fix", stakes: { cost: 100, reversible: false } })).stakes.effective).toBe(100);
  });

  it("falls back to a person when every route is forbidden", () => {
    const r = createRouter({ policy: { id: "p", version: 1, rules: [{ id: "nothing", when: {}, forbid: ["autonomous", "supervised", "human"] }] } });
    const d = r.decide(task({}));
    expect(d.route).toBe("human");
    expect(d.reasons[0]).toBe("Human: every route is forbidden, so a person decides.");
  });
});

describe("guards and exploration", () => {
  const lowStakes: Task = {
    id: "x",
    kind: "support.reply",
    title: "x",
    signals: { feedbackLatencySec: 600, ruleClosure: 0.5, driftHalfLifeSec: 2_592_000, horizonSec: 3600 },
    stakes: { cost: 90, reversible: true },
  };

  it("forbids autonomy above the stakes guard", () => {
    const r = createRouter({ policy: { id: "g", version: 1, guards: { autonomous: { minScore: 0, maxStakes: 10 } } } });
    const d = r.decide(lowStakes);
    expect(d.forbidden).toContainEqual({ route: "autonomous", by: "guard:autonomous.maxStakes" });
    expect(d.route).not.toBe("autonomous");
  });

  it("explores a deterministic share of low-stakes tasks one step more autonomous", () => {
    const base = createRouter({ policy: { id: "e", version: 1 } });
    const exploring = createRouter({ policy: { id: "e", version: 1, exploration: { rate: 0.3, maxStakes: 100 } } });
    expect(base.decide(lowStakes).route).toBe("supervised");
    let explored = 0;
    for (let i = 0; i < 1000; i++) {
      const t = { ...lowStakes, id: `t-${i}` };
      const a = base.decide(t);
      const b = exploring.decide(t);
      expect(exploring.decide(t)).toEqual(b);
      if (b.explored) {
        explored++;
        expect(humanness[b.route]).toBe(humanness[a.route] - 1);
      } else expect(b.route).toBe(a.route);
    }
    expect(explored).toBeGreaterThan(255);
    expect(explored).toBeLessThan(345);
    const big = exploring.decide({ ...lowStakes, id: "t-1", stakes: { cost: 1e6, reversible: true } });
    expect(big.explored).toBe(false);
  });

  it("lifts the autonomy guard for a kind whose agent outcomes prove it, never the stakes guard", () => {
    // Closure 0.2 scores 0.11, below the 0.25 guard; the agent turns out to do this kind well.
    const task: Task = { id: "l", kind: "ops.label", title: "l", signals: { feedbackLatencySec: 5, ruleClosure: 0.2, driftHalfLifeSec: null, horizonSec: 600 }, stakes: { cost: 20, reversible: true } };
    const router = createRouter({ policy: { id: "lift", version: 1 } });
    expect(router.decide(task).forbidden).toContainEqual({ route: "autonomous", by: "guard:autonomous.minScore" });
    for (let i = 0; i < 29; i++) router.recordOutcome({ kind: task.kind, route: "supervised", outcome: "succeeded" });
    expect(router.decide(task).allowedRoutes).not.toContain("autonomous");
    for (let i = 0; i < 70; i++) router.recordOutcome({ kind: task.kind, route: "supervised", outcome: "succeeded" });
    const d = router.decide(task);
    expect(d.allowedRoutes).toContain("autonomous");
    expect(d.reasons.some((r) => r.startsWith("Autonomous is allowed although convergence 0.11 is below the policy's minimum of 0.25: 99 agent outcomes of ops.label"))).toBe(true);
    // Evidence of failure keeps it; a guard set to null always holds; the stakes guard is never lifted.
    const failing = createRouter({ policy: { id: "lift", version: 1 } });
    for (let i = 0; i < 99; i++) failing.recordOutcome({ kind: task.kind, route: "supervised", outcome: i % 4 === 0 ? "overridden" : "succeeded" });
    expect(failing.decide(task).allowedRoutes).not.toContain("autonomous");
    const strict = createRouter({ policy: { id: "lift", version: 1, guards: { autonomous: { liftAfter: null, maxStakes: 10 } } } });
    for (let i = 0; i < 99; i++) strict.recordOutcome({ kind: task.kind, route: "supervised", outcome: "succeeded" });
    expect(strict.decide(task).forbidden.map((f) => f.by)).toContain("guard:autonomous.minScore");
    const capped = createRouter({ policy: { id: "lift", version: 1, guards: { autonomous: { maxStakes: 10 } } } });
    for (let i = 0; i < 99; i++) capped.recordOutcome({ kind: task.kind, route: "supervised", outcome: "succeeded" });
    expect(capped.decide(task).forbidden).toContainEqual({ route: "autonomous", by: "guard:autonomous.maxStakes" });
  });

  it("lets uncertainty earn supervised work for a kind people do, fading as the agent's outcomes come in", () => {
    // An open-ended task a person does by cost: no feedback cycle, so the model alone says 0.5.
    const plan: Task = { id: "p", kind: "marketing.plan", title: "p", signals: { feedbackLatencySec: null, ruleClosure: 0.3 }, stakes: { cost: 400, reversible: true } };
    const policy = { id: "s", version: 1, guards: { autonomous: { minScore: 0 } }, exploration: { supervised: true } } as const;
    const tasks = Array.from({ length: 400 }, (_, i) => ({ ...plan, id: `p-${i}` }));
    const share = (router: ReturnType<typeof createRouter>) => tasks.filter((t) => router.decide(t).explored).length / tasks.length;
    const plain = createRouter({ policy: { ...policy, exploration: { supervised: false } } });
    expect(tasks.every((t) => plain.decide(t).route === "human")).toBe(true);
    const fresh = createRouter({ policy });
    const early = share(fresh);
    expect(early).toBeGreaterThan(0.05);
    const explored = fresh.decide(tasks.find((t) => fresh.decide(t).explored)!);
    expect(explored.route).toBe("supervised");
    expect(explored.reasons[1]).toMatch(/^Supervised instead of human: with 0 agent outcomes of marketing\.plan, an agent failure rate of \d+(\.\d)?% is still plausible/);
    // The reviewed tries keep failing: the spread narrows around a high failure rate and exploration stops.
    for (let i = 0; i < 300; i++) fresh.recordOutcome({ kind: "marketing.plan", route: "supervised", outcome: "overridden" });
    expect(share(fresh)).toBe(0);
    // A rule that forces people is never explored past.
    const forced = createRouter({ policy: { ...policy, rules: [{ id: "people", when: { kind: "marketing.*" }, route: "human" }] } });
    expect(share(forced)).toBe(0);
  });
});

describe("decide with a runtime sandbox", () => {
  it("combines a registered sandbox's feedback with the policy's profiles, best value winning", () => {
    const router = createRouter({ policy: { id: "s", version: 1, sandboxes: [{ kind: "code.*", name: "lint", feedbackLatencySec: 5, ruleClosure: 0.3 }] } });
    const task: Task = { id: "a", kind: "code.fix-test", title: "fix", stakes: { cost: 50, reversible: true } };
    const d = router.decide(task, { sandbox: { feedbackLatencySec: 40, latencyFrom: "sandbox vitest", ruleClosure: 0.9, closureFrom: "sandbox vitest" } });
    expect(d.signals.feedbackLatencySec).toEqual({ value: 5, source: "sandbox", note: "sandbox lint (code.*)" });
    expect(d.signals.ruleClosure).toEqual({ value: 0.9, source: "sandbox", note: "sandbox vitest" });
    expect(d.route).toBe("autonomous");
    expect(router.decide(task).signals.ruleClosure.value).toBe(0.3);
  });
});

describe("decideAsync", () => {
  it("asks the estimator only for missing signals and marks its values as estimated", async () => {
    const asked: string[][] = [];
    const router = createRouter({
      policy: { id: "s", version: 1, sandboxes: [{ kind: "code.*", name: "unit-tests", feedbackLatencySec: 30, ruleClosure: 0.9 }] },
      estimator: {
        name: "stub-llm",
        estimate(_task, missing) {
          asked.push([...missing]);
          return { driftHalfLifeSec: { value: 31_536_000, reason: "code changes slowly" }, horizonSec: { value: 1800 } };
        },
      },
    });
    const d = await router.decideAsync({ id: "a", kind: "code.fix-test", title: "fix", stakes: { cost: 50, reversible: true } });
    expect(asked).toEqual([["driftHalfLifeSec", "horizonSec"]]);
    expect(d.signals.feedbackLatencySec).toEqual({ value: 30, source: "sandbox", note: "sandbox unit-tests (code.*)" });
    expect(d.signals.driftHalfLifeSec).toEqual({ value: 31_536_000, source: "estimated", note: "stub-llm: code changes slowly" });
    expect(d.signals.horizonSec).toEqual({ value: 1800, source: "estimated", note: "stub-llm" });
    expect(d.route).toBe("autonomous");
    expect(d.reasons).toContain("Sandbox unit-tests (code.*) gives feedback in 30 s and closure 0.9.");
    const full = await router.decideAsync(canonicalTasks[0]!);
    expect(asked).toHaveLength(1);
    expect(full.signals.feedbackLatencySec.source).toBe("declared");
  });
});

describe("shadow runs", () => {
  const shadowed = (policy: PolicyInput, share: number): PolicyInput => ({ ...policy, shadow: { share, untilOutcomes: null } });

  it("are asked only for tasks the cost decision gives a person, never when the policy shadows none, and as often as the share says", () => {
    fc.assert(
      fc.property(costPolicy, fullTask, fc.double({ min: 0, max: 1, noNaN: true }), (policy, task, share) => {
        const decision = createRouter({ policy: shadowed(policy, share) }).decide(task);
        if (decision.shadow) expect(decision).toMatchObject({ route: "human", forcedBy: null });
        // Shadowing changes no route and no cost: it is evidence beside the decision, not a part of it.
        const plain = createRouter({ policy: shadowed(policy, 0) }).decide(task);
        expect(plain.shadow).toBe(false);
        expect({ route: decision.route, expectedCost: decision.expectedCost }).toEqual({ route: plain.route, expectedCost: plain.expectedCost });
        // The same task under the same policy is shadowed or not the same way every time.
        expect(createRouter({ policy: shadowed(policy, share) }).decide(task).shadow).toBe(decision.shadow);
      }),
    );
    const router = createRouter({ policy: { id: "p", version: 1, shadow: { share: 0.3 } } });
    const human: Task = { id: "x", kind: "ops.plan", title: "Plan", signals: { feedbackLatencySec: null, ruleClosure: 0.2 }, stakes: { cost: 5000, reversible: false } };
    const decisions = Array.from({ length: 2000 }, (_, i) => router.decide({ ...human, id: `t-${i}` }));
    expect(decisions.every((d) => d.route === "human")).toBe(true);
    const share = decisions.filter((d) => d.shadow).length / decisions.length;
    expect(share).toBeGreaterThan(0.26);
    expect(share).toBeLessThan(0.34);
  });

  it("are never asked where a rule forced the person, and stop once the kind has the outcomes the policy wanted", () => {
    const policy: PolicyInput = {
      id: "p",
      version: 1,
      shadow: { share: 1, untilOutcomes: 3 },
      kinds: [{ kind: "ops.quiet", shadow: { share: 0 } }],
      rules: [{ id: "people-plan-hiring", when: { kind: "hr.*" }, route: "human" }],
    };
    const router = createRouter({ policy });
    const task = (kind: string): Task => ({ id: `t-${kind}`, kind, title: "Plan", signals: { feedbackLatencySec: null, ruleClosure: 0.2 }, stakes: { cost: 5000, reversible: false } });
    expect(router.decide(task("ops.plan")).shadow).toBe(true);
    expect(router.decide(task("ops.plan")).reasons.join(" ")).toContain("A shadow run: the agent also does this task, blind");
    expect(router.decide(task("hr.offer"))).toMatchObject({ route: "human", forcedBy: "people-plan-hiring", shadow: false });
    expect(router.decide(task("ops.quiet")).shadow).toBe(false);
    for (let i = 0; i < 3; i++) router.recordOutcome({ kind: "ops.plan", route: "autonomous", outcome: "succeeded" });
    expect(router.decide(task("ops.plan")).shadow).toBe(false);
  });
});
