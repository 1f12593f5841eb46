import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Task, createCalibration, createRouter } from "./index.js";
import { addDeclaration, emptySignalMemory, imputeSignals, maxSignalBin, observeSignals } from "./signalMemory.js";

const seconds = fc.oneof(fc.double({ min: 0.001, max: 1e9, noNaN: true }), fc.constant(null));
const task = (i: number, signals: Task["signals"]): Task => ({ id: `t${i}`, kind: "code.fix", title: "t", ...(signals === undefined ? {} : { signals }) });
const inf = (v: number | null) => (v === null ? Number.POSITIVE_INFINITY : v);

describe("imputeSignals", () => {
  it("never gives a value more convergent than the kind's own declarations at the quantile", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ L: seconds, c: fc.double({ min: 0, max: 1, noNaN: true }), h: seconds, T: fc.double({ min: 1, max: 1e8, noNaN: true }) }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        (declared, quantile) => {
          const memory = emptySignalMemory();
          declared.forEach((d, i) => observeSignals(memory, task(i, { feedbackLatencySec: d.L, ruleClosure: d.c, driftHalfLifeSec: d.h, horizonSec: d.T })));
          const imputed = imputeSignals(memory, "code.fix", { quantile, minTasks: 1 });
          const share = (holds: (d: (typeof declared)[number]) => boolean) => declared.filter(holds).length / declared.length;
          const L = imputed.feedbackLatencySec!.value;
          expect(share((d) => inf(d.L) <= inf(L))).toBeGreaterThanOrEqual(quantile - 1e-9);
          const c = imputed.ruleClosure!.value;
          expect(share((d) => d.c >= c)).toBeGreaterThanOrEqual(quantile - 1e-9);
          const h = imputed.driftHalfLifeSec!.value;
          expect(share((d) => inf(d.h) >= inf(h))).toBeGreaterThanOrEqual(quantile - 1e-9);
          const T = imputed.horizonSec!.value;
          expect(share((d) => d.T >= T)).toBeGreaterThanOrEqual(quantile - 1e-9);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("imputes nothing until the kind has enough declarations of a signal", () => {
    const memory = emptySignalMemory();
    for (let i = 0; i < 4; i++) observeSignals(memory, task(i, { feedbackLatencySec: 30 }));
    expect(imputeSignals(memory, "code.fix", { quantile: 0.75, minTasks: 5 })).toEqual({});
    observeSignals(memory, task(5, { feedbackLatencySec: 30 }));
    expect(imputeSignals(memory, "code.fix", { quantile: 0.75, minTasks: 5 }).feedbackLatencySec?.value).toBeGreaterThanOrEqual(30);
    expect(imputeSignals(memory, "code.other", { quantile: 0.75, minTasks: 5 })).toEqual({});
  });
});

describe("the router's imputation", () => {
  it("takes a missing signal from the kind's other tasks, says so, and keeps it through a snapshot", () => {
    const router = createRouter();
    for (let i = 0; i < 10; i++) router.decide(task(i, { feedbackLatencySec: 20 + i, ruleClosure: 0.9, driftHalfLifeSec: null, horizonSec: 1800 }));
    const d = router.decide(task(99, { ruleClosure: 0.9, driftHalfLifeSec: null, horizonSec: 1800 }));
    expect(d.signals.feedbackLatencySec.source).toBe("imputed");
    expect(d.signals.feedbackLatencySec.value).toBeGreaterThanOrEqual(27);
    expect(d.reasons.some((r) => r.startsWith("Not declared, so taken from the kind's other tasks, conservatively: feedback in"))).toBe(true);
    expect(d.convergence.score).toBeGreaterThan(0.5);

    const restored = createRouter({ calibration: createCalibration(JSON.parse(JSON.stringify(router.calibration.snapshot()))) });
    const again = restored.decide(task(100, { ruleClosure: 0.9, driftHalfLifeSec: null, horizonSec: 1800 }));
    expect(again.signals.feedbackLatencySec).toEqual(d.signals.feedbackLatencySec);
  });

  it("still uses the conservative default for a kind that never declares the signal", () => {
    const router = createRouter();
    for (let i = 0; i < 10; i++) router.decide(task(i, { ruleClosure: 0.9 }));
    expect(router.decide(task(99, { ruleClosure: 0.9 })).signals.feedbackLatencySec).toEqual({ value: null, source: "default" });
  });
});

describe("signal histograms", () => {
  it("refuse a bin beyond the last one (a snapshot cannot make a histogram allocate without bound)", () => {
    const memory = emptySignalMemory();
    expect(() => addDeclaration(memory, "code.fix", "horizonSec", 0, 1, maxSignalBin + 1)).toThrow(RangeError);
    addDeclaration(memory, "code.fix", "horizonSec", Number.MAX_VALUE, 1);
    expect(memory.get("code.fix")!.horizonSec.bins.length).toBeLessThanOrEqual(maxSignalBin + 1);
  });
});
