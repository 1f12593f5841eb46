// The routing policy: a versioned document people write in YAML or JSON (DESIGN.md §4, §7).
import { z } from "zod";
import { routeSchema } from "./taskSchema.js";

const kindGlobSchema = z
  .string()
  .regex(/^(?:\*|[A-Za-z0-9_-]+|[A-Za-z0-9_*-]+)(?:\.(?:\*|[A-Za-z0-9_*-]+))*$/, {
    message: "must be a kind or a glob such as code.* (letters, digits, -, _, . and *)",
  })
  .describe("A task kind, or a glob where * matches any characters (code.* matches code.fix-test and code.a.b).");

const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A comparison on one field; all operators given must hold. */
export const comparisonSchema = z
  .strictObject({
    eq: scalarSchema.optional().describe("Equal to."),
    ne: scalarSchema.optional().describe("Not equal to."),
    in: z.array(scalarSchema).min(1).optional().describe("One of these values."),
    gt: z.union([z.number(), z.string()]).optional().describe("Greater than."),
    gte: z.union([z.number(), z.string()]).optional().describe("Greater than or equal to."),
    lt: z.union([z.number(), z.string()]).optional().describe("Less than."),
    lte: z.union([z.number(), z.string()]).optional().describe("Less than or equal to."),
    exists: z.boolean().optional().describe("Whether the field is present."),
  })
  .refine((c) => Object.keys(c).length > 0, { message: "needs at least one operator (eq, ne, in, gt, gte, lt, lte, exists)" });

/** A comparison on one field, as zod infers it. */
export type Comparison = z.infer<typeof comparisonSchema>;

const needsOperator = { message: "needs at least one operator (eq, ne, in, gt, gte, lt, lte, exists)" };

const numberComparisonSchema = z
  .strictObject({
    eq: z.number().nullable().optional(),
    ne: z.number().nullable().optional(),
    in: z.array(z.number().nullable()).min(1).optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    exists: z.boolean().optional(),
  })
  .refine((c) => Object.keys(c).length > 0, needsOperator);

const numberConditionSchema = z.union([z.number(), z.null(), numberComparisonSchema]);

const booleanConditionSchema = z.union([
  z.boolean(),
  z
    .strictObject({ eq: z.boolean().optional(), ne: z.boolean().optional(), exists: z.boolean().optional() })
    .refine((c) => Object.keys(c).length > 0, { message: "needs eq, ne or exists" }),
]);

/** A condition on a nested object: each key names a field; a value is a comparison, a scalar (eq), or a deeper object. */
export type NestedCondition = { [field: string]: Comparison | string | number | boolean | null | NestedCondition };

const nestedConditionSchema: z.ZodType<NestedCondition> = z.lazy(() =>
  z
    .record(z.string(), z.union([comparisonSchema, scalarSchema, nestedConditionSchema]))
    .refine((c) => Object.keys(c).length > 0, { message: "an empty condition matches everything: name a field or an operator" }),
);

const signalConditionsSchema = z.strictObject({
  feedbackLatencySec: numberConditionSchema.optional(),
  ruleClosure: numberConditionSchema.optional(),
  driftHalfLifeSec: numberConditionSchema.optional(),
  horizonSec: numberConditionSchema.optional(),
});

const stakesConditionsSchema = z.strictObject({
  cost: numberConditionSchema.optional(),
  reversible: booleanConditionSchema.optional(),
});

const tagsConditionSchema = z
  .strictObject({
    includes: z.union([z.string(), z.array(z.string()).min(1)]).optional().describe("Every one of these tags."),
    includesAny: z.array(z.string()).min(1).optional().describe("At least one of these tags."),
    excludes: z.union([z.string(), z.array(z.string()).min(1)]).optional().describe("None of these tags."),
  })
  .refine((c) => Object.keys(c).length > 0, { message: "needs includes, includesAny or excludes" });

/** When a rule applies; every condition given must hold. */
export const whenSchema = z
  .strictObject({
    kind: z.union([kindGlobSchema, z.array(kindGlobSchema).min(1)]).optional(),
    tags: tagsConditionSchema.optional(),
    signals: signalConditionsSchema.optional().describe("Compared with the resolved signals; null latency or half-life count as infinite."),
    stakes: stakesConditionsSchema.optional().describe("Compared with the resolved stakes."),
    metadata: nestedConditionSchema.optional().describe("Compared with the task's metadata, nested fields as nested keys."),
  })
  .describe("Conditions that must all hold for the rule to apply; an empty when matches every task.");

