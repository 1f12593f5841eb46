// Tests of the json-rules-engine peer: the translation of rules, and agreement with the router on which rules match.
import { type Task, createRouter, validatePolicy } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { benchPolicy } from "./benchPolicy.js";
import { createPeerEngine, peerFactsFor, toPeerRule } from "./jsonRulesPeer.js";
import { generateTasks } from "./taskGenerator.js";

describe("toPeerRule", () => {
  it("turns kind globs into kindMatches, includesAny into any, and nulls of never-arriving signals into Infinity", () => {
    const rule = toPeerRule({
      id: "r",
      when: {
        kind: ["security.*", "*.lint"],
        tags: { includes: "a", includesAny: ["b", "c"], excludes: "d" },
        signals: { feedbackLatencySec: { in: [null, 30] }, ruleClosure: { lt: 0.5 } },
        metadata: { customer: { tier: "gold" } },
      },
      forbid: ["autonomous"],
    });
    expect(rule.event).toEqual({ type: "r", params: { forbid: ["autonomous"] } });
    expect(rule.conditions).toEqual({
      all: [
        { fact: "kind", operator: "kindMatches", value: ["security.*", "*.lint"] },
        { fact: "tags", operator: "contains", value: "a" },
        { any: [{ fact: "tags", operator: "contains", value: "b" }, { fact: "tags", operator: "contains", value: "c" }] },
        { fact: "tags", operator: "doesNotContain", value: "d" },
        // The rule only takes autonomy away, so a signal nobody gave cannot take a task past it.
        {
          any: [
            { fact: "signals", path: "feedbackLatencySec", operator: "exists", value: false },
            { fact: "signals", path: "feedbackLatencySec", operator: "in", value: [Number.POSITIVE_INFINITY, 30] },
          ],
        },
        {
          any: [
            { fact: "signals", path: "ruleClosure", operator: "exists", value: false },
            { fact: "signals", path: "ruleClosure", operator: "lessThan", value: 0.5 },
          ],
        },
        { fact: "metadata", path: "customer.tier", operator: "equal", value: "gold" },
      ],
    });
  });
});

describe("createPeerEngine", () => {
  const router = createRouter({ policy: benchPolicy });
  const peer = createPeerEngine(validatePolicy(benchPolicy));

  it("holds the policy's 20 rules", () => {
    expect(peer.rules).toBe(20);
  });

  it("matches a hand-made task as the policy says", async () => {
    const task: Task = {
      id: "x",
      kind: "legal.nda",
      title: "Review an NDA",
      signals: { feedbackLatencySec: null, ruleClosure: 0.2 },
      stakes: { cost: 9000, reversible: false },
      tags: ["finance", "pii"],
      metadata: { region: "eu", customer: { tier: "strategic" } },
    };
    // fast-drift-costly holds too: the task does not say how fast its environment drifts.
    const expected = ["eu-personal-data", "fast-drift-costly", "finance-eyes", "irreversible-expensive", "key-accounts", "no-feedback", "no-solo-legal"];
    const decision = router.decide(task);
    expect([...decision.rules].sort()).toEqual(expected);
    expect(await peer.evaluate(peerFactsFor(task, decision))).toEqual(expected);
  });

  it("agrees with the router on which rules match, task by task", async () => {
    let checked = 0;
    let withMatches = 0;
    for (const task of generateTasks({ count: 3000, seed: 99 })) {
      const decision = router.decide(task);
      const ours = [...decision.rules].sort();
      const theirs = await peer.evaluate(peerFactsFor(task, decision));
      expect(theirs, task.id).toEqual(ours);
      checked++;
      if (ours.length > 0) withMatches++;
    }
    expect(checked).toBe(3000);
    expect(withMatches).toBeGreaterThan(1000);
  }, 60_000);
});
