import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Comparison, type RuleContext, type Task, compileComparison, compileKindGlob, compileRule, validatePolicy } from "./index.js";

/** A plain interpreter of one comparison: the reference the compiled predicates must agree with. */
function reference(c: Comparison, value: unknown, infiniteWhenNull: boolean): boolean {
  const v = value === null && infiniteWhenNull ? Number.POSITIVE_INFINITY : value;
  const ordered = (bound: number | string, op: (a: number | string, b: number | string) => boolean) =>
    (typeof bound === "number" && typeof v === "number") || (typeof bound === "string" && typeof v === "string") ? op(v as never, bound) : false;
  if (c.exists !== undefined && (value !== undefined) !== c.exists) return false;
  if (c.eq !== undefined && value !== c.eq) return false;
  if (c.ne !== undefined && value === c.ne) return false;
  if (c.in !== undefined && !c.in.includes(value as never)) return false;
  if (c.gt !== undefined && !ordered(c.gt, (a, b) => a > b)) return false;
  if (c.gte !== undefined && !ordered(c.gte, (a, b) => a >= b)) return false;
  if (c.lt !== undefined && !ordered(c.lt, (a, b) => a < b)) return false;
  if (c.lte !== undefined && !ordered(c.lte, (a, b) => a <= b)) return false;
  return true;
}

const scalar = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom("a", "b", "c"), fc.boolean(), fc.constant(null));
const bound = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom("a", "b", "c"));
const comparison: fc.Arbitrary<Comparison> = fc
  .record(
    { eq: scalar, ne: scalar, in: fc.array(scalar, { minLength: 1, maxLength: 3 }), gt: bound, gte: bound, lt: bound, lte: bound, exists: fc.boolean() },
    { requiredKeys: [] },
  )
  .filter((c) => Object.keys(c).length > 0);

describe("compileComparison", () => {
  it("agrees with a plain interpreter on every comparison and value", () => {
    fc.assert(
      fc.property(comparison, fc.oneof(scalar, fc.constant(undefined)), fc.boolean(), (c, value, infinite) => {
        expect(compileComparison(c, infinite)(value)).toBe(reference(c, value, infinite));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("compileKindGlob", () => {
  it("matches exact kinds, trailing and inner globs", () => {
    expect(compileKindGlob("code.fix-test")("code.fix-test")).toBe(true);
    expect(compileKindGlob("code.fix-test")("code.fix-tests")).toBe(false);
    const code = compileKindGlob("code.*");
    expect(["code.fix-test", "code.a.b"].map(code)).toEqual([true, true]);
    expect(["code", "code.", "codex.y", "legal.code.x"].map(code)).toEqual([false, false, false, false]);
    const inner = compileKindGlob("*.review");
    expect(["legal.review", "a.b.review", "review", "legal.reviews"].map(inner)).toEqual([true, true, false, false]);
    expect(compileKindGlob("*")("anything.at.all")).toBe(true);
  });

  it("agrees with a regular expression built from the glob", () => {
    const segment = fc.constantFrom("code", "legal", "a", "b-c", "*");
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.array(fc.constantFrom("code", "legal", "a", "b-c", "x"), { minLength: 1, maxLength: 4 }), (globParts, kindParts) => {
        const glob = globParts.join(".");
        const kind = kindParts.join(".");
        const regex = new RegExp(`^${glob.split("*").map((p) => p.replace(/[.]/g, "\\.")).join(".+")}$`);
        expect(compileKindGlob(glob)(kind)).toBe(regex.test(kind));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("compileRule", () => {
  const ctx = (task: Partial<Task>, over: Partial<RuleContext> = {}): RuleContext => ({
    task: { id: "t", kind: "k", title: "t", ...task },
    signals: { feedbackLatencySec: null, ruleClosure: 0.5, driftHalfLifeSec: null, horizonSec: 1800 },
    stakes: { cost: 100, reversible: true },
    ...over,
  });
  const rule = (when: unknown) => compileRule(validatePolicy({ id: "p", version: 1, rules: [{ id: "r", when, route: "human" }] }).rules[0]!);

  it("compares null latency and half-life as infinite", () => {
    expect(rule({ signals: { feedbackLatencySec: { gt: 86_400 } } }).matches(ctx({}))).toBe(true);
    expect(rule({ signals: { driftHalfLifeSec: { lt: 86_400 } } }).matches(ctx({}))).toBe(false);
    expect(rule({ signals: { feedbackLatencySec: null } }).matches(ctx({}))).toBe(true);
  });

  it("matches tags with includes, includesAny and excludes", () => {
    const r = rule({ tags: { includes: ["finance", "eu"], excludes: "test" } });
    expect(r.matches(ctx({ tags: ["eu", "finance"] }))).toBe(true);
    expect(r.matches(ctx({ tags: ["finance"] }))).toBe(false);
    expect(r.matches(ctx({ tags: ["finance", "eu", "test"] }))).toBe(false);
    expect(r.matches(ctx({}))).toBe(false);
    expect(rule({ tags: { includesAny: ["a", "b"] } }).matches(ctx({ tags: ["b"] }))).toBe(true);
  });

  it("compares stakes and nested metadata, and needs every condition", () => {
    const r = rule({ stakes: { cost: { gte: 100 }, reversible: false }, metadata: { team: { in: ["finance", "legal"] }, region: { code: "eu" } } });
    const task = { metadata: { team: "finance", region: { code: "eu" } } };
    expect(r.matches(ctx(task, { stakes: { cost: 100, reversible: false } }))).toBe(true);
    expect(r.matches(ctx(task, { stakes: { cost: 99, reversible: false } }))).toBe(false);
    expect(r.matches(ctx(task, { stakes: { cost: 100, reversible: true } }))).toBe(false);
    expect(r.matches(ctx({ metadata: { team: "finance", region: "eu" } }, { stakes: { cost: 100, reversible: false } }))).toBe(false);
    expect(rule({ metadata: { owner: { exists: false } } }).matches(ctx({}))).toBe(true);
  });

  it("tests the kind separately, so routers can cache it per kind", () => {
    const r = rule({ kind: ["legal.*", "payments.refund"] });
    expect([r.matchesKind("legal.nda"), r.matchesKind("payments.refund"), r.matchesKind("code.x")]).toEqual([true, true, false]);
    expect(rule({}).matchesKind("anything")).toBe(true);
  });
});
