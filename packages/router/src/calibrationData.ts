// Calibration as plain data, and the functions over it. One writer (`addOutcome`, `absorbEntries`) changes the data
// and bumps its version; every reader is a pure function of the data, so no reader can serve a stale count.
import { type Counts, monotoneMap } from "./posterior.js";
import type { Route } from "./taskSchema.js";

/** Bins of the model's failure estimate in which calibration keeps the outcomes that carried one. */
export const modelBins = 10;

/** Outcomes that carried the model's estimate, in one bin of it. */
export interface BinStats {
  outcomes: number;
  failures: number;
  /** The sum of the model's estimates of these outcomes. */
  expected: number;
}

/** Every outcome of one kind on one route, as recorded (never forgotten). */
export interface RouteData {
  successes: number;
  failures: number;
  /** Autonomous routes: how many of the failures showed while the agent ran (overridden). */
  overridden: number;
  /** The outcomes that carried the model's estimate, per bin (agent routes only). */
  readonly modelled: BinStats[];
}

/** A kind's (or a namespace's) recent agent outcomes: older ones weigh less, by the calibration's memory. */
export interface RecentData {
  /** Model-carrying agent outcomes, per bin of the model's estimate. */
  readonly bins: BinStats[];
  /** Autonomous failures, and how many of them showed while the agent ran. */
  failures: number;
  overridden: number;
}

/** One kind's data. */
export interface KindData {
  readonly routes: Partial<Record<Route, RouteData>>;
  readonly recent: RecentData;
}

/** Everything calibration knows. */
export interface CalibrationData {
  /** Outcomes of a kind after which an outcome's weight in the kind's recent data has halved. */
  readonly memory: number;
  readonly kinds: Map<string, KindData>;
  /** Per namespace (`data` for `data.transform`): the sum of its kinds' recent data. */
  readonly namespaces: Map<string, RecentData>;
  /** Every model-carrying agent outcome, per bin (never forgotten). */
  readonly global: BinStats[];
  /** Every autonomous failure, and how many showed while the agent ran (never forgotten). */
  readonly allFailures: { failures: number; overridden: number };
  /** Bumped by every write: what a memo of a reader may key on. */
  version: number;
}

/** One outcome as the data takes it (validated by the caller). */
export interface OutcomeRecord {
  readonly kind: string;
  readonly route: Route;
  readonly outcome: "succeeded" | "failed" | "overridden" | "approved";
  readonly modelFailure?: number | undefined;
  /** Approved outcomes: the share of a failure the approval counts as. */
  readonly failureShare?: number | undefined;
}

/** One kind and route's counts as a snapshot lists them. */
export interface EntryRecord {
  readonly kind: string;
  readonly route: Route;
  readonly successes: number;
  readonly failures: number;
  readonly overridden?: number | undefined;
  readonly modelled?: readonly { readonly bin: number; readonly outcomes: number; readonly failures: number; readonly expected: number }[] | undefined;
}

/** One kind's recent data as a snapshot lists it. */
export interface RecentRecord {
  readonly kind: string;
  readonly failures: number;
  readonly overridden: number;
  readonly modelled: readonly { readonly bin: number; readonly outcomes: number; readonly failures: number; readonly expected: number }[];
}

const zero: Counts = { successes: 0, failures: 0 };
const agentRoutes = ["autonomous", "supervised"] as const;

const emptyBins = (): BinStats[] => Array.from({ length: modelBins }, () => ({ outcomes: 0, failures: 0, expected: 0 }));
const emptyRecent = (): RecentData => ({ bins: emptyBins(), failures: 0, overridden: 0 });

/** Empty calibration data with this memory (in outcomes; `Infinity` never forgets). */
export function emptyCalibrationData(memory: number): CalibrationData {
  return { memory, kinds: new Map(), namespaces: new Map(), global: emptyBins(), allFailures: { failures: 0, overridden: 0 }, version: 0 };
}

/** The namespace of a kind: its first dotted segment. */
export function namespaceOf(kind: string): string {
  const dot = kind.indexOf(".");
  return dot < 0 ? kind : kind.slice(0, dot);
}

