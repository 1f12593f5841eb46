// The audit trail built from a run's journal says what the trail read back from the logs says, entry for entry.
import { describe, expect, it } from "vitest";
import { guessTask, hiringTask, setup } from "../test/runtimeFixtures.js";
import { auditTrail, readAudit } from "./audit.js";
import { journalAuditTrail } from "./journalAudit.js";

describe("journalAuditTrail", () => {
  it("gives the same entries, sentences, times and seqs as the logs, for a human-route and an autonomous run", async () => {
    const { runtime, out, clock, store } = setup();
    const auto = await runtime.submit(guessTask);
    clock.advance(60_000);
    const run = await runtime.submit(hiringTask);
    clock.advance(15 * 60_000);
    await runtime.answer(run.openCheckpoints[0]!.id, { type: "answer", value: { hire: true } }, "ada");
    const log = readAudit(out.lines.join("\n"));
    for (const runId of [auto.runId, run.runId]) {
      const fromJournal = journalAuditTrail(await store.readRun(runId));
      const fromLogs = auditTrail(log.records, runId);
      expect(fromJournal).toEqual(fromLogs);
      expect(fromJournal.entries.length).toBeGreaterThanOrEqual(5);
    }
    const trail = journalAuditTrail(await store.readRun(run.runId));
    expect(trail.entries.map((e) => e.text)).toEqual([
      "task h-1 (hiring.decide) submitted",
      `routed human by policy audit-test v3: ${trail.decision!.reasons.join(" ")}`,
      `checkpoint ${run.openCheckpoints[0]!.id} opened (task)`,
      `ada answered checkpoint ${run.openCheckpoints[0]!.id} (answer)`,
      "run succeeded: done by a person",
    ]);
  });

  it("is empty for an empty journal", () => {
    expect(journalAuditTrail([])).toEqual({ runId: "", taskId: undefined, kind: undefined, entries: [], decision: undefined, completion: undefined });
  });
});
