// The benchmark's peer: the policy's rules as json-rules-engine rules, evaluated by one reused Engine on the same tasks.
import { type Comparison, type Decision, type NestedCondition, type Policy, type Rule, type Task, compileRule } from "@convergent/router";
import { Engine, Operator, type NestedCondition as PeerCondition, type RuleProperties, type TopLevelCondition } from "json-rules-engine";

/** The peer's name in reports. */
export const peerName = "json-rules-engine";

/**
 * The facts one evaluation gets, as a team would hand them to json-rules-engine: the task's kind, tags and
 * metadata, and the resolved stakes and signals (after defaults and sandboxes, as the router's rules see them).
 * "Never" (a `null` latency or half-life) is encoded as `Infinity`, so numeric operators treat it as infinitely long,
 * like the router does.
 */
export interface PeerFacts {
  readonly kind: string;
  readonly tags: readonly string[];
  /** The declared stakes (absent when the task does not declare them). */
  readonly stakes: { readonly cost?: number; readonly reversible?: boolean };
  /** The resolved signals, absent where only the policy's defaults gave them. */
  readonly signals: {
    readonly feedbackLatencySec?: number;
    readonly ruleClosure?: number;
    readonly driftHalfLifeSec?: number;
    readonly horizonSec?: number;
  };
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** A json-rules-engine Engine holding the policy's rules, built once and reused for every evaluation. */
export interface PeerEngine {
  /** The underlying engine. */
  readonly engine: Engine;
  /** How many rules it holds. */
  readonly rules: number;
  /** Runs the engine on one set of facts (`engine.run(facts)`) and returns the ids of the rules that matched, sorted. */
  evaluate(facts: PeerFacts): Promise<string[]>;
}

const infiniteWhenNull = new Set(["feedbackLatencySec", "driftHalfLifeSec"]);

/**
 * The peer's facts for a task, taken from the router's decision so both engines see exactly the same resolved
 * values. Computing them is not part of the peer's timing (which favours the peer).
 */
export function peerFactsFor(task: Task, decision: Decision): PeerFacts {
  const s = decision.signals;
  const known = <T>(signal: { value: T; source: string }, value: (v: T) => number): { v?: number } =>
    signal.source === "default" ? {} : { v: value(signal.value) };
  const signals: Record<string, number> = {};
  for (const [name, signal] of [
    ["feedbackLatencySec", known(s.feedbackLatencySec, (v) => v ?? Number.POSITIVE_INFINITY)],
    ["ruleClosure", known(s.ruleClosure, (v) => v)],
    ["driftHalfLifeSec", known(s.driftHalfLifeSec, (v) => v ?? Number.POSITIVE_INFINITY)],
    ["horizonSec", known(s.horizonSec, (v) => v)],
  ] as const) {
    if (signal.v !== undefined) signals[name] = signal.v;
  }
  return {
    kind: task.kind,
    tags: task.tags ?? [],
    stakes: { ...(task.stakes?.cost === undefined ? {} : { cost: task.stakes.cost }), ...(task.stakes?.reversible === undefined ? {} : { reversible: task.stakes.reversible }) },
    signals,
    metadata: task.metadata ?? {},
  };
}

/** Glob semantics of kinds, written the way a team would for json-rules-engine: `*` matches one or more characters. */
function globToRegExp(pattern: string): RegExp {
  if (pattern === "*") return /^.*$/;
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".+");
  return new RegExp(`^${source}$`, "i");
}

/** The custom operator `kindMatches`: the fact (a kind) matches the glob, or one of the globs, given as value. */
function kindOperator(): Operator<string, string | string[]> {
  const cache = new Map<string, RegExp>();
  const test = (kind: string, pattern: string): boolean => {
    let regex = cache.get(pattern);
    if (regex === undefined) {
      regex = globToRegExp(pattern);
      cache.set(pattern, regex);
    }
    return regex.test(kind);
  };
  return new Operator<string, string | string[]>(
    "kindMatches",
    (kind, pattern) => (typeof pattern === "string" ? test(kind, pattern) : pattern.some((p) => test(kind, p))),
    (kind) => typeof kind === "string",
  );
}

/**
 * A dot-path resolver (`customer.tier`), passed as the engine's documented `pathResolver` option. It is much
 * faster than the default JSONPath resolver, which gives the peer its best showing.
 */
function dotPathResolver(): (value: object, path: string) => unknown {
  const split = new Map<string, string[]>();
  return (value, path) => {
    let keys = split.get(path);
    if (keys === undefined) {
      keys = path.split(".");
      split.set(path, keys);
    }
    let v: unknown = value;
    for (const key of keys) {
      if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
      v = (v as Record<string, unknown>)[key];
    }
    return v;
  };
}

const operatorFor = { eq: "equal", ne: "notEqual", in: "in", gt: "greaterThan", gte: "greaterThanInclusive", lt: "lessThan", lte: "lessThanInclusive" } as const;

function isComparison(value: unknown): value is Comparison {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k in operatorFor || k === "exists");
}

/**
 * Conditions for one field: a scalar means `equal`; a comparison gives one condition per operator. In a rule that
 * fails closed (the router holds it when a value cannot be checked), each condition on a signal or stake also holds
 * when the field is missing, and each ordered condition on metadata when the value is present but not a number.
 */