/** The bin of a model estimate. */
export function binOf(p: number): number {
  const b = Math.floor(p * modelBins);
  return b < 0 ? 0 : b >= modelBins ? modelBins - 1 : b;
}

function kindOf(data: CalibrationData, kind: string): KindData {
  let k = data.kinds.get(kind);
  if (k === undefined) {
    k = { routes: {}, recent: emptyRecent() };
    data.kinds.set(kind, k);
  }
  return k;
}

function namespaceData(data: CalibrationData, kind: string): RecentData {
  const key = namespaceOf(kind);
  let ns = data.namespaces.get(key);
  if (ns === undefined) {
    ns = emptyRecent();
    data.namespaces.set(key, ns);
  }
  return ns;
}

function routeOf(k: KindData, route: Route): RouteData {
  let r = k.routes[route];
  if (r === undefined) {
    r = { successes: 0, failures: 0, overridden: 0, modelled: emptyBins() };
    k.routes[route] = r;
  }
  return r;
}

/** Weighs a kind's recent data down by one outcome's worth of memory, keeping its namespace the sum of its kinds. */
function forget(data: CalibrationData, k: KindData, ns: RecentData, part: "bins" | "failures"): void {
  if (!Number.isFinite(data.memory)) return;
  const lose = 1 - 2 ** (-1 / data.memory);
  if (part === "bins") {
    for (let i = 0; i < modelBins; i++) {
      const b = k.recent.bins[i]!;
      const n = ns.bins[i]!;
      n.outcomes -= b.outcomes * lose;
      n.failures -= b.failures * lose;
      n.expected -= b.expected * lose;
      b.outcomes -= b.outcomes * lose;
      b.failures -= b.failures * lose;
      b.expected -= b.expected * lose;
    }
    return;
  }
  ns.failures -= k.recent.failures * lose;
  ns.overridden -= k.recent.overridden * lose;
  k.recent.failures -= k.recent.failures * lose;
  k.recent.overridden -= k.recent.overridden * lose;
}

function addBin(bins: BinStats[], bin: number, outcomes: number, failures: number, expected: number): void {
  const b = bins[bin]!;
  b.outcomes += outcomes;
  b.failures += failures;
  b.expected += expected;
}

/** Records one outcome: its counts, and (recent, with the memory) what it says about the model and about failures that show. */
export function addOutcome(data: CalibrationData, outcome: OutcomeRecord): void {
  const k = kindOf(data, outcome.kind);
  const ns = namespaceData(data, outcome.kind);
  const r = routeOf(k, outcome.route);
  const failed = outcome.outcome === "approved" ? (outcome.failureShare ?? 0) : outcome.outcome === "succeeded" ? 0 : 1;
  r.successes += 1 - failed;
  r.failures += failed;
  if (failed === 1 && outcome.route === "autonomous") {
    const overridden = outcome.outcome === "overridden" ? 1 : 0;
    r.overridden += overridden;
    forget(data, k, ns, "failures");
    k.recent.failures += 1;
    k.recent.overridden += overridden;
    ns.failures += 1;
    ns.overridden += overridden;
    data.allFailures.failures += 1;
    data.allFailures.overridden += overridden;
  }
  const m = outcome.modelFailure;
  if (m !== undefined && outcome.route !== "human") {
    const bin = binOf(m);
    forget(data, k, ns, "bins");
    addBin(r.modelled, bin, 1, failed, m);
    addBin(k.recent.bins, bin, 1, failed, m);
    addBin(ns.bins, bin, 1, failed, m);
    addBin(data.global, bin, 1, failed, m);
  }
  data.version++;
}

/**
 * Adds a snapshot's counts. Without `recent` (a version-1 snapshot, which kept no order) every outcome counts as
 * recent; with it, the kinds' recent data is taken as it was saved, so a restored calibration equals the saved one.
 */
