// Tests of the pino Logger: record shape inside a real runtime, levels, redaction, pretty output.
import { isConvergentError } from "@convergent/router";
import { manualClock } from "@convergent/runtime/testing";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { guessTask, hiringTask, memoryStream, setup } from "../test/runtimeFixtures.js";
import { createPinoLogger } from "./pinoLogger.js";

describe("createPinoLogger in a real runtime", () => {
  it("writes one pino JSON line per runtime event, with the stable field names at the top level", async () => {
    const { runtime, out } = setup();
    const run = await runtime.submit(guessTask);
    expect(run.status).toBe("succeeded");
    const records = out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r["event"])).toEqual([
      "run.submitted",
      "run.routed",
      ...Array(4).fill(["attempt.started", "attempt.recorded", "attempt.verified"]).flat(),
      "run.completed",
    ]);
    const routed = records.find((r) => r["event"] === "run.routed")!;
    expect(routed).toMatchObject({
      level: 30,
      msg: "run.routed",
      service: "convergent-test",
      runId: run.runId,
      taskId: "g-1",
      kind: "math.guess",
      route: "autonomous",
      policy: { id: "audit-test", version: 3 },
    });
    expect(typeof routed["time"]).toBe("number");
    expect(records.every((r) => r["runId"] === run.runId && r["taskId"] === "g-1")).toBe(true);
    expect(records.at(-1)).toMatchObject({ event: "run.completed", status: "succeeded", route: "autonomous" });
  });

  it("records a human-route run's checkpoint and its reviewer under checkpointId and reviewer", async () => {
    const { runtime, out } = setup();
    const run = await runtime.submit(hiringTask);
    const cp = run.openCheckpoints[0]!;
    await runtime.answer(cp.id, { type: "answer", value: { hire: true } }, "ada");
    const records = out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.find((r) => r["event"] === "checkpoint.opened")).toMatchObject({ runId: run.runId, taskId: "h-1", checkpointId: cp.id, route: "human" });
    expect(records.find((r) => r["event"] === "checkpoint.answered")).toMatchObject({ runId: run.runId, checkpointId: cp.id, reviewer: "ada", answer: "answer" });
  });
});

describe("redaction", () => {
  it("redacts secret-looking fields by default, at the top level and one level down", () => {
    const out = memoryStream();
    const logger = createPinoLogger({ destination: out });
    logger.info("agent.configured", { apiKey: "sk-123", model: { token: "t-456", name: "gpt" }, runId: "r" });
    const record = JSON.parse(out.lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({ event: "agent.configured", apiKey: "[Redacted]", model: { token: "[Redacted]", name: "gpt" }, runId: "r" });
    expect(out.lines[0]).not.toContain("sk-123");
    expect(out.lines[0]).not.toContain("t-456");
  });

  it("uses the given paths instead of the defaults, and redacts nothing when told", () => {
    const custom = memoryStream();
    createPinoLogger({ destination: custom, redact: { paths: ["detail.ssn"], censor: "***" } }).info("x", { apiKey: "sk-1", detail: { ssn: "123-45" } });
    expect(JSON.parse(custom.lines[0]!)).toMatchObject({ apiKey: "sk-1", detail: { ssn: "***" } });
    const none = memoryStream();
    createPinoLogger({ destination: none, redact: false }).info("x", { password: "hunter2" });
    expect(JSON.parse(none.lines[0]!)).toMatchObject({ password: "hunter2" });
  });
});

describe("createPinoLogger options", () => {
  it("maps warn and error to pino's levels and drops what is below `level`", () => {
    const out = memoryStream();
    const logger = createPinoLogger({ destination: out, level: "warn" });
    logger.info("run.submitted", { runId: "r" });
    logger.warn("run.escalated", { runId: "r" });
    logger.error("run.failed", { runId: "r" });
    expect(out.lines.map((l) => JSON.parse(l) as { level: number; event: string })).toMatchObject([
      { level: 40, event: "run.escalated" },
      { level: 50, event: "run.failed" },
    ]);
  });

  it("keeps the event name even when a field is called event", () => {
    const out = memoryStream();
    createPinoLogger({ destination: out }).info("checkpoint.answered", { event: "forged" });
    expect(JSON.parse(out.lines[0]!)).toMatchObject({ event: "checkpoint.answered" });
  });

  it("writes through an existing pino logger, with base fields and the default redaction", () => {
    const out = memoryStream();
    const logger = createPinoLogger({ pino: pino({ base: null }, out), base: { service: "api" } });
    logger.warn("run.escalated", { runId: "r", authorization: "Bearer x" });
    expect(JSON.parse(out.lines[0]!)).toMatchObject({ level: 40, service: "api", event: "run.escalated", runId: "r", authorization: "[Redacted]" });
  });

  it("refuses options an existing pino logger cannot take", () => {
    let caught: unknown;
    try {
      createPinoLogger({ pino: pino(), format: "pretty" });
    } catch (error) {
      caught = error;
    }
    expect(isConvergentError(caught) && caught.code).toBe("INVALID_INPUT");
    expect((caught as Error).message).toContain("format");
  });

  it("writes pino-pretty lines when asked for pretty output", () => {
    const out = memoryStream();
    const clock = manualClock(Date.UTC(2026, 0, 1, 9, 0, 0));
    createPinoLogger({ destination: out, format: "pretty", colorize: false, clock }).warn("run.escalated", { runId: "run-1", reason: "plateau", apiKey: "sk-9" });
    const text = out.lines.join("\n");
    expect(text).toMatch(/WARN.*run\.escalated/);
    expect(text).toContain('runId: "run-1"');
    expect(text).toContain('apiKey: "[Redacted]"');
    expect(() => JSON.parse(out.lines[0]!)).toThrow();
  });
});
