// The demo as a whole: the registries, the sample tasks and their routes, and the batch run end to end on a real runtime.
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { type Policy, createRouter, loadPolicy } from "@convergent/router";
import { type RunSummary, createMemoryStore, createRuntime } from "@convergent/runtime";
import { beforeAll, describe, expect, it } from "vitest";
import { demoAgents, demoKinds, demoSandboxes } from "./index.js";
import { demoTasks } from "./testing.js";

const samplePolicyPath = fileURLToPath(new URL("../../samples/policy.yaml", import.meta.url));
let samplePolicy: Policy;
beforeAll(async () => {
  samplePolicy = await loadPolicy(samplePolicyPath);
});

/** The route each sample task is meant to take under the sample team policy. */
const intended: Record<string, string> = {
  "demo-fix-slugify": "autonomous",
  "demo-normalize-crm": "autonomous",
  "demo-normalize-feed": "autonomous",
  "demo-schedule-week": "autonomous",
  "demo-bid-spring": "autonomous",
  "demo-i18n-checkout": "supervised",
  "demo-board-offsite": "human",
  "demo-marketing-q3": "human",
  "demo-hiring-offer": "human",
  "demo-refund-globex": "human",
  "demo-legal-dpa": "human",
};

async function runBatch(): Promise<Map<string, RunSummary & { escalation: string | null }>> {
  const store = createMemoryStore();
  const runtime = createRuntime({ router: createRouter({ policy: samplePolicy }), store, agents: demoAgents(), sandboxes: demoSandboxes() });
  const out = new Map<string, RunSummary & { escalation: string | null }>();
  for (const task of demoTasks()) {
    const run = await runtime.submit(task);
    const state = await runtime.inspect(run.runId);
    out.set(task.id, { ...run, escalation: state?.lastEscalation?.reason ?? null });
  }
  return out;
}

describe("the demo registries", () => {
  it("give one agent and one sandbox per demo kind, fresh on every call", () => {
    const agents = demoAgents();
    const sandboxes = demoSandboxes();
    for (const kind of demoKinds) {
      expect(agents.filter((a) => a.kinds.includes(kind))).toHaveLength(1);
      expect(sandboxes.filter((s) => s.kinds.includes(kind))).toHaveLength(1);
    }
    expect(new Set(agents.map((a) => a.name)).size).toBe(agents.length);
    expect(new Set(sandboxes.map((s) => s.name)).size).toBe(sandboxes.length);
    expect(demoAgents()[0]).not.toBe(agents[0]);
  });

  it("never turn task or agent text into code", () => {
    const dir = fileURLToPath(new URL(".", import.meta.url));
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
    expect(files.length).toBeGreaterThan(15);
    for (const file of files) {
      const source = readFileSync(join(dir, file), "utf8");
      expect(source, file).not.toMatch(/\beval\s*\(|new\s+Function\s*\(|node:vm|["']vm["']|child_process|\bimport\s*\(/);
    }
  });
});

describe("samples/demo-tasks.jsonl", () => {
  it("holds eleven valid tasks with distinct ids", () => {
    const tasks = demoTasks();
    expect(tasks).toHaveLength(11);
    expect(new Set(tasks.map((t) => t.id)).size).toBe(11);
    expect(tasks.map((t) => t.id).sort()).toEqual(Object.keys(intended).sort());
  });

  it("routes each task as intended under the sample team policy, as the route command shows", () => {
    const router = createRouter({ policy: samplePolicy });
    for (const task of demoTasks()) expect([task.id, router.decide(task).route]).toEqual([task.id, intended[task.id]]);
  });

  it("routes the convergent tasks autonomous under the default policy too", () => {
    const router = createRouter();
    for (const task of demoTasks()) {
      if (intended[task.id] === "autonomous") expect([task.id, router.decide(task).route]).toEqual([task.id, "autonomous"]);
    }
  });
});

describe("the demo batch on a real runtime", () => {
  it("converges the convergent tasks, escalates the diverging one, and leaves the rest to people", async () => {
    const runs = await runBatch();
    const summary = Object.fromEntries([...runs].map(([id, r]) => [id, { status: r.status, route: r.route, attempts: r.attempts, escalation: r.escalation }]));
    expect(summary).toEqual({
      "demo-fix-slugify": { status: "succeeded", route: "autonomous", attempts: 6, escalation: null },
      "demo-normalize-crm": { status: "succeeded", route: "autonomous", attempts: 3, escalation: null },
      "demo-normalize-feed": { status: "succeeded", route: "autonomous", attempts: runs.get("demo-normalize-feed")!.attempts, escalation: null },
      "demo-schedule-week": { status: "succeeded", route: "autonomous", attempts: 3, escalation: null },
      "demo-bid-spring": { status: "waiting", route: "autonomous", attempts: 3, escalation: "diverging" },
      "demo-i18n-checkout": { status: "waiting", route: "supervised", attempts: 2, escalation: null },
      "demo-board-offsite": { status: "waiting", route: "human", attempts: 0, escalation: null },
      "demo-marketing-q3": { status: "waiting", route: "human", attempts: 0, escalation: null },
      "demo-hiring-offer": { status: "waiting", route: "human", attempts: 0, escalation: null },
      "demo-refund-globex": { status: "waiting", route: "human", attempts: 0, escalation: null },
      "demo-legal-dpa": { status: "waiting", route: "human", attempts: 0, escalation: null },
    });
    expect(runs.get("demo-i18n-checkout")!.openCheckpoints[0]).toMatchObject({ kind: "approve", purpose: "review" });
    expect(runs.get("demo-bid-spring")!.openCheckpoints[0]).toMatchObject({ kind: "takeover", purpose: "escalation" });
    // The board offsite goes to the executive office, and the scheduler works on it blind beside them.
    expect(runs.get("demo-board-offsite")!.shadow).toMatchObject({ status: "passed", attempts: 3 });
    for (const id of ["demo-board-offsite", "demo-marketing-q3", "demo-hiring-offer", "demo-refund-globex", "demo-legal-dpa"]) {
      expect(runs.get(id)!.openCheckpoints[0]).toMatchObject({ kind: "takeover", purpose: "task" });
    }
    for (const run of runs.values()) {
      expect(run.tokens).toBe(0);
      expect(run.cost).toBeCloseTo(0.001 * (run.attempts + (run.shadow?.attempts ?? 0)), 9);
    }
  });

  it("does the same on a second run: every agent and sandbox is deterministic", async () => {
    const first = await runBatch();
    const second = await runBatch();
    for (const [id, run] of first) {
      const again = second.get(id)!;
      expect([id, again.status, again.attempts, again.output]).toEqual([id, run.status, run.attempts, run.output]);
    }
  });
});
