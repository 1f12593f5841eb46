import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readErrors } from "./monitor.js";

const positive = fc.double({ min: 1e-6, max: 1e6, noNaN: true });

describe("readErrors", () => {
  it("reads geometric decay as converging with its factor", () => {
    const r = readErrors([8, 4, 2]);
    expect(r.trend).toBe("converging");
    expect(r.errorFactor).toBeCloseTo(0.5, 12);
  });

  it("calls a clear jump diverging after two attempts, and steady growth after three", () => {
    expect(readErrors([1, 1.6]).trend).toBe("diverging");
    expect(readErrors([1, 1.2]).trend).toBe("undetermined");
    expect(readErrors([1, 1.2, 1.44]).trend).toBe("diverging");
  });

  it("calls a flat series a plateau once the window (5) is full", () => {
    expect(readErrors([5, 4.9, 4.95, 4.9, 4.92]).trend).toBe("plateau");
    expect(readErrors([5, 4.9, 4.95, 4.9]).trend).not.toBe("plateau");
    expect(readErrors([5, 4.9, 4.95], { window: 3 }).trend).toBe("plateau");
  });

  it("recovers the factor of any geometric series", () => {
    fc.assert(
      fc.property(positive, fc.double({ min: 0.05, max: 20, noNaN: true }), (start, factor) => {
        const r = readErrors([start, start * factor, start * factor * factor]);
        expect(r.errorFactor).toBeCloseTo(factor, 6);
        if (factor > 1.06) expect(r.trend).toBe("diverging");
        if (factor < 0.94) expect(r.trend).toBe("converging");
      }),
    );
  });

  it("does not depend on the scale of the errors", () => {
    fc.assert(
      fc.property(fc.array(positive, { minLength: 2, maxLength: 6 }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (errors, scale) => {
        const a = readErrors(errors);
        const f = a.errorFactor;
        fc.pre(f === null || [1.05, 1.5, 0.95, 1].every((t) => Math.abs(f - t) > 1e-9));
        const b = readErrors(errors.map((e) => e * scale));
        expect(b.trend).toBe(a.trend);
      }),
    );
  });

  it("leaves out passed attempts (error 0) and needs two points", () => {
    expect(readErrors([3]).trend).toBe("undetermined");
    expect(readErrors([3, 0]).errorFactor).toBeNull();
  });

  it("escalates a run too slow to pass within the budget once told the attempts left and the target", () => {
    // ×0.9 per attempt from 0.5: even twice as fast (×0.45), three more attempts end at 0.046, above 0.02.
    const slow = readErrors([0.5 / 0.9, 0.5], { remainingAttempts: 3, targetError: 0.02 });
    expect(slow.trend).toBe("plateau");
    expect(slow.detail).toContain("above 0.02 after the 3 attempts the budget allows");
    // The same errors with a budget long enough, or without the budget, are left to run.
    expect(readErrors([0.625, 0.5], { remainingAttempts: 30, targetError: 0.02 }).trend).toBe("converging");
    expect(readErrors([0.625, 0.5]).trend).toBe("converging");
    // Fast enough: ×0.5 from 0.16 reaches 0.01 in four attempts.
    expect(readErrors([0.32, 0.16], { remainingAttempts: 4, targetError: 0.02 }).trend).toBe("converging");
  });

  it("never escalates by projection a run whose errors are already at the target", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-4, max: 0.02, noNaN: true }), { minLength: 2, maxLength: 2 }), fc.integer({ min: 0, max: 10 }), (errors, left) => {
        expect(readErrors(errors, { remainingAttempts: left, targetError: 0.02 }).trend).not.toBe("plateau");
      }),
    );
  });
});
