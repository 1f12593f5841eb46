// Compiles the policy's rules once into plain predicates; routing a task then only calls them.
import { compileKindMatcher } from "./glob.js";
import type { Comparison, NestedCondition, Rule, When } from "./policySchema.js";
import type { Route, Task } from "./taskSchema.js";

/**
 * What a rule compares: the task, and its signals and stakes as far as they are known — declared, measured by a
 * sandbox or estimated. A value nobody gave (a signal left to the policy's default, stakes not declared) is
 * `undefined`: a rule cannot check it.
 */
export interface RuleContext {
  readonly task: Task;
  readonly signals: {
    readonly feedbackLatencySec?: number | null | undefined;
    readonly ruleClosure?: number | undefined;
    readonly driftHalfLifeSec?: number | null | undefined;
    readonly horizonSec?: number | undefined;
  };
  readonly stakes: { readonly cost?: number | undefined; readonly reversible?: boolean | undefined };
}

/**
 * How a rule's conditions came out: they hold (1), they do not (0), or they could not be checked (2) because a
 * value they test is missing or of another type than the condition's bound (a cost of `"40000"` against `gt: 10000`).
 */
export type RuleVerdict = 0 | 1 | 2;

/** A rule compiled into predicates. The kind test is separate so routers can cache it per kind. */
export interface CompiledRule {
  readonly id: string;
  readonly description: string | undefined;
  /** True when the rule's `when.kind` admits this kind (always true when it has none); case does not matter. */
  readonly matchesKind: (kind: string) => boolean;
  /** How every condition except the kind came out. */
  readonly verdict: (context: RuleContext) => RuleVerdict;
  /**
   * Whether the rule holds when its conditions cannot be checked: true for a rule that can only take autonomy away
   * (it forces people, forbids agent routes, requires roles or sets a deadline), so that leaving a field out never
   * lets a task past it; false for one that could make a task more autonomous (`route: autonomous` or `supervised`,
   * `forbid: [human]`).
   */
  readonly failsClosed: boolean;
  /** True when the rule applies: its conditions hold, or cannot be checked and it fails closed. */
  readonly matches: (context: RuleContext) => boolean;
  readonly route: Route | undefined;
  readonly forbid: readonly Route[];
  readonly requireRoles: readonly string[];
  readonly deadlineSec: number | undefined;
}

type Predicate = (context: RuleContext) => RuleVerdict;
type ValueTest = (value: unknown) => RuleVerdict;
const always: Predicate = () => 1;

/** Compiles one rule. */
export function compileRule(rule: Rule): CompiledRule {
  const verdict = compileWhen(rule.when);
  const forbid = rule.forbid ?? [];
  const failsClosed = (rule.route === undefined || rule.route === "human") && !forbid.includes("human");
  return {
    id: rule.id,
    description: rule.description,
    matchesKind: rule.when.kind === undefined ? () => true : compileKindMatcher(rule.when.kind),
    verdict,
    failsClosed,
    matches: failsClosed ? (ctx) => verdict(ctx) !== 0 : (ctx) => verdict(ctx) === 1,
    route: rule.route,
    forbid,
    requireRoles: rule.requireRoles ?? [],
    deadlineSec: rule.deadlineSec,
  };
}

/** Compiles every condition of a `when` except `kind` into one test: all must hold; one that fails decides. */
export function compileWhen(when: When): (context: RuleContext) => RuleVerdict {
  const parts: Predicate[] = [];
  if (when.tags !== undefined) parts.push(compileTags(when.tags));
  if (when.signals !== undefined) {
    for (const [field, condition] of Object.entries(when.signals)) {
      if (condition === undefined) continue;
      const infiniteWhenNull = field === "feedbackLatencySec" || field === "driftHalfLifeSec";
      const test = compileFieldCondition(condition, infiniteWhenNull);
      const key = field as keyof RuleContext["signals"];
      parts.push((ctx) => test(ctx.signals[key]));
    }
  }
  if (when.stakes !== undefined) {
    for (const [field, condition] of Object.entries(when.stakes)) {
      if (condition === undefined) continue;
      const test = compileFieldCondition(condition, false);
      const key = field as keyof RuleContext["stakes"];
      parts.push((ctx) => test(ctx.stakes[key]));
    }
  }
  if (when.metadata !== undefined) {
    const test = compileNested(when.metadata);
    parts.push((ctx) => test(ctx.task.metadata));
  }
  return combine(parts);
}

/** All must hold: any that fails decides; otherwise any that cannot be checked leaves the whole unchecked. */
function all<T>(parts: readonly ((x: T) => RuleVerdict)[]): (x: T) => RuleVerdict {
  if (parts.length === 1) return parts[0]!;
  return (x) => {
    let out: RuleVerdict = 1;
    for (let i = 0; i < parts.length; i++) {
      const v = parts[i]!(x);
      if (v === 0) return 0;
      if (v === 2) out = 2;
    }
    return out;
  };
}

function combine(parts: Predicate[]): Predicate {
  return parts.length === 0 ? always : all(parts);
}

