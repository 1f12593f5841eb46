// What a policy says about one kind of task: its top-level values with every matching `kinds[]` entry applied, in
// order. One resolution for the router (costs, people, the model, shadow runs) and the runtime (budgets).
import { compileKindGlob } from "./glob.js";
import type { Policy } from "./policySchema.js";

/** A policy's values for one kind, after its `kinds[]` overrides. */
export interface ResolvedKind {
  readonly costs: Policy["costs"];
  readonly human: Policy["human"];
  /** `model.initialFailure` for the kind. */
  readonly initialFailure: number;
  readonly shadow: Policy["shadow"];
  readonly budgets: Policy["budgets"];
}

/** Each policy's overrides with their compiled kind globs, compiled once per policy object. */
const compiled = new WeakMap<Policy, readonly (Policy["kinds"][number] & { readonly test: (kind: string) => boolean })[]>();

/**
 * The policy's values for tasks of `kind`: every `kinds[]` entry whose glob matches applies, later entries winning
 * field by field; a field an entry leaves out keeps the value before it.
 *
 * @example
 * ```ts
 * resolveKind(policy, "legal.review").budgets.maxAttempts; // the legal kinds' attempt budget, or the policy's
 * ```
 */
export function resolveKind(policy: Policy, kind: string): ResolvedKind {
  let overrides = compiled.get(policy);
  if (overrides === undefined) {
    overrides = policy.kinds.map((k) => ({ ...k, test: compileKindGlob(k.kind) }));
    compiled.set(policy, overrides);
  }
  let costs = policy.costs;
  let human = policy.human;
  let initialFailure = policy.model.initialFailure;
  let shadow = policy.shadow;
  let budgets = policy.budgets;
  for (const o of overrides) {
    if (!o.test(kind)) continue;
    if (o.costs !== undefined) costs = { ...costs, ...o.costs };
    if (o.human !== undefined) human = { ...human, ...o.human };
    if (o.model?.initialFailure !== undefined) initialFailure = o.model.initialFailure;
    if (o.shadow !== undefined) shadow = { ...shadow, ...o.shadow };
    if (o.budgets !== undefined) budgets = { ...budgets, ...o.budgets };
  }
  return { costs, human, initialFailure, shadow, budgets };
}
