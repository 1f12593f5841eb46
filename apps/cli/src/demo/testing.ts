// Helpers the demo's tests share: a real runtime on the in-memory store, a run's error curve, the sample tasks.
import { readFileSync } from "node:fs";
import { type PolicyInput, type Task, createRouter, parseTask } from "@convergent/router";
import { type Agent, type Reviewer, type Runtime, type Sandbox, type Store, createMemoryStore, createRuntime } from "@convergent/runtime";

/** A real runtime (router, in-memory store) with the given agents and sandboxes. */
export function demoRuntime(agents: readonly Agent[], sandboxes: readonly Sandbox[], policy?: PolicyInput): { runtime: Runtime; store: Store } {
  const store = createMemoryStore();
  const runtime = createRuntime({ router: createRouter(policy === undefined ? {} : { policy }), store, agents, sandboxes });
  return { runtime, store };
}

/** The errors of a run's verified attempts, in order. */
export async function errorCurve(store: Store, runId: string): Promise<number[]> {
  const journal = await store.readRun(runId);
  return journal.flatMap((e) => (e.type === "attempt.verified" ? [e.data.verdict.error] : []));
}

/** A reviewer holding every role a checkpoint asks for. */
export function reviewerFor(roles: readonly string[]): Reviewer {
  return { id: "demo-reviewer", roles: [...roles] };
}

/** The tasks of `samples/demo-tasks.jsonl`, parsed. */
export function demoTasks(): Task[] {
  const text = readFileSync(new URL("../../samples/demo-tasks.jsonl", import.meta.url), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => parseTask(JSON.parse(line)));
}

/** The demo task of a kind (the first one in the samples). */
export function demoTask(kind: string): Task {
  const task = demoTasks().find((t) => t.kind === kind);
  if (task === undefined) throw new Error(`no demo task of kind ${kind}`);
  return task;
}
