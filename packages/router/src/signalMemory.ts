// What the tasks of each kind declared about their signals, kept as histograms, and the conservative values it gives
// a task of the kind that leaves a signal out (imputation). Plain data, one writer, pure readers.
import type { SignalName, Task } from "./taskSchema.js";

/** Bins of one signal's histogram: counts by bin index, plus declarations of "never" (`null`). */
export interface SignalHistogram {
  /** Counts per bin, dense by bin index (bins never seen hold 0). */
  readonly bins: number[];
  /** Declarations of `null`: feedback never arrives, or the environment does not drift. */
  nulls: number;
  /** All declarations. */
  total: number;
}

/** One kind's declarations. */
export type KindSignals = { readonly [S in SignalName]: SignalHistogram };

/** Every kind's declarations. */
export type SignalMemory = Map<string, KindSignals>;

/** How imputation reads the memory. */
export interface ImputationOptions {
  /** How conservative the imputed value is: the share of the kind's declarations that are at least as convergent. */
  readonly quantile: number;
  /** Declarations of a signal a kind needs before its value is imputed. */
  readonly minTasks: number;
}

/** One imputed signal: its value and a sentence on where it came from. */
export interface ImputedSignal<T> {
  readonly value: T;
  readonly note: string;
}

/** Imputed values for the signals of one kind (each present when the kind has enough declarations of it). */
export interface ImputedSignals {
  readonly feedbackLatencySec?: ImputedSignal<number | null>;
  readonly ruleClosure?: ImputedSignal<number>;
  readonly driftHalfLifeSec?: ImputedSignal<number | null>;
  readonly horizonSec?: ImputedSignal<number>;
}

const signalNames = ["feedbackLatencySec", "ruleClosure", "driftHalfLifeSec", "horizonSec"] as const;

// Seconds are kept on a log scale, 8 bins a decade from 10 ms (bin 0) up; closure in steps of 0.02.
const perDecade = 8;
const secondsFloor = -2;
const closureStep = 0.02;

const secondsLow = (bin: number) => (bin === 0 ? 0 : 10 ** (secondsFloor + bin / perDecade));
const secondsHigh = (bin: number) => 10 ** (secondsFloor + (bin + 1) / perDecade);
function secondsBin(v: number): number {
  if (v <= 10 ** secondsFloor) return 0;
  let b = Math.max(0, Math.floor((Math.log10(v) - secondsFloor) * perDecade));
  // log10 may round across a bin edge: keep low ≤ v < high exactly.
  while (b > 0 && secondsLow(b) > v) b--;
  while (secondsHigh(b) <= v) b++;
  return b;
}
const closureBin = (v: number) => Math.min(Math.round(1 / closureStep) - 1, Math.floor(v / closureStep + 1e-9));

/** The highest bin a histogram can hold: the bin of the largest finite number of seconds (about 2,470), rounded up. */
export const maxSignalBin = 2559;

const emptyHistogram = (): SignalHistogram => ({ bins: [], nulls: 0, total: 0 });

/** An empty memory. */
export function emptySignalMemory(): SignalMemory {
  return new Map();
}

function kindOf(memory: SignalMemory, kind: string): KindSignals {
  let k = memory.get(kind);
  if (k === undefined) {
    k = { feedbackLatencySec: emptyHistogram(), ruleClosure: emptyHistogram(), driftHalfLifeSec: emptyHistogram(), horizonSec: emptyHistogram() };
    memory.set(kind, k);
  }
  return k;
}

/** The bin a declared value falls in (`null` is counted apart). */
export function binOfSignal(name: SignalName, value: number): number {
  return name === "ruleClosure" ? closureBin(value) : secondsBin(value);
}

/** Records what a task declared (only what it declared: nothing is learnt from a task's missing signals). */
export function observeSignals(memory: SignalMemory, task: Task): boolean {
  const s = task.signals;
  if (s === undefined) return false;
  let any = false;
  for (const name of signalNames) {
    const v = s[name];
    if (v === undefined) continue;
    addDeclaration(memory, task.kind, name, v, 1);
    any = true;
  }
  return any;
}

/** Adds `count` declarations of one value (or of its bin, from a snapshot). */
export function addDeclaration(memory: SignalMemory, kind: string, name: SignalName, value: number | null, count: number, bin?: number): void {
  if (!(count > 0)) return;
  const h = kindOf(memory, kind)[name];
  h.total += count;
  if (value === null && bin === undefined) {
    h.nulls += count;
    return;
  }
  const b = bin ?? binOfSignal(name, value!);
  if (!(b >= 0 && b <= maxSignalBin)) throw new RangeError(`signal bin ${b} of ${kind} ${name}: expected an integer 0..${maxSignalBin}`);
  const bins = h.bins;
  while (bins.length <= b) bins.push(0);
  bins[b]! += count;
}

