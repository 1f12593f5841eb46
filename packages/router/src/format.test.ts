import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fixed2, groupThousands, money, percent } from "./format.js";

describe("format", () => {
  it("fixed2 agrees with toFixed(2) away from half-cent ties", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (x) => {
        const cents = x * 100;
        fc.pre(Math.abs(cents - Math.trunc(cents) - 0.5) > 1e-6 && Math.abs(cents - Math.trunc(cents) + 0.5) > 1e-6);
        expect(Number(fixed2(x))).toBeCloseTo(Number(x.toFixed(2)), 9);
        expect(fixed2(x)).toMatch(/^-?\d+\.\d\d$/);
      }),
      { numRuns: 2000 },
    );
    expect([fixed2(5.678), fixed2(0.07), fixed2(-1.5), fixed2(0)]).toEqual(["5.68", "0.07", "-1.50", "0.00"]);
  });

  it("formats percentages, thousands and amounts", () => {
    expect([percent(0.085), percent(0.42), percent(0), percent(1), percent(0.0001)]).toEqual(["8.5%", "42%", "0%", "100%", "0%"]);
    expect([groupThousands(75030), groupThousands(1234567), groupThousands(999), groupThousands(1000)]).toEqual(["75,030", "1,234,567", "999", "1,000"]);
    expect([money(5.678, "USD"), money(75030.4, "EUR")]).toEqual(["5.68 USD", "75,030 EUR"]);
  });
});
