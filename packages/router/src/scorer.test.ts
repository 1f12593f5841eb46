import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convergenceInput } from "../test/arbitraries.js";
import { type ConvergenceInput, scoreConvergence } from "./scorer.js";

const tolerance = 1e-12;
const score = (input: ConvergenceInput) => scoreConvergence(input).score;
const base: ConvergenceInput = {
  feedbackLatencySec: 30,
  ruleClosure: 0.9,
  driftHalfLifeSec: 94_608_000,
  horizonSec: 1800,
  repairEfficiency: 0.5,
  maxAttempts: 8,
};

describe("scoreConvergence", () => {
  it("never falls when closure rises", () => {
    fc.assert(
      fc.property(convergenceInput, fc.double({ min: 0, max: 1, noNaN: true }), (input, other) => {
        const [lo, hi] = input.ruleClosure <= other ? [input.ruleClosure, other] : [other, input.ruleClosure];
        expect(score({ ...input, ruleClosure: hi })).toBeGreaterThanOrEqual(score({ ...input, ruleClosure: lo }) - tolerance);
      }),
      { numRuns: 500 },
    );
  });

  it("never rises when feedback latency grows (null is the longest)", () => {
    fc.assert(
      fc.property(convergenceInput, fc.double({ min: 1, max: 1000, noNaN: true }), (input, factor) => {
        const slower = input.feedbackLatencySec === null ? null : input.feedbackLatencySec * factor;
        expect(score({ ...input, feedbackLatencySec: slower })).toBeLessThanOrEqual(score(input) + tolerance);
        expect(score({ ...input, feedbackLatencySec: null })).toBeLessThanOrEqual(score(input) + tolerance);
      }),
      { numRuns: 500 },
    );
  });

  it("never rises when drift gets faster (shorter half-life; null is no drift)", () => {
    fc.assert(
      fc.property(convergenceInput, fc.double({ min: 1, max: 1000, noNaN: true }), (input, factor) => {
        const faster = input.driftHalfLifeSec === null ? 3600 : input.driftHalfLifeSec / factor;
        expect(score({ ...input, driftHalfLifeSec: faster })).toBeLessThanOrEqual(score(input) + tolerance);
        expect(score(input)).toBeLessThanOrEqual(score({ ...input, driftHalfLifeSec: null }) + tolerance);
      }),
      { numRuns: 500 },
    );
  });

  it("is 0 when feedback never arrives or nothing is checkable", () => {
    fc.assert(
      fc.property(convergenceInput, (input) => {
        expect(score({ ...input, feedbackLatencySec: null })).toBe(0);
        expect(score({ ...input, ruleClosure: 0 })).toBe(0);
      }),
    );
  });

  it("stays in [0, 1] and never exceeds closure", () => {
    fc.assert(
      fc.property(convergenceInput, (input) => {
        const s = score(input);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(s).toBeLessThanOrEqual(input.ruleClosure + tolerance);
      }),
      { numRuns: 1000 },
    );
  });

  it("names a limiting axis whose ideal value would raise the score most", () => {
    fc.assert(
      fc.property(convergenceInput, (input) => {
        const c = scoreConvergence(input);
        if (c.limitingAxis === null || input.feedbackLatencySec === null || input.ruleClosure === 0) return;
        const headrooms = Object.values(c.axes).map((a) => a.headroom);
        expect(c.axes[c.limitingAxis].headroom).toBe(Math.max(...headrooms));
        expect(c.summary).toMatch(/^Limited by /);
      }),
    );
  });

  it("computes ρ, cycles and the score of a test-suite task", () => {
    const c = scoreConvergence(base);
    expect(c.errorFactor).toBeCloseTo(0.55 * 2 ** (30 / 94_608_000), 12);
    expect(c.cycles).toBe(8); // the attempt budget caps 60 cycles
    expect(c.score).toBeCloseTo(0.9 * (1 - c.errorFactor! ** 8), 12);
    expect(c.limitingAxis).toBe("ruleClosure");
    expect(c.axes.ruleClosure.explanation).toBe("90% of success is machine-checkable; the other 10% is never corrected by feedback");
    expect(c.axes.feedbackLatency.explanation).toBe("feedback arrives in ~30 s: 8 correction cycles fit in the 8-attempt budget");
  });

  it("explains drift that outpaces feedback in a reviewer's words", () => {
    const c = scoreConvergence({ ...base, feedbackLatencySec: 94_608_000, ruleClosure: 0.05, driftHalfLifeSec: 15_724_800, horizonSec: 2_592_000 });
    expect(c.score).toBeLessThan(1e-3);
    expect(c.summary).toContain("feedback arrives in ~3 years but the environment's half-life is ~6 months: errors cannot be corrected before they compound");
  });

  it("is 0 when feedback arrives after the horizon: not one correction cycle fits", () => {
    const c = scoreConvergence({ ...base, feedbackLatencySec: 86_400, horizonSec: 600 });
    expect(c.cycles).toBe(0);
    expect(c.score).toBe(0);
    expect(c.axes.feedbackLatency.explanation).toBe("feedback arrives in ~1 day, after the task's ~10 min horizon: not one correction cycle fits");
    expect(c.limitingAxis).toBe("feedbackLatency");
  });

  it("does not blame latency when the attempt budget already bounds the cycles", () => {
    const format = scoreConvergence({ ...base, feedbackLatencySec: 2, ruleClosure: 1, driftHalfLifeSec: null, horizonSec: 60 });
    expect(format.axes.feedbackLatency.headroom).toBe(0);
    expect(format.limitingAxis).toBeNull();
  });

  it("says feedback never arrives when latency is null", () => {
    const c = scoreConvergence({ ...base, feedbackLatencySec: null });
    expect(c.limitingAxis).toBe("feedbackLatency");
    expect(c.summary).toBe("Limited by feedback latency: feedback never arrives, so errors are never corrected.");
    expect(c.errorFactor).toBeNull();
  });

  it("names nothing when the score is already ideal", () => {
    const c = scoreConvergence({ ...base, ruleClosure: 1, driftHalfLifeSec: null, horizonSec: 1e6, maxAttempts: 1000, feedbackLatencySec: 1 });
    expect(c.score).toBe(1);
    expect(c.limitingAxis).toBeNull();
    expect(c.summary).toMatch(/^Converges: /);
  });
});