export function absorbEntries(data: CalibrationData, entries: readonly EntryRecord[], recent?: readonly RecentRecord[]): void {
  for (const e of entries) {
    const k = kindOf(data, e.kind);
    const ns = namespaceData(data, e.kind);
    const r = routeOf(k, e.route);
    r.successes += e.successes;
    r.failures += e.failures;
    if (e.route === "autonomous" && e.overridden !== undefined) {
      // Snapshots without the overridden count leave the split of failures to the model.
      const overridden = Math.min(e.overridden, e.failures);
      r.overridden += overridden;
      data.allFailures.failures += e.failures;
      data.allFailures.overridden += overridden;
      if (recent === undefined) {
        k.recent.failures += e.failures;
        k.recent.overridden += overridden;
        ns.failures += e.failures;
        ns.overridden += overridden;
      }
    }
    if (e.route === "human" || e.modelled === undefined) continue;
    for (const b of e.modelled) {
      if (b.bin >= modelBins) continue;
      addBin(r.modelled, b.bin, b.outcomes, b.failures, b.expected);
      addBin(data.global, b.bin, b.outcomes, b.failures, b.expected);
      if (recent === undefined) {
        addBin(k.recent.bins, b.bin, b.outcomes, b.failures, b.expected);
        addBin(ns.bins, b.bin, b.outcomes, b.failures, b.expected);
      }
    }
  }
  for (const rec of recent ?? []) {
    const k = kindOf(data, rec.kind);
    const ns = namespaceData(data, rec.kind);
    k.recent.failures += rec.failures;
    k.recent.overridden += rec.overridden;
    ns.failures += rec.failures;
    ns.overridden += rec.overridden;
    for (const b of rec.modelled) {
      if (b.bin >= modelBins) continue;
      addBin(k.recent.bins, b.bin, b.outcomes, b.failures, b.expected);
      addBin(ns.bins, b.bin, b.outcomes, b.failures, b.expected);
    }
  }
  data.version++;
}

/** Agent outcomes of a kind (autonomous and supervised runs: the same agent does the work on both). */
export function agentCounts(data: CalibrationData, kind: string): Counts {
  const k = data.kinds.get(kind);
  if (k === undefined) return zero;
  const a = k.routes.autonomous;
  const s = k.routes.supervised;
  if (a === undefined && s === undefined) return zero;
  return { successes: (a?.successes ?? 0) + (s?.successes ?? 0), failures: (a?.failures ?? 0) + (s?.failures ?? 0) };
}

/** Human outcomes of a kind. */
export function humanCounts(data: CalibrationData, kind: string): Counts {
  const h = data.kinds.get(kind)?.routes.human;
  return h === undefined ? zero : { successes: h.successes, failures: h.failures };
}

/** Whether any outcome carried the model's estimate. */
export function hasModelled(data: CalibrationData): boolean {
  for (const b of data.global) if (b.outcomes > 0) return true;
  return false;
}

/** The monotone map from the model's estimate to observed failure over every kind (memoise it on `data.version`). */
export function globalMap(data: CalibrationData, strength: number): (p: number) => number {
  return monotoneMap(data.global, strength);
}

/**
 * The agent's failure prior for a task of `kind` whose model estimate is `modelFailure`: the map learned over every
 * kind, then the kind's namespace's and the kind's own recent ratio of failures to that map's expectation, each
 * shrunk by `strength` pseudo-outcomes toward the level above; other kinds may raise a kind's estimate but not lower
 * it until its namespace has outcomes of its own. With it, the kind's agent outcomes that carried no estimate (for
 * the Beta update on top).
 */
export function agentPrior(
  data: CalibrationData,
  kind: string,
  modelFailure: number,
  strength: number,
  map: (p: number) => number,
): { readonly prior: number; readonly counts: Counts } {
  const all = agentCounts(data, kind);
  if (!hasModelled(data)) return { prior: modelFailure, counts: all };
  const k = data.kinds.get(kind);
  const family = totals(data.namespaces.get(namespaceOf(kind))?.bins, map);
  const familyRatio = shrunkRatio(family, 1, strength);
  const ratio = shrunkRatio(totals(k?.recent.bins, map), familyRatio, strength);
  const weight = family.n / (family.n + strength);
  let modelledOutcomes = 0;
  let modelledFailures = 0;
  for (const route of agentRoutes) {
    for (const b of k?.routes[route]?.modelled ?? []) {
      modelledOutcomes += b.outcomes;
      modelledFailures += b.failures;
    }
  }
  // Approvals count as fractions, so the differences may round a hair below zero.
  const successes = all.successes - (modelledOutcomes - modelledFailures);
  const failures = all.failures - modelledFailures;
  const counts = { successes: successes > 1e-9 ? successes : 0, failures: failures > 1e-9 ? failures : 0 };
  const mapped = map(modelFailure);
  const borrowed = mapped > modelFailure ? mapped : modelFailure;
  const prior = weight * ratio * mapped + (1 - weight) * borrowed;
  return { prior: prior > 1 ? 1 : prior, counts };
}

