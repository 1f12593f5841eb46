// Number options: what parses, and what is a usage error.
import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { wholeNumber } from "./options.js";

describe("wholeNumber", () => {
  it("parses whole numbers, with _ separators and exponents", () => {
    const parse = wholeNumber(0);
    expect(parse("0")).toBe(0);
    expect(parse("1_000_000")).toBe(1_000_000);
    expect(parse("1e6")).toBe(1_000_000);
  });

  it("rejects what is not a whole number at or above the minimum", () => {
    const parse = wholeNumber(1);
    for (const bad of ["abc", "", "1.5", "-3", "0", "Infinity"]) expect(() => parse(bad)).toThrow(InvalidArgumentError);
    expect(() => parse("0")).toThrow("expected a whole number ≥ 1.");
  });
});