/** A rule's conditions. */
export type When = z.infer<typeof whenSchema>;

/** A hard constraint evaluated before the cost comparison. */
export const ruleSchema = z
  .strictObject({
    id: z.string().min(1).describe("Unique id, named in decisions."),
    description: z.string().optional(),
    when: whenSchema,
    route: routeSchema.optional().describe("Force this route."),
    forbid: z.array(routeSchema).min(1).optional().describe("Never use these routes."),
    requireRoles: z.array(z.string().min(1)).min(1).optional().describe("Checkpoints need a reviewer with one of these roles."),
    deadlineSec: z.number().positive().optional().describe("Checkpoints for the task are due within this many seconds."),
  })
  .refine((r) => r.route !== undefined || r.forbid !== undefined || r.requireRoles !== undefined || r.deadlineSec !== undefined, {
    message: "a rule needs an effect: route, forbid, requireRoles or deadlineSec",
  });

/** A rule of the policy. */
export type Rule = z.infer<typeof ruleSchema>;

const costsShape = {
  currency: z.string().min(1).default("USD").describe("Currency of every cost in the policy."),
  reviewerPerMinute: z.number().min(0).default(1).describe("What a reviewer's minute costs."),
  reviewMinutes: z.number().min(0).default(5).describe("Minutes a person needs to review an agent's result."),
  humanTaskMinutes: z.number().min(0).default(30).describe("Minutes a person needs to do the task alone."),
  agentPerAttempt: z.number().min(0).default(0.05).describe("What one agent attempt costs (tokens, compute)."),
  irreversibleMultiplier: z
    .number()
    .min(1)
    .default(1)
    .describe("Stakes of an irreversible task are multiplied by this. 1 by default: a task's stakes.cost already says what an undetected failure costs, so a higher value counts irreversibility twice."),
};

/** The same fields, optional and without defaults (for overrides). */
function withoutDefaults<S extends Record<string, z.ZodDefault<z.ZodType>>>(shape: S): { [K in keyof S]: z.ZodOptional<S[K]["_zod"]["def"]["innerType"]> } {
  const out: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(shape)) out[key] = field.unwrap().optional();
  return out as { [K in keyof S]: z.ZodOptional<S[K]["_zod"]["def"]["innerType"]> };
}

const costsSchema = z.strictObject(costsShape).describe("What each side costs.");

const humanShape = {
  errorRate: z.number().min(0).max(1).default(0.05).describe("Share of tasks a person doing them alone gets wrong."),
  reviewCatchRate: z.number().min(0).max(1).default(0.8).describe("Share of an agent's failures a reviewer catches."),
};

const shadowShape = {
  share: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe("Share of the tasks the cost decision gives a person on which the agent also works, blind: its result is never used, and comparing it with the person's teaches the kind's agent estimate."),
  untilOutcomes: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(100)
    .describe("Shadowing stops once the kind has this many agent outcomes (null: never); the evidence is then there."),
};

const modelShape = {
  repairEfficiency: z.number().gt(0).lt(1).default(0.5).describe("η: share of the checkable error one feedback cycle repairs."),
  targetError: z.number().gt(0).lt(1).default(0.05).describe("Residual error at which an autonomous loop counts as converged."),
  minFailureRate: z.number().min(0).max(1).default(0.01).describe("An agent's failure probability never drops below this."),
  initialFailure: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe("Share of tasks an agent gets wrong at its first attempt, before any feedback; the model's estimate is this × (1 − score): feedback repairs the checkable part, what nothing checks stays wrong at this rate."),
};

const budgetsSchema = z
  .strictObject({
    maxAttempts: z.number().int().min(1).default(8).describe("Attempts an autonomous run may make."),
    maxTokens: z.number().int().positive().optional().describe("Tokens a run may spend."),
    maxCost: z.number().positive().optional().describe("What a run may spend, in the policy's currency."),
    maxWallSec: z.number().positive().default(1800).describe("Wall time a run may take; also the horizon when a task gives none."),
  })
  .describe("Limits of an autonomous run; the runtime escalates before they are exceeded.");

const partialSignalsDefaults = z.strictObject({
  feedbackLatencySec: z.number().positive().nullable().default(null),
  ruleClosure: z.number().min(0).max(1).default(0),
  driftHalfLifeSec: z.number().positive().nullable().default(86400),
  horizonSec: z.number().positive().nullable().default(null).describe("null: the budget's maxWallSec."),
});