/**
 * The share of an autonomous agent's failures that show while it runs (overridden) rather than later (failed): the
 * model's share updated with every kind's autonomous failures, then the namespace's and the kind's recent ones, each
 * worth `strength` pseudo-outcomes.
 */
export function visibleShare(data: CalibrationData, kind: string, modelShare: number, strength: number): number {
  const all = data.allFailures;
  if (all.failures === 0) return modelShare;
  const pooled = (all.overridden + strength * modelShare) / (all.failures + strength);
  const shrink = (entry: RecentData | undefined, toward: number) =>
    entry === undefined ? toward : (entry.overridden + strength * toward) / (entry.failures + strength);
  return shrink(data.kinds.get(kind)?.recent, shrink(data.namespaces.get(namespaceOf(kind)), pooled));
}

function bins(list: readonly BinStats[]): { bin: number; outcomes: number; failures: number; expected: number }[] {
  const out: { bin: number; outcomes: number; failures: number; expected: number }[] = [];
  list.forEach((b, bin) => {
    if (b.outcomes > 0) out.push({ bin, outcomes: b.outcomes, failures: b.failures, expected: b.expected });
  });
  return out;
}

const byKind = <T extends { kind: string }>(a: T, b: T) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0);
const routeOrder: Record<Route, number> = { autonomous: 0, supervised: 1, human: 2 };

/** The counts per kind and route, sorted, as a snapshot lists them. */
export function entriesOf(data: CalibrationData): EntryRecord[] {
  const out: EntryRecord[] = [];
  for (const [kind, k] of data.kinds) {
    for (const route of ["autonomous", "supervised", "human"] as const) {
      const r = k.routes[route];
      if (r === undefined) continue;
      const modelled = route === "human" ? [] : bins(r.modelled);
      // Only autonomous runs' overridden failures matter (they teach what shows while an agent runs alone); the count
      // is written, zero included, wherever there are autonomous failures, so a restore counts every one of them.
      const withOverridden = route === "autonomous" && r.failures > 0;
      out.push({
        kind,
        route,
        successes: r.successes,
        failures: r.failures,
        ...(withOverridden ? { overridden: r.overridden } : {}),
        ...(modelled.length > 0 ? { modelled } : {}),
      });
    }
  }
  return out.sort((a, b) => byKind(a, b) || routeOrder[a.route] - routeOrder[b.route]);
}

/** The kinds' recent data, sorted, as a snapshot lists it. */
export function recentOf(data: CalibrationData): RecentRecord[] {
  const out: RecentRecord[] = [];
  for (const [kind, k] of data.kinds) {
    const modelled = bins(k.recent.bins);
    if (modelled.length === 0 && k.recent.failures === 0) continue;
    out.push({ kind, failures: k.recent.failures, overridden: k.recent.overridden, modelled });
  }
  return out.sort(byKind);
}

/** Outcomes, failures and what the map expected of them, over some bins. */
function totals(list: readonly BinStats[] | undefined, map: (p: number) => number): { n: number; failures: number; expected: number } {
  let n = 0;
  let failures = 0;
  let expected = 0;
  if (list !== undefined) {
    for (const b of list) {
      if (b.outcomes <= 0) continue;
      n += b.outcomes;
      failures += b.failures;
      expected += b.outcomes * map(b.expected / b.outcomes);
    }
  }
  return { n, failures, expected };
}

/** Failures over expectation, with `strength` pseudo-outcomes at the ratio `toward`. */
function shrunkRatio(t: { n: number; failures: number; expected: number }, toward: number, strength: number): number {
  if (t.n === 0 || t.expected <= 0) return toward;
  const mean = t.expected / t.n;
  return (t.failures + strength * mean * toward) / (t.expected + strength * mean);
}
