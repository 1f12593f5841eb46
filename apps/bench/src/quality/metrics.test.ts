// The curve arithmetic and calibration error on inputs whose answers are known by hand.
import { describe, expect, it } from "vitest";
import { expectedCalibrationError, loadAtFailure, lowerEnvelope, medianOf, normaliseArea, rawArea } from "./metrics.js";

const anchor = { humanLoad: 0, failure: 0.5 };

describe("lowerEnvelope", () => {
  it("keeps only the points that fail less than every point with less load", () => {
    const env = lowerEnvelope([
      { humanLoad: 0.5, failure: 0.2 },
      { humanLoad: 0.2, failure: 0.3 },
      { humanLoad: 0.4, failure: 0.35 },
      { humanLoad: 0.9, failure: 0.1 },
    ]);
    expect(env).toEqual([
      { humanLoad: 0.2, failure: 0.3 },
      { humanLoad: 0.5, failure: 0.2 },
      { humanLoad: 0.9, failure: 0.1 },
    ]);
  });
});

describe("loadAtFailure", () => {
  it("interpolates between the envelope's neighbours, and is null for a failure rate never reached", () => {
    const curve = [{ humanLoad: 1, failure: 0.1 }];
    expect(loadAtFailure(curve, 0.3, anchor)).toBeCloseTo(0.5, 12);
    expect(loadAtFailure(curve, 0.5, anchor)).toBe(0);
    expect(loadAtFailure(curve, 0.05, anchor)).toBeNull();
  });
});

describe("rawArea and normaliseArea", () => {
  it("gives the straight line from always-autonomous to always-human an area of one half", () => {
    expect(rawArea([{ humanLoad: 1, failure: 0.1 }], anchor, 0.1)).toBeCloseTo(0.5, 6);
  });

  it("maps random to 0.5 and the oracle to 1, and a curve halfway between to 0.75", () => {
    expect(normaliseArea(0.5, 0.5, 0.9)).toBe(0.5);
    expect(normaliseArea(0.9, 0.5, 0.9)).toBe(1);
    expect(normaliseArea(0.7, 0.5, 0.9)).toBeCloseTo(0.75, 12);
    expect(normaliseArea(0.7, 0.5, 0.4)).toBeNull();
  });

  it("credits a curve that closes the whole gap at once with the whole area", () => {
    expect(rawArea([{ humanLoad: 0, failure: 0.1 }], anchor, 0.1)).toBeCloseTo(1, 6);
  });
});

describe("expectedCalibrationError", () => {
  it("is zero when predictions match the observed rate in every bin and the gap otherwise", () => {
    const predicted = [0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75];
    const observed = [true, false, false, false, true, true, true, false];
    expect(expectedCalibrationError(predicted, observed).ece).toBeCloseTo(0, 12);
    expect(expectedCalibrationError([0.9, 0.9], [false, false]).ece).toBeCloseTo(0.9, 12);
  });
});

describe("medianOf", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(medianOf([3, 1, 2])).toBe(2);
    expect(medianOf([4, 1, 2, 3])).toBe(2.5);
    expect(medianOf([])).toBe(0);
  });
});