const defaultsSchema = z
  .strictObject({
    signals: partialSignalsDefaults.prefault({}).describe("Used for signals a task, sandbox, the kind's other tasks and the estimator leave unknown."),
    imputation: z
      .strictObject({
        quantile: z
          .number()
          .min(0.5)
          .max(1)
          .default(0.75)
          .describe("A signal a task leaves out takes the value at which this share of its kind's declarations are at least as convergent (1: the least convergent declared)."),
        minTasks: z.number().int().min(1).default(5).describe("Declarations of a signal a kind needs before it is imputed; until then the default applies."),
      })
      .prefault({})
      .describe("Missing signals imputed from what the kind's other tasks declared."),
    stakes: z
      .strictObject({
        cost: z.number().min(0).default(1000),
        reversible: z.boolean().default(false),
      })
      .prefault({}),
  })
  .describe("Conservative values for what a task does not say.");

/** A feedback profile that a sandbox gives a kind of task. */
export const sandboxProfileSchema = z
  .strictObject({
    kind: kindGlobSchema,
    name: z.string().min(1).optional().describe("Name of the sandbox, shown in decisions."),
    feedbackLatencySec: z.number().positive().optional(),
    ruleClosure: z.number().min(0).max(1).optional(),
  })
  .refine((s) => s.feedbackLatencySec !== undefined || s.ruleClosure !== undefined, {
    message: "a sandbox profile needs feedbackLatencySec or ruleClosure",
  });

/** A sandbox's feedback profile for task kinds. */
export type SandboxProfile = z.infer<typeof sandboxProfileSchema>;

/** Per-kind overrides of costs, people's rates, the model, shadow runs and budgets. */
export const kindOverrideSchema = z.strictObject({
  kind: kindGlobSchema,
  // Overrides carry no defaults: a field left out keeps the policy's top-level value.
  costs: z.strictObject(withoutDefaults(costsShape)).omit({ currency: true }).optional(),
  human: z.strictObject(withoutDefaults(humanShape)).optional(),
  model: z
    .strictObject({ initialFailure: modelShape.initialFailure.removeDefault().optional() })
    .optional(),
  shadow: z.strictObject(withoutDefaults(shadowShape)).optional(),
  budgets: z
    .strictObject({
      maxAttempts: z.number().int().min(1).optional(),
      maxWallSec: z.number().positive().optional(),
    })
    .optional(),
});

/** Per-kind overrides. */
export type KindOverride = z.infer<typeof kindOverrideSchema>;

const onTimeoutSchema = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("escalate"), roles: z.array(z.string().min(1)).min(1) }),
  z.strictObject({ action: z.literal("default"), answer: z.record(z.string(), z.json()) }),
  z.strictObject({ action: z.literal("fail") }),
]);

const reviewerSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  roles: z.array(z.string().min(1)).min(1),
});

/** The evidence that lifts a minimum-score guard for a kind; `null`: the guard always holds. */
const liftAfterSchema = z
  .strictObject({
    outcomes: z.number().int().min(1).describe("Agent outcomes of the kind needed first."),
    maxFailure: z.number().min(0).max(1).describe("The kind's agent failure, at a 90% credible bound, must be at most this."),
  })
  .nullable()
  .describe("Outcomes that lift the minimum-score guard for a kind: its agent failure proven low enough.");