/** A tag as rules compare it: Unicode-compatible form (NFKC), trimmed, lower case — `ﬁnance `, `Finance` and `finance` are one tag. */
export function normalizeTag(tag: string): string {
  // Most tags are already plain lower-case ASCII: skip Unicode normalisation for them (it dominates routing time).
  return plainTag.test(tag) ? tag : tag.normalize("NFKC").trim().toLowerCase();
}

const plainTag = /^[a-z0-9:_./-]*$/;

function compileTags(condition: NonNullable<When["tags"]>): Predicate {
  const list = (v: string | readonly string[] | undefined) => (v === undefined ? [] : typeof v === "string" ? [v] : v).map(normalizeTag);
  const every = list(condition.includes);
  const any = list(condition.includesAny);
  const none = list(condition.excludes);
  return (ctx) => {
    const raw = ctx.task.tags ?? [];
    const tags = raw.every((t) => plainTag.test(t)) ? raw : raw.map(normalizeTag);
    for (const t of every) if (!tags.includes(t)) return 0;
    if (any.length > 0 && !any.some((t) => tags.includes(t))) return 0;
    for (const t of none) if (tags.includes(t)) return 0;
    return 1;
  };
}

function isComparison(value: unknown): value is Comparison {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => operatorNames.has(k));
}

const operatorNames = new Set(["eq", "ne", "in", "gt", "gte", "lt", "lte", "exists"]);

/**
 * A signal or stake that is missing cannot be checked (2); a metadata path that is missing does not hold (0): metadata
 * is the product's own, and a task without `customer.tier` is a task that has none. A value of the wrong type cannot
 * be checked either way.
 */
function compileFieldCondition(
  condition: Comparison | string | number | boolean | null,
  infiniteWhenNull: boolean,
  missing: RuleVerdict = 2,
): ValueTest {
  if (condition === null || typeof condition !== "object") return (v) => (v === undefined ? missing : v === condition ? 1 : 0);
  const test = compileComparisonVerdict(condition, infiniteWhenNull);
  if (missing === 2) return test;
  // An absent metadata field is a value of its own: it exists not, equals nothing, and is "not equal" to anything.
  const { eq, gt, gte, lt, lte, exists } = condition;
  const absent: RuleVerdict = exists === true || eq !== undefined || condition.in !== undefined || gt !== undefined || gte !== undefined || lt !== undefined || lte !== undefined ? 0 : 1;
  return (v) => (v === undefined ? absent : test(v));
}

/**
 * Compiles a comparison into a test with three outcomes: holds (1), does not (0), cannot be checked (2) — the value
 * is missing (every operator but `exists`), or an ordered operator meets a value of another type than its bound.
 */
export function compileComparisonVerdict(comparison: Comparison, infiniteWhenNull = false): (value: unknown) => RuleVerdict {
  const tests: ValueTest[] = [];
  const { eq, ne, gt, gte, lt, lte, exists } = comparison;
  if (exists !== undefined) tests.push((v) => ((v !== undefined) === exists ? 1 : 0));
  if (eq !== undefined) tests.push((v) => (v === undefined ? 2 : v === eq ? 1 : 0));
  if (ne !== undefined) tests.push((v) => (v === undefined ? 2 : v !== ne ? 1 : 0));
  if (comparison.in !== undefined) {
    const set = new Set<unknown>(comparison.in);
    tests.push((v) => (v === undefined ? 2 : set.has(v) ? 1 : 0));
  }
  const ordered = (bound: number | string, holds: (a: number | string, b: number | string) => boolean): ValueTest => {
    if (typeof bound === "number") {
      return (v) => {
        const n = v === null && infiniteWhenNull ? Number.POSITIVE_INFINITY : v;
        return typeof n === "number" ? (holds(n, bound) ? 1 : 0) : 2;
      };
    }
    return (v) => (typeof v === "string" ? (holds(v, bound) ? 1 : 0) : 2);
  };
  if (gt !== undefined) tests.push(ordered(gt, (a, b) => a > b));
  if (gte !== undefined) tests.push(ordered(gte, (a, b) => a >= b));
  if (lt !== undefined) tests.push(ordered(lt, (a, b) => a < b));
  if (lte !== undefined) tests.push(ordered(lte, (a, b) => a <= b));
  return all(tests);
}

/** Compiles a comparison into a predicate that holds only when the comparison can be checked and holds. */
export function compileComparison(comparison: Comparison, infiniteWhenNull = false): (value: unknown) => boolean {
  const verdict = compileComparisonVerdict(comparison, infiniteWhenNull);
  return (v) => verdict(v) === 1;
}

function compileNested(condition: NestedCondition): ValueTest {
  const tests: ValueTest[] = [];
  for (const [field, sub] of Object.entries(condition)) {
    const inner: ValueTest =
      sub !== null && typeof sub === "object" && !isComparison(sub)
        ? compileNested(sub as NestedCondition)
        : compileFieldCondition(sub as Comparison | string | number | boolean | null, false, 0);
    tests.push((v) => inner(v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>)[field] : undefined));
  }
  return tests.length === 0 ? () => 1 : all(tests);
}
