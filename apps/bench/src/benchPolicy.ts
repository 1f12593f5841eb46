// The 20-rule policy the router benchmark decides under: kind globs, tags, stakes/signals/metadata comparisons, every effect.
import type { PolicyInput } from "@convergent/router";

/**
 * A realistic policy with 20 rules for a company that routes code, data, support, payments, legal, ops and
 * investment work. It uses every kind of condition (exact kinds, `prefix.*`, `*.suffix`, `a.b-*` and lists of globs;
 * tags `includes`/`includesAny`/`excludes`; `eq`, `ne`, `in`, `gt`, `gte`, `lt`, `lte` on stakes, signals and nested
 * metadata) and every effect (route, forbid, requireRoles, deadlineSec), plus sandbox profiles and per-kind overrides.
 *
 * @example
 * ```ts
 * const router = createRouter({ policy: benchPolicy });
 * ```
 */
export const benchPolicy: PolicyInput = {
  id: "bench-20-rules",
  version: 1,
  description: "The router benchmark's policy: 20 rules over a dozen families of work.",
  costs: { currency: "USD", reviewerPerMinute: 1.5, reviewMinutes: 4, humanTaskMinutes: 30, agentPerAttempt: 0.05, irreversibleMultiplier: 3 },
  human: { errorRate: 0.05, reviewCatchRate: 0.8 },
  sandboxes: [
    { kind: "code.*", name: "unit-tests", feedbackLatencySec: 30, ruleClosure: 0.85 },
    { kind: "code.format", name: "formatter", feedbackLatencySec: 2, ruleClosure: 1 },
    { kind: "i18n.*", name: "glossary-check", feedbackLatencySec: 5, ruleClosure: 0.6 },
    { kind: "data.*", name: "schema-validator", ruleClosure: 0.7 },
    { kind: "ops.config-*", name: "config-linter", feedbackLatencySec: 10 },
  ],
  kinds: [
    { kind: "legal.*", costs: { humanTaskMinutes: 90, reviewMinutes: 20 }, human: { errorRate: 0.03 } },
    { kind: "support.*", costs: { reviewMinutes: 2, humanTaskMinutes: 8 } },
    { kind: "ops.incident", budgets: { maxAttempts: 3, maxWallSec: 900 } },
    { kind: "invest.*", costs: { humanTaskMinutes: 600, reviewMinutes: 120 } },
  ],
  reviewers: [
    { id: "ana", roles: ["reviewer", "lead"] },
    { id: "ben", roles: ["reviewer", "finance"] },
    { id: "chloe", roles: ["legal", "privacy"] },
    { id: "dev", roles: ["reviewer", "sre", "security"] },
    { id: "eli", roles: ["account-manager", "reviewer"] },
    { id: "fay", roles: ["partner"] },
    { id: "gus", roles: ["hr", "reviewer"] },
    { id: "hana", roles: ["data-steward", "reviewer"] },
  ],
  risk: { mode: "averse", credibleLevel: 0.9 },
  exploration: { rate: 0.02, maxStakes: 100 },
  checkpoints: { assigneeRoles: ["reviewer"], deadlineSec: 86_400 },
  rules: [
    { id: "big-refunds", when: { kind: "payments.refund", stakes: { cost: { gt: 10_000 } } }, route: "human", requireRoles: ["finance"] },
    { id: "no-solo-legal", when: { kind: "legal.*" }, forbid: ["autonomous"], requireRoles: ["legal"] },
    { id: "finance-eyes", when: { tags: { includes: "finance" } }, requireRoles: ["finance"] },
    {
      id: "prod-changes",
      when: { kind: ["ops.deploy", "ops.config-*"], metadata: { env: "prod" } },
      forbid: ["autonomous"],
      requireRoles: ["sre"],
      deadlineSec: 3600,
    },
    { id: "irreversible-expensive", when: { stakes: { reversible: false, cost: { gte: 5000 } } }, forbid: ["autonomous"] },
    {
      id: "security-sensitive",
      when: { kind: "security.*", tags: { includesAny: ["cve", "pii"] } },
      requireRoles: ["security"],
      deadlineSec: 14_400,
    },
    { id: "trivial-code", when: { kind: ["code.format", "*.lint"], stakes: { cost: { lt: 100 } } }, route: "autonomous" },
    { id: "no-feedback", when: { signals: { feedbackLatencySec: { gt: 2_592_000 } } }, forbid: ["autonomous"] },
    { id: "open-ended", when: { kind: ["marketing.*", "research.*"], signals: { ruleClosure: { lt: 0.3 } } }, forbid: ["autonomous"] },
    { id: "key-accounts", when: { metadata: { customer: { tier: { in: ["enterprise", "strategic"] } } } }, requireRoles: ["account-manager"] },
    { id: "eu-personal-data", when: { tags: { includes: "pii" }, metadata: { region: "eu" } }, forbid: ["autonomous"], requireRoles: ["privacy"] },
    { id: "hotfix-deadline", when: { tags: { includes: "hotfix" } }, deadlineSec: 1800 },
    { id: "investments", when: { kind: "invest.*" }, route: "human", requireRoles: ["partner"] },
    { id: "large-payouts", when: { kind: "payments.payout", stakes: { cost: { gt: 2000 } } }, requireRoles: ["finance"], deadlineSec: 7200 },
    { id: "fast-drift-costly", when: { signals: { driftHalfLifeSec: { lt: 86_400 } }, stakes: { cost: { gt: 500 } } }, forbid: ["autonomous"] },
    { id: "people-decisions", when: { kind: "hr.*", tags: { excludes: "synthetic" } }, forbid: ["autonomous"], requireRoles: ["hr"] },
    {
      id: "sev1-incidents",
      when: { kind: "ops.incident", metadata: { severity: { lte: 1 } } },
      route: "human",
      requireRoles: ["sre"],
      deadlineSec: 900,
    },
    { id: "big-backfills", when: { kind: "data.etl-*", metadata: { rows: { gt: 1_000_000 } } }, route: "supervised", requireRoles: ["data-steward"] },
    {
      id: "closed-quick-cheap",
      when: { signals: { ruleClosure: { gte: 0.95 }, horizonSec: { lte: 600 } }, stakes: { cost: { lt: 50 } } },
      route: "autonomous",
    },
    {
      id: "vip-priority",
      when: { metadata: { priority: { gte: 8 }, channel: { ne: "internal" } }, stakes: { cost: { gt: 1000 } } },
      requireRoles: ["lead"],
      deadlineSec: 3600,
    },
  ],
};
