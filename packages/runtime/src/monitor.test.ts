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

  it("calls a flat series a plateau once the window is full", () => {
    expect(readErrors([5, 4.9, 4.95]).trend).toBe("plateau");
    expect(readErrors([5, 4.9]).trend).not.toBe("plateau");
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
});
