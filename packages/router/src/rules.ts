// Compiles the policy's rules once into plain predicates; routing a task then only calls them.
import { compileKindMatcher } from "./glob.js";
import type { Comparison, NestedCondition, Rule, When } from "./policySchema.js";
import type { Route, Task } from "./taskSchema.js";

/** The resolved values a rule compares: signals and stakes after defaults, sandboxes and estimates. */
export interface RuleContext {
  readonly task: Task;
  readonly signals: {
    readonly feedbackLatencySec: number | null;
    readonly ruleClosure: number;
    readonly driftHalfLifeSec: number | null;
    readonly horizonSec: number;
  };
  readonly stakes: { readonly cost: number; readonly reversible: boolean };
}

/** A rule compiled into predicates. The kind test is separate so routers can cache it per kind. */
export interface CompiledRule {
  readonly id: string;
  readonly description: string | undefined;
  /** True when the rule's `when.kind` admits this kind (always true when it has none). */
  readonly matchesKind: (kind: string) => boolean;
  /** True when every condition except the kind holds. */
  readonly matches: (context: RuleContext) => boolean;
  readonly route: Route | undefined;
  readonly forbid: readonly Route[];
  readonly requireRoles: readonly string[];
  readonly deadlineSec: number | undefined;
}

type Predicate = (context: RuleContext) => boolean;
type ValueTest = (value: unknown) => boolean;
const always: Predicate = () => true;

/** Compiles one rule. */
export function compileRule(rule: Rule): CompiledRule {
  return {
    id: rule.id,
    description: rule.description,
    matchesKind: rule.when.kind === undefined ? () => true : compileKindMatcher(rule.when.kind),
    matches: compileWhen(rule.when),
    route: rule.route,
    forbid: rule.forbid ?? [],
    requireRoles: rule.requireRoles ?? [],
    deadlineSec: rule.deadlineSec,
  };
}

/** Compiles every condition of a `when` except `kind` into one predicate. */
export function compileWhen(when: When): Predicate {
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

function combine(parts: Predicate[]): Predicate {
  if (parts.length === 0) return always;
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) {
    const [a, b] = parts as [Predicate, Predicate];
    return (ctx) => a(ctx) && b(ctx);
  }
  return (ctx) => {
    for (let i = 0; i < parts.length; i++) if (!parts[i]!(ctx)) return false;
    return true;
  };
}

function compileTags(condition: NonNullable<When["tags"]>): Predicate {
  const all = condition.includes === undefined ? [] : typeof condition.includes === "string" ? [condition.includes] : condition.includes;
  const any = condition.includesAny ?? [];
  const none = condition.excludes === undefined ? [] : typeof condition.excludes === "string" ? [condition.excludes] : condition.excludes;
  return (ctx) => {
    const tags = ctx.task.tags ?? [];
    for (const t of all) if (!tags.includes(t)) return false;
    if (any.length > 0 && !any.some((t) => tags.includes(t))) return false;
    for (const t of none) if (tags.includes(t)) return false;
    return true;
  };
}

function isComparison(value: unknown): value is Comparison {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => operatorNames.has(k));
}

const operatorNames = new Set(["eq", "ne", "in", "gt", "gte", "lt", "lte", "exists"]);

function compileFieldCondition(
  condition: Comparison | string | number | boolean | null,
  infiniteWhenNull: boolean,
): ValueTest {
  if (condition === null || typeof condition !== "object") return (v) => v === condition;
  return compileComparison(condition, infiniteWhenNull);
}

/** Compiles a comparison; numeric operators compare numbers with numbers and strings with strings only. */
export function compileComparison(comparison: Comparison, infiniteWhenNull = false): ValueTest {
  const tests: ValueTest[] = [];
  const { eq, ne, gt, gte, lt, lte, exists } = comparison;
  if (exists !== undefined) tests.push((v) => (v !== undefined) === exists);
  if (eq !== undefined) tests.push((v) => v === eq);
  if (ne !== undefined) tests.push((v) => v !== ne);
  if (comparison.in !== undefined) {
    const set = new Set<unknown>(comparison.in);
    tests.push((v) => set.has(v));
  }
  const ordered = (bound: number | string, holds: (a: number | string, b: number | string) => boolean): ValueTest => {
    if (typeof bound === "number") {
      return (v) => {
        const n = v === null && infiniteWhenNull ? Number.POSITIVE_INFINITY : v;
        return typeof n === "number" && holds(n, bound);
      };
    }
    return (v) => typeof v === "string" && holds(v, bound);
  };
  if (gt !== undefined) tests.push(ordered(gt, (a, b) => a > b));
  if (gte !== undefined) tests.push(ordered(gte, (a, b) => a >= b));
  if (lt !== undefined) tests.push(ordered(lt, (a, b) => a < b));
  if (lte !== undefined) tests.push(ordered(lte, (a, b) => a <= b));
  if (tests.length === 1) return tests[0]!;
  return (v) => tests.every((t) => t(v));
}

function compileNested(condition: NestedCondition): ValueTest {
  const tests: ValueTest[] = [];
  for (const [field, sub] of Object.entries(condition)) {
    const inner: ValueTest =
      sub !== null && typeof sub === "object" && !isComparison(sub)
        ? compileNested(sub as NestedCondition)
        : compileFieldCondition(sub as Comparison | string | number | boolean | null, false);
    tests.push((v) => inner(v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>)[field] : undefined));
  }
  return (v) => tests.every((t) => t(v));
}
