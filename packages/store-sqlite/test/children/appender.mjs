// A child process that drives one run through a long series of appends (attempts, and every fifth attempt a
// checkpoint that the next append answers), printing "progress SEQ" after each commit. It continues a run
// from wherever its journal stands, so a second process can pick up after the first was killed.
// Usage: node appender.mjs DB_PATH RUN_ID APPENDS [complete]
import { createRouter } from "@convergent/router";
import { createSqliteStore } from "../../dist/index.js";

const [path, runId, appendsArg, complete] = process.argv.slice(2);
const appends = Number(appendsArg);
const store = createSqliteStore({ path });
const task = {
  id: `task-${runId}`,
  kind: "code.fix-test",
  title: "Make parseDate accept ISO week dates",
  signals: { feedbackLatencySec: 30, ruleClosure: 0.9, driftHalfLifeSec: 94608000, horizonSec: 1800 },
  stakes: { cost: 50, reversible: true },
};
// About 20 kB per attempt, so a good share of the process's time is spent inside append transactions.
const output = (attempt) => ({ attempt, patch: `--- a/date.ts\n+++ b/date.ts\n${"+ // ünïcode line 🧪\n".repeat(900)}`, notes: [attempt, null, "ok"] });

let journal = await store.readRun(runId);
let seq = journal.length;
const append = async (events) => {
  const stamped = await store.append(runId, seq, events);
  seq += stamped.length;
  process.stdout.write(`progress ${seq}\n`);
};

const router = createRouter();
if (seq === 0) await append([{ type: "run.submitted", data: { task, mode: "auto", acceptance: false } }, { type: "run.routed", data: { decision: router.decide(task), policy: router.policy } }]);
let attempt = journal.filter((e) => e.type === "attempt.started").length;
for (let i = 0; i < appends; i++) {
  const [open] = await store.listCheckpoints({ runId });
  if (open !== undefined) {
    await append([{ type: "checkpoint.answered", data: { checkpointId: open.checkpoint.id, answer: { type: "approve" }, reviewer: { id: "auto-reviewer", roles: ["reviewer"] }, idempotencyKey: `answer-${open.checkpoint.id}` } }]);
    continue;
  }
  attempt++;
  const events = [
    { type: "attempt.started", data: { attempt, idempotencyKey: `${runId}-attempt-${attempt}`, reservedCost: 0.05 } },
    { type: "attempt.recorded", data: { attempt, output: output(attempt), usage: { tokens: 1200, cost: 0.012 }, durationMs: 850 } },
    { type: "attempt.verified", data: { attempt, verdict: { passed: false, error: 1 / attempt, feedback: "2 tests still fail" }, sandbox: "vitest", durationMs: 40 } },
  ];
  if (attempt % 5 === 0) {
    const now = await store.now();
    events.push({
      type: "checkpoint.opened",
      data: {
        checkpoint: {
          id: `${runId}-cp-${attempt}`,
          runId,
          kind: "approve",
          purpose: "review",
          attempt,
          question: `Does attempt ${attempt} fix the test?`,
          reasons: ["supervised: each attempt is approved"],
          assigneeRoles: ["reviewer", "ops"],
          deadline: now + 3_600_000,
          onTimeout: { action: "fail" },
          openedAt: now,
        },
      },
    });
  }
  await append(events);
}
if (complete === "complete") await append([{ type: "run.completed", data: { status: "succeeded", output: output(attempt), reason: "the sandbox passed", outcome: { route: "autonomous", result: "succeeded" } } }]);
process.stdout.write(`done ${seq}\n`);
await store.close();