/** The policy document. */
export const policySchema = z
  .strictObject({
    $schema: z.string().optional().describe("JSON Schema reference for editors; ignored."),
    id: z.string().min(1).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: "must be letters, digits, ., - and _" }),
    version: z.number().int().min(0).describe("Bump it on every change; decisions name it."),
    description: z.string().optional(),
    costs: costsSchema.prefault({}),
    human: z.strictObject(humanShape).prefault({}).describe("How often people err and how much review catches."),
    model: z.strictObject(modelShape).prefault({}).describe("Parameters of the convergence model (DESIGN.md §3)."),
    defaults: defaultsSchema.prefault({}),
    sandboxes: z.array(sandboxProfileSchema).default([]).describe("Feedback profiles sandboxes give kinds of task."),
    kinds: z.array(kindOverrideSchema).default([]).describe("Per-kind overrides; every matching entry applies, later ones win."),
    rules: z.array(ruleSchema).default([]).describe("Hard constraints, evaluated before the cost comparison."),
    guards: z
      .strictObject({
        autonomous: z
          .strictObject({
            minScore: z.number().min(0).max(1).default(0.25).describe("Below this convergence score autonomous is forbidden."),
            maxStakes: z.number().min(0).nullable().default(null).describe("Above these effective stakes autonomous is forbidden."),
            liftAfter: liftAfterSchema.default({ outcomes: 30, maxFailure: 0.1 }),
          })
          .prefault({}),
        supervised: z
          .strictObject({
            minScore: z.number().min(0).max(1).default(0),
            maxStakes: z.number().min(0).nullable().default(null),
            liftAfter: liftAfterSchema.default({ outcomes: 30, maxFailure: 0.1 }),
          })
          .prefault({}),
      })
      .prefault({})
      .describe("Thresholds that forbid routes regardless of cost."),
    risk: z
      .strictObject({
        mode: z.enum(["neutral", "averse"]).default("neutral").describe("averse: use a pessimistic credible bound on failure."),
        credibleLevel: z.number().gt(0.5).lt(1).default(0.9).describe("Level of that bound."),
      })
      .prefault({}),
    calibration: z
      .strictObject({
        priorStrength: z.number().positive().default(10).describe("Pseudo-count of the convergence model's prior."),
      })
      .prefault({}),
    exploration: z
      .strictObject({
        rate: z.number().min(0).max(0.5).default(0).describe("Share of eligible tasks routed one step more autonomous."),
        maxStakes: z.number().min(0).default(100).describe("Only tasks with effective stakes up to this are explored."),
        supervised: z
          .boolean()
          .default(false)
          .describe("Let uncertainty earn supervised work: a task the cost decision gives a person goes supervised when a plausible draw of the agent's failure (from its posterior, per task) makes supervision cheaper. Safe: a person sees the result; its verdict teaches the kind."),
      })
      .prefault({}),
    shadow: z
      .strictObject(shadowShape)
      .prefault({})
      .describe("Shadow runs: while a person does a task, the agent attempts it too, within its budgets; evidence at no risk. Never where a rule forced the person."),
    budgets: budgetsSchema.prefault({}),
    reviewers: z.array(reviewerSchema).default([]).describe("People who answer checkpoints, with their roles."),
    checkpoints: z
      .strictObject({
        assigneeRoles: z.array(z.string().min(1)).min(1).default(["reviewer"]).describe("Roles that may answer when no rule says otherwise."),
        deadlineSec: z.number().positive().default(86400).describe("Default deadline of a checkpoint."),
        onTimeout: onTimeoutSchema.default({ action: "fail" }),
      })
      .prefault({}),
  })
  .superRefine((policy, ctx) => {
    const seen = new Map<string, number>();
    policy.rules.forEach((rule, i) => {
      const first = seen.get(rule.id);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `duplicate rule id "${rule.id}" (first at rules[${first}])` });
      else seen.set(rule.id, i);
      if (rule.route !== undefined && rule.forbid?.includes(rule.route)) {
        ctx.addIssue({ code: "custom", path: ["rules", i, "forbid"], message: `forbids the route "${rule.route}" it forces` });
      }
    });
    const reviewerIds = new Set<string>();
    policy.reviewers.forEach((r, i) => {
      if (reviewerIds.has(r.id)) ctx.addIssue({ code: "custom", path: ["reviewers", i, "id"], message: `duplicate reviewer id "${r.id}"` });
      reviewerIds.add(r.id);
    });
    if (policy.reviewers.length > 0) {
      const roles = new Set(policy.reviewers.flatMap((r) => r.roles));
      const check = (list: readonly string[] | undefined, path: (string | number)[]) => {
        list?.forEach((role, j) => {
          if (!roles.has(role)) ctx.addIssue({ code: "custom", path: [...path, j], message: `no reviewer has the role "${role}"` });
        });
      };
      policy.rules.forEach((rule, i) => check(rule.requireRoles, ["rules", i, "requireRoles"]));
      check(policy.checkpoints.assigneeRoles, ["checkpoints", "assigneeRoles"]);
      const onTimeout = policy.checkpoints.onTimeout;
      if (onTimeout.action === "escalate") check(onTimeout.roles, ["checkpoints", "onTimeout", "roles"]);
    }
  })
  .describe("A Convergent routing policy.");

/** A validated policy with every default filled in. */
export type Policy = z.infer<typeof policySchema>;

/** A policy as a person writes it (defaults may be left out). */
export type PolicyInput = z.input<typeof policySchema>;