/**
 * The conservative value of each signal for a task of `kind` that leaves it out: the value at which `quantile` of
 * the kind's declarations are at least as convergent — a slower feedback latency, a lower closure, a shorter drift
 * half-life and horizon than most — taken at the pessimistic edge of its bin, so it never looks more convergent than
 * the declarations at that quantile. `null` (never / no drift) counts as the slowest latency and the longest half-life.
 */
export function imputeSignals(memory: SignalMemory, kind: string, options: ImputationOptions): ImputedSignals {
  const k = memory.get(kind);
  if (k === undefined) return {};
  const out: Record<string, ImputedSignal<number | null>> = {};
  const of = (h: SignalHistogram) => `${h.total} task${h.total === 1 ? "" : "s"} of ${kind}`;
  const pct = `${Math.round(options.quantile * 100)}%`;
  const latency = k.feedbackLatencySec;
  if (latency.total >= options.minTasks) {
    // Slow end: the value below which only (1 − q) of declarations lie, counted from the slow side.
    const v = fromSlowSide(latency, options.quantile);
    out.feedbackLatencySec = { value: v, note: `${pct} of ${of(latency)} declare feedback at least this fast` };
  }
  const closure = k.ruleClosure;
  if (closure.total >= options.minTasks) {
    const bin = fromLowSide(closure, options.quantile)!;
    out.ruleClosure = { value: Math.round(bin * closureStep * 100) / 100, note: `${pct} of ${of(closure)} declare at least this closure` };
  }
  const drift = k.driftHalfLifeSec;
  if (drift.total >= options.minTasks) {
    const bin = fromLowSide(drift, options.quantile);
    out.driftHalfLifeSec = { value: bin === null ? null : round3(secondsLow(bin)), note: `${pct} of ${of(drift)} declare a half-life at least this long` };
  }
  const horizon = k.horizonSec;
  if (horizon.total >= options.minTasks) {
    const bin = fromLowSide(horizon, options.quantile);
    if (bin !== null) out.horizonSec = { value: round3(Math.max(secondsLow(bin), 1)), note: `${pct} of ${of(horizon)} declare at least this horizon` };
  }
  return out as ImputedSignals;
}

/** The latency at the slow end: walk from `null` (never) down through the bins until 1 − q of declarations are passed. */
function fromSlowSide(h: SignalHistogram, q: number): number | null {
  const budget = (1 - q) * h.total;
  let seen = h.nulls;
  if (seen > budget) return null;
  const bins = h.bins;
  let lowest = 0;
  for (let b = bins.length - 1; b >= 0; b--) {
    const n = bins[b]!;
    if (n === 0) continue;
    seen += n;
    if (seen > budget) return round3(secondsHigh(b), true);
    lowest = b;
  }
  return round3(secondsHigh(lowest), true);
}

/** The bin at the low end: walk up from the lowest bin until 1 − q of declarations are passed; null when it is `null`. */
function fromLowSide(h: SignalHistogram, q: number): number | null {
  const budget = (1 - q) * h.total;
  let seen = 0;
  const bins = h.bins;
  for (let b = 0; b < bins.length; b++) {
    const n = bins[b]!;
    if (n === 0) continue;
    seen += n;
    if (seen > budget) return b;
  }
  return h.nulls > 0 ? null : Math.max(0, bins.length - 1);
}

/** Three significant digits, rounded toward the conservative side (`up` for latency, down for the rest). */
function round3(x: number, up = false): number {
  if (x <= 0) return 0;
  const scale = 10 ** (Math.floor(Math.log10(x)) - 2);
  return (up ? Math.ceil(x / scale - 1e-9) : Math.floor(x / scale + 1e-9)) * scale;
}

/** The memory as a snapshot lists it: one entry per kind and signal, sorted. */
export function signalEntriesOf(memory: SignalMemory): { kind: string; signal: SignalName; nulls: number; bins: [number, number][] }[] {
  const out: { kind: string; signal: SignalName; nulls: number; bins: [number, number][] }[] = [];
  for (const [kind, k] of memory) {
    for (const signal of signalNames) {
      const h = k[signal];
      if (h.total === 0) continue;
      const bins: [number, number][] = [];
      h.bins.forEach((n, b) => {
        if (n > 0) bins.push([b, n]);
      });
      out.push({ kind, signal, nulls: h.nulls, bins });
    }
  }
  return out.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : signalNames.indexOf(a.signal) - signalNames.indexOf(b.signal)));
}

/** Adds a snapshot's entries to a memory. */
export function absorbSignalEntries(memory: SignalMemory, entries: readonly { kind: string; signal: SignalName; nulls: number; bins: readonly (readonly [number, number])[] }[]): void {
  for (const e of entries) {
    if (e.nulls > 0) addDeclaration(memory, e.kind, e.signal, null, e.nulls);
    for (const [bin, count] of e.bins) addDeclaration(memory, e.kind, e.signal, 0, count, bin);
  }
}
