// Tests of the audit trail, read back from the pino lines of a real runtime.
import { describe, expect, it } from "vitest";
import { guessTask, hiringTask, setup } from "../test/runtimeFixtures.js";
import { auditTrail, readAudit } from "./audit.js";

describe("auditTrail", () => {
  it("answers who decided what, when and why for a human-route run, and keeps other runs out", async () => {
    const { runtime, out, clock } = setup();
    const auto = await runtime.submit(guessTask);
    clock.advance(60_000);
    const run = await runtime.submit(hiringTask);
    const cp = run.openCheckpoints[0]!;
    clock.advance(15 * 60_000);
    await runtime.answer(cp.id, { type: "answer", value: { hire: true } }, "ada");

    const log = readAudit(out.lines.join("\n"));
    expect(log.skipped).toBe(0);
    const trail = auditTrail(log.records, run.runId);
    expect(trail).toMatchObject({ runId: run.runId, taskId: "h-1", kind: "hiring.decide" });
    expect(trail.entries.map((e) => e.type)).toEqual(["submitted", "decision", "checkpoint-opened", "checkpoint-answered", "completed"]);

    const decision = trail.decision!;
    expect(decision.at).toBe("2026-01-01T09:01:00.000Z");
    expect(decision.route).toBe("human");
    expect(decision.reasons.length).toBeGreaterThan(0);
    expect(decision.reasons.every((r) => typeof r === "string" && r.length > 0)).toBe(true);
    expect(decision.policy).toMatchObject({ id: "audit-test", version: 3 });
    expect(decision.policy!.hash).toMatch(/\S/);

    const answered = trail.entries.find((e) => e.type === "checkpoint-answered");
    expect(answered).toMatchObject({ checkpointId: cp.id, reviewer: "ada", answer: "answer", at: "2026-01-01T09:16:00.000Z" });
    expect(answered!.text).toBe(`ada answered checkpoint ${cp.id} (answer)`);
    expect(trail.completion).toMatchObject({ status: "succeeded", at: "2026-01-01T09:16:00.000Z" });

    // The autonomous run's trail shows its own decision and attempts, none of the human run's entries.
    const autoTrail = auditTrail(log.records, auto.runId);
    expect(autoTrail.decision!.route).toBe("autonomous");
    expect(autoTrail.entries.filter((e) => e.type === "attempt" && e.event === "attempt.verified").map((e) => (e.type === "attempt" ? e.passed : null))).toEqual([false, false, false, true]);
    expect(autoTrail.entries.some((e) => e.type.startsWith("checkpoint"))).toBe(false);
    expect(autoTrail.completion!.status).toBe("succeeded");
  });

  it("shows an escalation with its reason and detail", async () => {
    const { runtime, out } = setup({ guesses: [40, 37, 30] });
    const run = await runtime.submit(guessTask);
    expect(run.status).toBe("waiting");
    const trail = auditTrail(readAudit(out.lines).records, run.runId);
    const escalation = trail.entries.find((e) => e.type === "escalation");
    expect(escalation).toMatchObject({ reason: "diverging", event: "run.escalated" });
    expect(escalation!.type === "escalation" && escalation!.detail).toMatch(/\S/);
    expect(trail.entries.at(-1)).toMatchObject({ type: "checkpoint-opened", purpose: "escalation" });
    expect(trail.completion).toBeUndefined();
  });

  it("shows a checkpoint that expired, with its deadline's action and time", async () => {
    const { runtime, out, clock } = setup();
    const run = await runtime.submit(hiringTask);
    const cp = run.openCheckpoints[0]!;
    clock.advance(3601_000);
    expect(await runtime.expireDue()).toBe(1);
    const trail = auditTrail(readAudit(out.lines).records, run.runId);
    expect(trail.entries.find((e) => e.type === "checkpoint-expired")).toMatchObject({ checkpointId: cp.id, action: "escalate", at: "2026-01-01T10:00:01.000Z" });
  });

  it("orders entries by time, then by the order they were written", () => {
    const line = (event: string, time: number, extra: Record<string, unknown> = {}) => JSON.stringify({ level: 30, time, event, runId: "r", ...extra });
    const { records } = readAudit([line("run.completed", 2000, { status: "succeeded" }), line("run.submitted", 1000), line("run.routed", 1000, { route: "human" })]);
    expect(auditTrail(records, "r").entries.map((e) => e.event)).toEqual(["run.submitted", "run.routed", "run.completed"]);
  });
});

describe("readAudit", () => {
  it("skips and counts lines that are not JSON or not log records, keeping the rest", () => {
    const good = JSON.stringify({ level: 40, time: 1767225600000, event: "run.escalated", runId: "r", reason: "plateau" });
    const log = readAudit(["{\"level\":30,\"time\":17", good, "", "Error: something else wrote here", JSON.stringify({ msg: "no event" }), "[1,2]"].join("\n"));
    expect(log.records).toHaveLength(1);
    expect(log.records[0]).toMatchObject({ event: "run.escalated", level: "warn", runId: "r", line: 2, time: 1767225600000 });
    expect(log.skipped).toBe(4);
    expect(log.skippedLines.map((s) => s.line)).toEqual([1, 4, 5, 6]);
    expect(log.skippedLines[0]!.reason).toBe("not JSON");
  });
});

