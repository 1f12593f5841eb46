// A seeded generator of varied, valid tasks: a dozen families of kinds with their own signals, stakes, tags and metadata.
import type { Task } from "@convergent/router";
import { type Random, createRandom } from "./random.js";

/** Options of {@link generateTasks}. */
export interface GenerateTasksOptions {
  /** How many tasks. */
  readonly count: number;
  /** Seed: the same seed and count always give the same tasks. */
  readonly seed: number;
  /** Index of the first task (ids and content depend only on the seed and the index). */
  readonly start?: number;
}

type Range = readonly [number, number];

/** How the tasks of one family of kinds tend to look. */
interface Family {
  readonly name: string;
  /** Share of tasks (relative weight). */
  readonly weight: number;
  readonly kinds: readonly string[];
  /** Seconds to feedback (log-uniform); `nullLatency` is the share whose feedback never arrives. */
  readonly latency: Range;
  readonly nullLatency: number;
  readonly closure: Range;
  /** Environment half-life in seconds (log-uniform); `nullDrift` is the share that does not drift. */
  readonly drift: Range;
  readonly nullDrift: number;
  readonly horizon: Range;
  /** Stakes cost (log-uniform) and the share of reversible tasks. */
  readonly cost: Range;
  readonly reversible: number;
  readonly tags: readonly string[];
  readonly teams: readonly string[];
  readonly verbs: readonly string[];
  readonly objects: readonly string[];
  /** Family-specific metadata fields. */
  readonly extra?: (random: Random, kind: string) => Record<string, unknown>;
}

const minute = 60;
const hour = 3600;
const day = 86_400;
const year = 31_536_000;

