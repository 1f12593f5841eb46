import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Comparison,
  type PolicyInput,
  type RuleContext,
  type Task,
  compileComparison,
  compileComparisonVerdict,
  compileKindGlob,
  compileRule,
  createRouter,
  validatePolicy,
} from "./index.js";

/**
 * A plain interpreter of one comparison, the reference the compiled tests must agree with: 1 holds, 0 does not, 2
 * cannot be checked (a missing value for every operator but `exists`; an ordered bound meeting another type).
 */
function reference(c: Comparison, value: unknown, infiniteWhenNull: boolean): 0 | 1 | 2 {
  const v = value === null && infiniteWhenNull ? Number.POSITIVE_INFINITY : value;
  const verdicts: (0 | 1 | 2)[] = [];
  const ordered = (bound: number | string, op: (a: number | string, b: number | string) => boolean) =>
    (typeof bound === "number" && typeof v === "number") || (typeof bound === "string" && typeof v === "string") ? (op(v as never, bound) ? 1 : 0) : 2;
  if (c.exists !== undefined) verdicts.push((value !== undefined) === c.exists ? 1 : 0);
  if (c.eq !== undefined) verdicts.push(value === undefined ? 2 : value === c.eq ? 1 : 0);
  if (c.ne !== undefined) verdicts.push(value === undefined ? 2 : value !== c.ne ? 1 : 0);
  if (c.in !== undefined) verdicts.push(value === undefined ? 2 : c.in.includes(value as never) ? 1 : 0);
  if (c.gt !== undefined) verdicts.push(ordered(c.gt, (a, b) => a > b));
  if (c.gte !== undefined) verdicts.push(ordered(c.gte, (a, b) => a >= b));
  if (c.lt !== undefined) verdicts.push(ordered(c.lt, (a, b) => a < b));
  if (c.lte !== undefined) verdicts.push(ordered(c.lte, (a, b) => a <= b));
  return verdicts.includes(0) ? 0 : verdicts.includes(2) ? 2 : 1;
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
        expect(compileComparisonVerdict(c, infinite)(value)).toBe(reference(c, value, infinite));
        expect(compileComparison(c, infinite)(value)).toBe(reference(c, value, infinite) === 1);
      }),
      { numRuns: 5000 },
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

  it("ignores case, so a kind spelt differently cannot pass a rule", () => {
    expect(["Legal.contract", "LEGAL.CONTRACT", "legal.Contract"].map(compileKindGlob("legal.*"))).toEqual([true, true, true]);
    expect(compileKindGlob("Payments.Refund")("payments.refund")).toBe(true);
    expect(compileKindGlob("*.Review")("legal.REVIEW")).toBe(true);
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
    // An absent metadata field is absent, not unknown: it is "not equal" to anything and equals nothing.
    expect(rule({ metadata: { channel: { ne: "internal" } } }).matches(ctx({}))).toBe(true);
    expect(rule({ metadata: { channel: { eq: "internal" } } }).matches(ctx({}))).toBe(false);
  });

  it("tests the kind separately, so routers can cache it per kind", () => {
    const r = rule({ kind: ["legal.*", "payments.refund"] });
    expect([r.matchesKind("legal.nda"), r.matchesKind("payments.refund"), r.matchesKind("code.x")]).toEqual([true, true, false]);
    expect(rule({}).matchesKind("anything")).toBe(true);
  });
});

describe("rules that cannot be checked", () => {
  const policy: PolicyInput = {
    id: "closed",
    version: 1,
    reviewers: [
      { id: "lin", roles: ["finance"] },
      { id: "rex", roles: ["reviewer"] },
    ],
    rules: [
      { id: "big-refunds", when: { kind: "payments.refund", stakes: { cost: { gt: 10_000 } } }, route: "human" },
      { id: "cheap-is-free", when: { kind: "payments.refund", stakes: { cost: { lt: 5 } } }, route: "autonomous" },
      { id: "amounts", when: { kind: "payments.wire", metadata: { amount: { gt: 10_000 } } }, route: "human" },
      { id: "vip", when: { kind: "support.*", metadata: { tier: { eq: "gold" } } }, forbid: ["autonomous", "supervised"] },
      { id: "finance-eyes", when: { tags: { includes: "finance" } }, requireRoles: ["finance"] },
      { id: "slow-feedback", when: { kind: "ops.*", signals: { driftHalfLifeSec: { lt: 3600 } } }, route: "human" },
    ],
  };
  const router = createRouter({ policy });
  const convergent = { feedbackLatencySec: 5, ruleClosure: 0.99, driftHalfLifeSec: null, horizonSec: 3600 };
  const task = (over: Partial<Task>): Task => ({ id: "t", kind: "payments.refund", title: "t", signals: convergent, ...over });

  it("holds a rule that only takes autonomy away when the stakes it tests are not declared", () => {
    const d = router.decide(task({}));
    expect(d.route).toBe("human");
    expect(d.rules).toEqual(["big-refunds"]);
    expect(d.reasons.some((r) => r.startsWith("Rule big-refunds applies although the task leaves out"))).toBe(true);
    expect(router.decide(task({ stakes: { cost: 40, reversible: true } })).rules).toEqual([]);
  });

  it("does not hold a rule that could make a task more autonomous when it cannot be checked", () => {
    expect(router.decide(task({ stakes: { cost: 2, reversible: true } })).rules).toEqual(["cheap-is-free"]);
    expect(router.decide(task({})).rules).not.toContain("cheap-is-free");
  });

  it("holds it when a metadata value has another type than the bound, but not when the path is absent", () => {
    const wire = (metadata: Task["metadata"]) => router.decide(task({ kind: "payments.wire", stakes: { cost: 10, reversible: true }, ...(metadata === undefined ? {} : { metadata }) }));
    expect(wire({ amount: "40000" }).route).toBe("human");
    expect(wire({ amount: 40_000 }).route).toBe("human");
    expect(wire({ amount: 40 }).rules).toEqual([]);
    const support = (metadata?: Task["metadata"]) => router.decide(task({ kind: "support.reply", stakes: { cost: 10, reversible: true }, ...(metadata === undefined ? {} : { metadata }) }));
    expect(support().rules).toEqual([]);
    expect(support({ tier: "gold" }).rules).toEqual(["vip"]);
  });

  it("reads a signal left to the policy's defaults as unknown", () => {
    const ops = (signals: Task["signals"]) => router.decide(task({ kind: "ops.restart", stakes: { cost: 10, reversible: true }, signals }));
    expect(ops({ ...convergent, driftHalfLifeSec: null }).rules).toEqual([]);
    expect(ops({ feedbackLatencySec: 5, ruleClosure: 0.99, horizonSec: 3600 }).rules).toEqual(["slow-feedback"]);
  });

  it("compares tags in one form: case, spacing and compatibility characters do not matter", () => {
    for (const tag of ["finance", "Finance", " finance ", "FINANCE", "\ufb01nance"]) {
      expect(router.decide(task({ stakes: { cost: 10, reversible: true }, tags: [tag] })).assigneeRoles).toEqual(["finance"]);
    }
  });
});