function fieldConditions(fact: string, path: string, condition: unknown, where: string, failsClosed = false): PeerCondition[] {
  const plain = plainConditions(fact, path, condition, where);
  if (!failsClosed) return plain;
  return plain.map((c) => {
    const leaf = c as { operator?: string };
    if (leaf.operator === "exists") return c;
    if (fact !== "metadata") return { any: [{ fact, path, operator: "exists", value: false }, c] };
    if (["greaterThan", "greaterThanInclusive", "lessThan", "lessThanInclusive"].includes(leaf.operator ?? "")) {
      return { any: [{ fact, path, operator: "presentNotNumber", value: true }, c] };
    }
    return c;
  });
}

function plainConditions(fact: string, path: string, condition: unknown, where: string): PeerCondition[] {
  const never = fact === "signals" && infiniteWhenNull.has(path);
  const value = (v: unknown): unknown => (never && v === null ? Number.POSITIVE_INFINITY : v);
  if (!isComparison(condition)) return [{ fact, path, operator: "equal", value: value(condition) }];
  const out: PeerCondition[] = [];
  for (const [op, bound] of Object.entries(condition)) {
    if (bound === undefined) continue;
    if (op === "exists") {
      out.push({ fact, path, operator: "exists", value: bound });
      continue;
    }
    if ((op === "gt" || op === "gte" || op === "lt" || op === "lte") && typeof bound !== "number") {
      throw new Error(`${where}: ${op} with a string bound has no json-rules-engine equivalent in this benchmark`);
    }
    const peerValue = op === "in" ? (bound as unknown[]).map(value) : value(bound);
    out.push({ fact, path, operator: operatorFor[op as keyof typeof operatorFor], value: peerValue });
  }
  return out;
}

function nestedConditions(fact: string, prefix: string, condition: NestedCondition, where: string, failsClosed: boolean): PeerCondition[] {
  const out: PeerCondition[] = [];
  for (const [field, sub] of Object.entries(condition)) {
    const path = prefix === "" ? field : `${prefix}.${field}`;
    if (sub !== null && typeof sub === "object" && !isComparison(sub)) out.push(...nestedConditions(fact, path, sub as NestedCondition, where, failsClosed));
    else out.push(...fieldConditions(fact, path, sub, where, failsClosed));
  }
  return out;
}

/**
 * Translates one router rule into a json-rules-engine rule: every condition under `all`, `tags.includesAny` as an
 * `any`, the kind glob as the custom operator `kindMatches`, fields as `path`s into the `stakes`, `signals` and
 * `metadata` facts. The event's type is the rule id; its params carry the rule's effects (the peer does not apply them).
 */
export function toPeerRule(rule: Rule): RuleProperties {
  const where = `rule ${rule.id}`;
  const when = rule.when;
  // Whether an unknown value holds the rule is the router's own call (a rule that only takes autonomy away does).
  const failsClosed = compileRule(rule).failsClosed;
  const all: PeerCondition[] = [];
  if (when.kind !== undefined) all.push({ fact: "kind", operator: "kindMatches", value: when.kind });
  if (when.tags !== undefined) {
    const list = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === "string" ? [v] : v);
    for (const t of list(when.tags.includes)) all.push({ fact: "tags", operator: "contains", value: t });
    if (when.tags.includesAny !== undefined) all.push({ any: when.tags.includesAny.map((t) => ({ fact: "tags", operator: "contains", value: t })) });
    for (const t of list(when.tags.excludes)) all.push({ fact: "tags", operator: "doesNotContain", value: t });
  }
  for (const fact of ["signals", "stakes"] as const) {
    const fields = when[fact] as Record<string, unknown> | undefined;
    if (fields === undefined) continue;
    for (const [field, condition] of Object.entries(fields)) {
      if (condition !== undefined) all.push(...fieldConditions(fact, field, condition, where, failsClosed));
    }
  }
  if (when.metadata !== undefined) all.push(...nestedConditions("metadata", "", when.metadata, where, failsClosed));
  const conditions: TopLevelCondition = { all };
  const params: Record<string, unknown> = {};
  if (rule.route !== undefined) params.route = rule.route;
  if (rule.forbid !== undefined) params.forbid = rule.forbid;
  if (rule.requireRoles !== undefined) params.requireRoles = rule.requireRoles;
  if (rule.deadlineSec !== undefined) params.deadlineSec = rule.deadlineSec;
  return { name: rule.id, conditions, event: { type: rule.id, params } };
}

/**
 * Builds the peer once: one Engine with the policy's rules, the `kindMatches` and `exists` operators and a dot-path
 * resolver. Evaluations reuse it through the engine's own API, `engine.run(facts)`.
 *
 * @example
 * ```ts
 * const peer = createPeerEngine(router.policy);
 * const matched = await peer.evaluate(peerFactsFor(task, router.decide(task))); // ["finance-eyes", ...]
 * ```
 */
export function createPeerEngine(policy: Policy): PeerEngine {
  const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: dotPathResolver() });
  engine.addOperator(kindOperator());
  engine.addOperator<unknown, boolean>("exists", (value, exists) => (value !== undefined) === exists);
  engine.addOperator<unknown, boolean>("presentNotNumber", (value, expected) => (value !== undefined && typeof value !== "number") === expected);
  for (const rule of policy.rules) engine.addRule(toPeerRule(rule));
  return {
    engine,
    rules: policy.rules.length,
    async evaluate(facts) {
      const result = await engine.run(facts as unknown as Record<string, unknown>);
      return result.events.map((e) => e.type).sort();
    },
  };
}
