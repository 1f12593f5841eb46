import { type PolicyInput, type Task, createRouter } from "@convergent/router";
import { AIMessageChunk } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { structuredFakeModel, textOf, toolReply } from "../test/fakes.js";
import { type EstimatorFallback, llmSignalEstimator } from "./llmSignalEstimator.js";

const policy: PolicyInput = { id: "estimator-test", version: 1 };

/** Declares closure and horizon; leaves latency and drift to the estimator. */
const task: Task = {
  id: "t-1",
  kind: "code.fix-test",
  title: "Make the failing parser test pass",
  input: { file: "src/parse.ts" },
  signals: { ruleClosure: 0.9, horizonSec: 1800 },
  stakes: { cost: 100, reversible: true },
};

const goodReply = toolReply("signal_estimate", {
  feedbackLatencySec: { value: 30, reason: "The test suite runs in about half a minute." },
  driftHalfLifeSec: { value: null, reason: "The code does not change underneath the agent." },
});

describe("llmSignalEstimator", () => {
  it("asks only for the missing signals and the router marks them estimated, keeping declared ones", async () => {
    const model = structuredFakeModel().respond(goodReply);
    const router = createRouter({ policy, estimator: llmSignalEstimator(model, { name: "gpt-estimator" }) });

    const decision = await router.decideAsync(task);

    expect(decision.signals.feedbackLatencySec).toMatchObject({ value: 30, source: "estimated" });
    expect(decision.signals.feedbackLatencySec.note).toContain("half a minute");
    expect(decision.signals.driftHalfLifeSec).toMatchObject({ value: null, source: "estimated" });
    expect(decision.signals.ruleClosure).toMatchObject({ value: 0.9, source: "declared" });
    expect(decision.signals.horizonSec).toMatchObject({ value: 1800, source: "declared" });
    const asked = textOf(model.calls[0]!.messages);
    expect(asked).toContain("Signals to estimate: feedbackLatencySec, driftHalfLifeSec");
    expect(asked).toContain("Make the failing parser test pass");
    expect(asked).not.toContain('"id"');
  });

  it("returns only the asked signals even when the model volunteers others", async () => {
    const model = structuredFakeModel().respond(
      toolReply("signal_estimate", {
        horizonSec: { value: 60, reason: "Short." },
        ruleClosure: { value: 1, reason: "Volunteered." },
      }),
    );
    const estimate = await llmSignalEstimator(model).estimate(task, ["horizonSec"]);
    expect(estimate).toEqual({ horizonSec: { value: 60, reason: "Short." } });
  });

  it("asks the model once for two tasks with the same content and different ids", async () => {
    const model = structuredFakeModel().respond(goodReply);
    const estimator = llmSignalEstimator(model);

    const first = await estimator.estimate(task, ["feedbackLatencySec", "driftHalfLifeSec"]);
    const second = await estimator.estimate({ ...task, id: "t-2" }, ["driftHalfLifeSec", "feedbackLatencySec"]);

    expect(model.callCount).toBe(1);
    expect(second).toEqual(first);
    expect(first.feedbackLatencySec?.value).toBe(30);
  });

  it("asks again when the content differs, and drops the oldest entry beyond cacheSize", async () => {
    const model = structuredFakeModel().respond(goodReply).respond(goodReply).respond(goodReply);
    const estimator = llmSignalEstimator(model, { cacheSize: 1 });
    const missing = ["feedbackLatencySec", "driftHalfLifeSec"] as const;

    await estimator.estimate(task, missing);
    await estimator.estimate({ ...task, title: "Another task" }, missing);
    await estimator.estimate(task, missing);

    expect(model.callCount).toBe(3);
  });

  it("retries a malformed reply once and uses the second reply", async () => {
    const model = structuredFakeModel()
      .respond(toolReply("signal_estimate", { feedbackLatencySec: { value: -5, reason: "oops" } }))
      .respond(toolReply("signal_estimate", { feedbackLatencySec: { value: 5, reason: "Fast compiler." } }));
    const fallbacks: EstimatorFallback[] = [];

    const estimate = await llmSignalEstimator(model, { onFallback: (f) => fallbacks.push(f) }).estimate(task, ["feedbackLatencySec"]);

    expect(model.callCount).toBe(2);
    expect(estimate).toEqual({ feedbackLatencySec: { value: 5, reason: "Fast compiler." } });
    expect(fallbacks).toEqual([]);
  });

  it("falls back to the router's defaults with a reason after two malformed replies, never throwing", async () => {
    const model = structuredFakeModel()
      .respond(new AIMessageChunk("I think it is fast."))
      .respond(new Error("Failed to parse tool arguments: Unexpected token"));
    const fallbacks: EstimatorFallback[] = [];
    const router = createRouter({ policy, estimator: llmSignalEstimator(model, { onFallback: (f) => fallbacks.push(f) }) });

    const decision = await router.decideAsync(task);

    expect(model.callCount).toBe(2);
    expect(decision.signals.feedbackLatencySec.source).toBe("default");
    expect(decision.signals.driftHalfLifeSec.source).toBe("default");
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]!.missing).toEqual(["feedbackLatencySec", "driftHalfLifeSec"]);
    expect(fallbacks[0]!.reason).toContain("reply 1: no structured output");
    expect(fallbacks[0]!.reason).toContain("reply 2: Failed to parse tool arguments: Unexpected token");
  });

  it("does not cache a fallback, so a later call asks the model again", async () => {
    const model = structuredFakeModel().respond(new Error("down")).respond(new Error("down")).respond(goodReply);
    const estimator = llmSignalEstimator(model);
    const missing = ["feedbackLatencySec", "driftHalfLifeSec"] as const;

    expect(await estimator.estimate(task, missing)).toEqual({});
    expect((await estimator.estimate(task, missing)).feedbackLatencySec?.value).toBe(30);
    expect(model.callCount).toBe(3);
  });

  it("reports a schema failure with the offending field and survives a throwing onFallback", async () => {
    const bad = toolReply("signal_estimate", { ruleClosure: { value: 3, reason: "?" } });
    const model = structuredFakeModel().respond(bad).respond(bad);
    const estimate = await llmSignalEstimator(model, {
      onFallback: (f) => {
        expect(f.reason).toMatch(/reply 2: ruleClosure\.value: /);
        throw new Error("logger down");
      },
    }).estimate(task, ["ruleClosure"]);
    expect(estimate).toEqual({});
  });
});