/** The families the generator draws from; each gives its kinds a typical convergence profile. */
const families: readonly Family[] = [
  {
    name: "code",
    weight: 16,
    kinds: ["code.fix-test", "code.format", "code.lint", "code.refactor", "code.review-pr", "code.upgrade-dep", "code.migrate-schema", "code.write-docs", "code.test.unit", "code.test.e2e"],
    latency: [2, 20 * minute],
    nullLatency: 0.01,
    closure: [0.5, 1],
    drift: [30 * day, 5 * year],
    nullDrift: 0.3,
    horizon: [minute, 4 * hour],
    cost: [1, 5000],
    reversible: 0.92,
    tags: ["repo:web", "repo:api", "repo:mobile", "hotfix", "flaky", "tech-debt", "frontend", "backend"],
    teams: ["frontend", "backend", "platform", "mobile"],
    verbs: ["Fix", "Format", "Refactor", "Review", "Upgrade", "Migrate", "Document", "Test"],
    objects: ["parseDate", "the checkout form", "the auth middleware", "the billing service", "the search index", "src/utils"],
    extra: (r) => ({ repo: r.pick(["web", "api", "mobile", "infra"]), linesChanged: r.int(1, 4000) }),
  },
  {
    name: "data",
    weight: 9,
    kinds: ["data.etl-backfill", "data.etl-incremental", "data.clean", "data.dedupe", "data.label", "data.report"],
    latency: [10, 6 * hour],
    nullLatency: 0.03,
    closure: [0.3, 0.95],
    drift: [7 * day, 2 * year],
    nullDrift: 0.1,
    horizon: [10 * minute, 2 * day],
    cost: [10, 50_000],
    reversible: 0.7,
    tags: ["pii", "warehouse", "finance", "ml", "nightly"],
    teams: ["data", "analytics", "ml"],
    verbs: ["Backfill", "Clean", "Deduplicate", "Label", "Report on", "Load"],
    objects: ["the orders table", "customer events", "the churn dataset", "invoice lines", "clickstream"],
    extra: (r) => ({ rows: Math.round(r.logUniform(100, 50_000_000)), warehouse: r.pick(["snowflake", "bigquery", "postgres"]) }),
  },
  {
    name: "i18n",
    weight: 7,
    kinds: ["i18n.translate-ui", "i18n.translate-legal", "i18n.lint", "i18n.glossary-update"],
    latency: [2, 10 * minute],
    nullLatency: 0,
    closure: [0.3, 0.9],
    drift: [30 * day, year],
    nullDrift: 0.05,
    horizon: [5 * minute, 8 * hour],
    cost: [5, 3000],
    reversible: 0.95,
    tags: ["de", "fr", "ja", "pt-br", "legal-text", "marketing-copy"],
    teams: ["localization", "growth"],
    verbs: ["Translate", "Check", "Update"],
    objects: ["checkout strings", "onboarding emails", "the terms of service", "the glossary", "release notes"],
    extra: (r) => ({ locale: r.pick(["de-DE", "fr-FR", "ja-JP", "pt-BR", "es-ES"]), strings: r.int(1, 2000) }),
  },
  {
    name: "support",
    weight: 12,
    kinds: ["support.reply", "support.reply.billing", "support.reply.technical", "support.triage", "support.escalate", "support.macro-update"],
    latency: [minute, 2 * day],
    nullLatency: 0.05,
    closure: [0.2, 0.8],
    drift: [day, 180 * day],
    nullDrift: 0.02,
    horizon: [5 * minute, day],
    cost: [2, 5000],
    reversible: 0.7,
    tags: ["vip", "angry", "billing", "bug", "churn-risk", "pii"],
    teams: ["support-l1", "support-l2", "success"],
    verbs: ["Answer", "Triage", "Escalate", "Update"],
    objects: ["a refund request", "a login problem", "an export question", "a pricing complaint", "the macro for resets"],
    extra: (r) => ({ channel: r.pick(["email", "chat", "phone", "internal"]), language: r.pick(["en", "de", "fr", "es", null]) }),
  },
  {
    name: "payments",
    weight: 8,
    kinds: ["payments.refund", "payments.payout", "payments.chargeback", "payments.reconcile"],
    latency: [hour, 30 * day],
    nullLatency: 0.02,
    closure: [0.2, 0.8],
    drift: [7 * day, 90 * day],
    nullDrift: 0,
    horizon: [10 * minute, 3 * day],
    cost: [10, 200_000],
    reversible: 0.3,
    tags: ["finance", "fraud-suspected", "vip", "eu", "us"],
    teams: ["payments", "finance-ops"],
    verbs: ["Refund", "Pay out", "Contest", "Reconcile"],
    objects: ["order 4411", "the March settlement", "a disputed charge", "partner payouts", "invoice INV-88"],
    extra: (r) => ({ currency: r.pick(["USD", "EUR", "GBP"]), method: r.pick(["card", "sepa", "ach", "wire"]) }),
  },
  {
    name: "legal",
    weight: 4,
    kinds: ["legal.contract-review", "legal.nda", "legal.compliance-check", "legal.policy-draft"],
    latency: [day, 2 * year],
    nullLatency: 0.2,
    closure: [0.05, 0.5],
    drift: [30 * day, 2 * year],
    nullDrift: 0.05,
    horizon: [hour, 14 * day],
    cost: [500, 1_000_000],
    reversible: 0.2,
    tags: ["finance", "pii", "gdpr", "vendor", "employment"],
    teams: ["legal", "compliance"],
    verbs: ["Review", "Draft", "Check"],
    objects: ["the vendor MSA", "a mutual NDA", "the DPA with Acme", "the data retention policy"],
    extra: (r) => ({ counterparty: r.pick(["Acme", "Globex", "Initech", "Umbrella", "Hooli"]), jurisdiction: r.pick(["eu", "us", "uk"]) }),
  },
  {
    name: "marketing",
    weight: 6,
    kinds: ["marketing.plan", "marketing.copy", "marketing.campaign", "marketing.seo"],
    latency: [hour, 180 * day],
    nullLatency: 0.1,
    closure: [0.05, 0.6],
    drift: [14 * day, 180 * day],
    nullDrift: 0,
    horizon: [hour, 30 * day],
    cost: [50, 100_000],
    reversible: 0.8,
    tags: ["brand", "launch", "paid", "social", "marketing-copy"],
    teams: ["growth", "brand", "product-marketing"],
    verbs: ["Plan", "Write", "Launch", "Optimise"],
    objects: ["next quarter's campaign", "landing page copy", "the spring launch", "blog SEO"],
  },
  {
    name: "finance",
    weight: 6,
    kinds: ["finance.invoice", "finance.forecast", "finance.close-books", "finance.audit-prep"],
    latency: [hour, 90 * day],
    nullLatency: 0.03,
    closure: [0.2, 0.9],
    drift: [30 * day, year],
    nullDrift: 0.05,
    horizon: [30 * minute, 10 * day],
    cost: [100, 500_000],
    reversible: 0.5,
    tags: ["finance", "quarter-end", "audit", "tax"],
    teams: ["finance", "fp&a", "accounting"],
    verbs: ["Issue", "Forecast", "Close", "Prepare"],
    objects: ["invoices for May", "Q3 revenue", "the books for June", "the audit binder"],
    extra: (r) => ({ entity: r.pick(["us-inc", "eu-gmbh", "uk-ltd"]), period: r.pick(["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]) }),
  },
  {
    name: "ops",
    weight: 9,
    kinds: ["ops.deploy", "ops.rollback", "ops.incident", "ops.config-change", "ops.config-rotate", "ops.capacity"],
    latency: [10, 2 * hour],
    nullLatency: 0.01,
    closure: [0.3, 0.95],
    drift: [hour, 30 * day],
    nullDrift: 0.05,
    horizon: [5 * minute, 6 * hour],
    cost: [10, 300_000],
    reversible: 0.75,
    tags: ["hotfix", "k8s", "db", "network", "on-call"],
    teams: ["sre", "platform", "infra"],
    verbs: ["Deploy", "Roll back", "Mitigate", "Change", "Rotate", "Scale"],
    objects: ["api v2.14", "the payments service", "database failover", "TLS certificates", "the CDN config"],
    extra: (r, kind) => ({
      env: r.pick(["prod", "prod", "staging", "dev", null]),
      ...(kind === "ops.incident" ? { severity: r.int(0, 4) } : {}),
    }),
  },
  {
    name: "security",
    weight: 5,
    kinds: ["security.patch", "security.access-review", "security.pentest-triage", "security.vuln-scan"],
    latency: [minute, 30 * day],
    nullLatency: 0.05,
    closure: [0.3, 0.95],
    drift: [day, 90 * day],
    nullDrift: 0,
    horizon: [30 * minute, 7 * day],
    cost: [100, 1_000_000],
    reversible: 0.5,
    tags: ["cve", "pii", "iam", "soc2", "hotfix"],
    teams: ["security", "platform"],
    verbs: ["Patch", "Review", "Triage", "Scan"],
    objects: ["CVE-2024-3094", "admin access", "the pentest report", "container images"],
    extra: (r) => ({ cvss: r.uniform(0, 10, 1) }),
  },
  {
    name: "research",
    weight: 5,
    kinds: ["research.literature", "research.experiment", "research.market-scan"],
    latency: [day, 2 * year],
    nullLatency: 0.25,
    closure: [0.02, 0.5],
    drift: [30 * day, 3 * year],
    nullDrift: 0.1,
    horizon: [day, 90 * day],
    cost: [100, 200_000],
    reversible: 0.9,
    tags: ["ml", "competitors", "pricing", "ux"],
    teams: ["research", "strategy", "ml"],
    verbs: ["Survey", "Run", "Scan"],
    objects: ["retrieval papers", "a pricing experiment", "the EU market", "onboarding interviews"],
  },
  {
    name: "hr",
    weight: 4,
    kinds: ["hr.screen", "hr.onboarding", "hr.policy-update"],
    latency: [day, year],
    nullLatency: 0.15,
    closure: [0.05, 0.6],
    drift: [30 * day, 2 * year],
    nullDrift: 0.05,
    horizon: [hour, 30 * day],
    cost: [100, 100_000],
    reversible: 0.4,
    tags: ["pii", "employment", "synthetic", "remote"],
    teams: ["people", "recruiting"],
    verbs: ["Screen", "Onboard", "Update"],
    objects: ["backend candidates", "the new SRE", "the parental leave policy"],
  },
  {
    name: "invest",
    weight: 2,
    kinds: ["invest.seed", "invest.series-a", "invest.secondary"],
    latency: [90 * day, 5 * year],
    nullLatency: 0.3,
    closure: [0.01, 0.15],
    drift: [90 * day, year],
    nullDrift: 0,
    horizon: [7 * day, 90 * day],
    cost: [50_000, 5_000_000],
    reversible: 0.02,
    tags: ["finance", "fintech", "climate", "ai"],
    teams: ["ventures"],
    verbs: ["Decide", "Evaluate"],
    objects: ["a seed round in Acme AI", "a series A in Globex", "a secondary in Initech"],
    extra: (r) => ({ ticket: Math.round(r.logUniform(50_000, 5_000_000)) }),
  },
];

const totalWeight = families.reduce((sum, f) => sum + f.weight, 0);
const regions = ["eu", "us", "apac", null] as const;
const tiers = ["free", "pro", "business", "enterprise", "strategic"] as const;

/** The family names the generator draws from. */
export const taskFamilies: readonly string[] = families.map((f) => f.name);

/** Every kind the generator may produce. */
export const taskKinds: readonly string[] = families.flatMap((f) => f.kinds);

function pickFamily(random: Random): Family {
  let x = random.next() * totalWeight;
  for (const f of families) {
    x -= f.weight;
    if (x < 0) return f;
  }
  return families[families.length - 1]!;
}

/** Rounds a positive number to 3 significant digits (what a product would send), never to 0. */
function round3(x: number): number {
  const p = 10 ** (Math.floor(Math.log10(x)) - 2);
  return Math.max(Math.round(x / p) * p, p);
}

/**
 * One task: its content depends only on the seed and the index, so any slice of a run can be regenerated.
 * Signals are missing ~10% of the time each, `null` latency or half-life as the family says; stakes,
 * tags and metadata are sometimes left out; metadata holds nested fields and nulls.
 */
export function generateTask(seed: number, index: number): Task {
  // Mix the index into the seed so that tasks are independent of how many came before.
  const random = createRandom(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
  const family = pickFamily(random);
  const kind = random.pick(family.kinds);
  const task: {
    id: string;
    kind: string;
    title: string;
    input?: unknown;
    signals?: Record<string, number | null>;
    stakes?: { cost?: number; reversible?: boolean };
    tags?: string[];
    metadata?: Record<string, unknown>;
  } = {
    id: `t-${index}`,
    kind,
    title: `${random.pick(family.verbs)} ${random.pick(family.objects)} (#${index})`,
  };
  if (random.chance(0.4)) task.input = { ref: `${family.name}-${random.int(1, 99_999)}`, attempt: random.int(1, 3) };

  if (!random.chance(0.05)) {
    const signals: Record<string, number | null> = {};
    const latency = random.chance(family.nullLatency) ? null : round3(random.logUniform(...family.latency));
    if (!random.chance(0.1)) signals.feedbackLatencySec = latency;
    if (!random.chance(0.1)) signals.ruleClosure = random.uniform(...family.closure);
    if (!random.chance(0.12)) signals.driftHalfLifeSec = random.chance(family.nullDrift) ? null : round3(random.logUniform(...family.drift));
    // Products usually give a task time for a few feedback cycles; some horizons are set without regard to feedback.
    if (!random.chance(0.15)) {
      signals.horizonSec = latency !== null && random.chance(0.7) ? round3(latency * random.logUniform(0.5, 40)) : round3(random.logUniform(...family.horizon));
    }
    task.signals = signals;
  }

  if (!random.chance(0.06)) {
    const stakes: { cost?: number; reversible?: boolean } = {};
    if (!random.chance(0.05)) stakes.cost = round3(random.logUniform(...family.cost));
    if (!random.chance(0.1)) stakes.reversible = random.chance(family.reversible);
    task.stakes = stakes;
  }

  const tagCount = random.int(0, 3);
  if (tagCount > 0) {
    const tags = new Set<string>();
    for (let i = 0; i < tagCount; i++) tags.add(random.pick(family.tags));
    if (random.chance(0.05)) tags.add("finance");
    task.tags = [...tags];
  }

  if (!random.chance(0.08)) {
    const metadata: Record<string, unknown> = {
      team: random.pick(family.teams),
      region: random.pick(regions),
      priority: random.int(0, 10),
    };
    if (random.chance(0.6)) {
      const customer: Record<string, unknown> = { tier: random.pick(tiers), arr: round3(random.logUniform(100, 2_000_000)) };
      if (random.chance(0.1)) customer.tier = null;
      metadata.customer = customer;
    }
    if (family.extra !== undefined) Object.assign(metadata, family.extra(random, kind));
    task.metadata = metadata;
  }
  return task as Task;
}

/**
 * Generates `count` varied tasks, deterministically from `seed`, lazily (a million tasks never sit in memory at once).
 *
 * @example
 * ```ts
 * for (const task of generateTasks({ count: 3, seed: 42 })) console.log(task.kind);
 * ```
 */
export function* generateTasks(options: GenerateTasksOptions): Generator<Task> {
  const start = options.start ?? 0;
  for (let i = 0; i < options.count; i++) yield generateTask(options.seed, start + i);
}
