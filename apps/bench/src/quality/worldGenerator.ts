// ConvergeBench's world generator: each seed draws a whole world of work — its own families of tasks (how many, what
// their feedback, drift, stakes and agents are like), how badly its teams declare signals, and its own people.
// World 0 is the twelve hand-written families of families.ts, unchanged. Nothing here is ever shown to the router.
import { type Random, createRandom } from "../random.js";
import { type ObservationNoise, type QualityFamily, type Range, qualityFamilies } from "./families.js";
import { mixSeed } from "./latentTasks.js";

/** The kind of work a family is: what its feedback cycle is like. */
export const workArchetypes = ["convergent", "divergent", "open-ended", "mixed"] as const;

/**
 * One archetype: `convergent` — fast feedback, high closure, slow drift; `divergent` — feedback slower than the
 * environment drifts, errors compound; `open-ended` — no feedback cycle within the horizon, little is checkable;
 * `mixed` — somewhere between.
 */
export type WorkArchetype = (typeof workArchetypes)[number];

/** The people of a world. */
export interface WorldPeople {
  /** What a person's minute costs, in dollars (reviewers and people doing tasks alike). */
  readonly perMinute: number;
  /** Multiplier of every family's typical human error rate (0.5: careful people, 2: rushed ones). */
  readonly errorFactor: number;
  /** Multiplier of every family's typical review minutes. */
  readonly reviewSpeedFactor: number;
}

/** A generated world: its families with their archetypes, and its people. */
export interface GeneratedWorld {
  readonly seed: number;
  /** The world's families (the shape the simulation reads). */
  readonly families: readonly QualityFamily[];
  /** The archetype of each family, in the order of `families`. */
  readonly archetypes: readonly WorkArchetype[];
  readonly people: WorldPeople;
}

/** The hand-written world: the twelve families of families.ts, a person's minute at $1. */
export const worldZeroSeed = 0;

const s = 1;
const minute = 60;
const hour = 3600;
const day = 86_400;
const year = 365 * day;

/** World 0's archetypes, by family name (what the hand-written families are like). */
const worldZeroArchetypes: Readonly<Record<string, WorkArchetype>> = {
  code: "convergent",
  data: "convergent",
  bids: "divergent",
  support: "mixed",
  legal: "open-ended",
  hiring: "open-ended",
  invest: "open-ended",
  incident: "divergent",
  translation: "convergent",
  scheduling: "convergent",
  refunds: "mixed",
  content: "open-ended",
};

const namespaces = [
  "code", "data", "ads", "support", "legal", "hiring", "finance", "ops", "i18n", "calendar", "payments", "content",
  "security", "infra", "sales", "research", "claims", "logistics", "hr", "procurement", "compliance", "docs", "ml",
  "qa", "crm", "tax", "pricing", "inventory", "medical", "policy",
] as const;

const verbs = [
  "review", "draft", "fix", "migrate", "triage", "approve", "plan", "tune", "reply", "audit", "summarise", "classify",
  "forecast", "reconcile", "schedule", "translate", "label", "refactor", "deploy", "escalate", "price", "screen",
  "negotiate", "diagnose", "backfill", "rollback", "onboard", "renew", "assess", "allocate",
] as const;

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const uniform = (random: Random, a: number, b: number) => a + random.next() * (b - a);
const logUniform = (random: Random, a: number, b: number) => random.logUniform(a, b);

/** A range around a log-uniform centre: `[c / w, c × w]` with the spread `w` drawn log-uniformly too. */
function logRange(random: Random, centre: Range, spread: Range): Range {
  const c = logUniform(random, centre[0], centre[1]);
  const w = Math.sqrt(logUniform(random, spread[0], spread[1]));
  return [round(c / w, 3), round(c * w, 3)];
}

/** A range `[lo, lo + width]` inside `[0, cap]`. */
function linRange(random: Random, lo: Range, width: Range, cap = 1): Range {
  const a = uniform(random, lo[0], lo[1]);
  const b = Math.min(cap, a + uniform(random, width[0], width[1]));
  return [round(Math.min(a, b), 3), round(b, 3)];
}

/** How work of one archetype behaves: the feedback-cycle side of a family (its fields as in {@link QualityFamily}). */
interface ArchetypeDraw
  extends Pick<QualityFamily, "latency" | "nullLatency" | "closure" | "drift" | "nullDrift" | "horizon" | "skill" | "repair" | "compounding" | "reversible"> {
  readonly stakesCentre: Range;
}

function drawArchetype(random: Random, archetype: WorkArchetype): ArchetypeDraw {
  switch (archetype) {
    case "convergent": {
      const latency = logRange(random, [2 * s, 20 * minute], [3, 60]);
      return {
        latency,
        nullLatency: round(uniform(random, 0, 0.04), 3),
        closure: linRange(random, [0.5, 0.85], [0.1, 0.4]),
        drift: logRange(random, [30 * day, 3 * year], [4, 40]),
        nullDrift: round(uniform(random, 0, 0.4), 2),
        horizon: logRange(random, [latency[1] * 4, latency[1] * 200], [3, 30]),
        skill: linRange(random, [0.35, 0.7], [0.2, 0.4], 0.97),
        repair: linRange(random, [0.35, 0.65], [0.15, 0.35], 0.95),
        compounding: linRange(random, [0.005, 0.06], [0.02, 0.08]),
        reversible: round(uniform(random, 0.6, 1), 2),
        stakesCentre: [20, 2000],
      };
    }
    case "divergent": {
      const latency = logRange(random, [minute, 6 * hour], [3, 30]);
      const centre = Math.sqrt(latency[0] * latency[1]);
      return {
        latency,
        nullLatency: round(uniform(random, 0, 0.05), 3),
        closure: linRange(random, [0.35, 0.8], [0.1, 0.3]),
        // The environment drifts about as fast as feedback arrives: 2^(L/h) is large.
        drift: logRange(random, [centre * 0.4, centre * 6], [3, 30]),
        nullDrift: 0,
        horizon: logRange(random, [latency[1] * 2, latency[1] * 40], [3, 20]),
        skill: linRange(random, [0.35, 0.75], [0.15, 0.35], 0.95),
        repair: linRange(random, [0.3, 0.6], [0.15, 0.3], 0.9),
        compounding: linRange(random, [0.08, 0.25], [0.05, 0.2]),
        reversible: round(uniform(random, 0.3, 0.95), 2),
        stakesCentre: [50, 20_000],
      };
    }
    case "open-ended":
      return {
        latency: logRange(random, [14 * day, 2 * year], [3, 30]),
        nullLatency: round(uniform(random, 0.15, 0.7), 2),
        closure: linRange(random, [0.01, 0.2], [0.05, 0.3]),
        drift: logRange(random, [30 * day, 2 * year], [3, 20]),
        nullDrift: round(uniform(random, 0, 0.2), 2),
        horizon: logRange(random, [hour, 14 * day], [3, 30]),
        skill: linRange(random, [0.2, 0.55], [0.15, 0.35], 0.9),
        repair: linRange(random, [0.15, 0.35], [0.1, 0.25], 0.7),
        compounding: linRange(random, [0.08, 0.2], [0.05, 0.2]),
        reversible: round(uniform(random, 0.05, 0.7), 2),
        stakesCentre: [200, 200_000],
      };
    case "mixed": {
      const latency = logRange(random, [10 * minute, 3 * day], [3, 40]);
      return {
        latency,
        nullLatency: round(uniform(random, 0.02, 0.3), 2),
        closure: linRange(random, [0.2, 0.6], [0.1, 0.35]),
        drift: logRange(random, [3 * day, year], [3, 30]),
        nullDrift: round(uniform(random, 0, 0.15), 2),
        horizon: logRange(random, [latency[0], latency[1] * 10], [3, 30]),
        skill: linRange(random, [0.4, 0.75], [0.15, 0.35], 0.95),
        repair: linRange(random, [0.25, 0.55], [0.15, 0.3], 0.9),
        compounding: linRange(random, [0.03, 0.15], [0.05, 0.15]),
        reversible: round(uniform(random, 0.2, 0.9), 2),
        stakesCentre: [10, 10_000],
      };
    }
  }
}

/** How a family's teams declare signals: biased, noisy, sometimes missing, and some signals never declared at all. */
function drawNoise(random: Random, optimism: number): ObservationNoise {
  // A signal a team never declares for the family: missing for every one of its kinds.
  const missing = (usual: Range) => (random.chance(0.12) ? 1 : round(uniform(random, usual[0], usual[1]), 3));
  return {
    latencyBias: round(logUniform(random, 0.3, 3), 3),
    latencySigma: round(uniform(random, 0.2, 0.8), 3),
    latencyMissing: missing([0, 0.25]),
    closureBias: round(clamp(optimism + uniform(random, -0.08, 0.12), -0.1, 0.3), 3),
    closureSigma: round(uniform(random, 0.04, 0.15), 3),
    closureMissing: missing([0, 0.25]),
    driftBias: round(logUniform(random, 0.7, 4), 3),
    driftSigma: round(uniform(random, 0.3, 0.9), 3),
    driftMissing: missing([0, 0.4]),
  };
}

/** The archetypes of a world's families: at least one of each of convergent, divergent and open-ended, the rest in the world's own proportions. */
function drawArchetypes(random: Random, count: number): WorkArchetype[] {
  const shares = workArchetypes.map(() => -Math.log(1 - random.next()));
  const total = shares.reduce((a, b) => a + b, 0);
  const out: WorkArchetype[] = ["convergent", "divergent", "open-ended"];
  while (out.length < count) {
    let x = random.next() * total;
    let pick: WorkArchetype = "mixed";
    for (let i = 0; i < workArchetypes.length; i++) {
      x -= shares[i]!;
      if (x < 0) {
        pick = workArchetypes[i]!;
        break;
      }
    }
    out.push(pick);
  }
  // Shuffle (Fisher–Yates) so the order of families says nothing about their archetype.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Draws the world of `seed`: 6–14 families spanning convergent, divergent and open-ended work in proportions of its
 * own, each with latent distributions of feedback latency, closure, drift, horizon, stakes and reversibility, agent
 * skill, repair, compounding and tokens; how its teams misreport signals; and its people's minutes, error and catch
 * rates and wage. Seed 0 is world 0, the hand-written families unchanged. Deterministic per seed.
 *
 * @example
 * ```ts
 * const world = generateWorld(7);
 * const tasks = generateBenchTasks({ count: 1000, seed: 7, families: world.families });
 * ```
 */
export function generateWorld(seed: number): GeneratedWorld {
  if (seed === worldZeroSeed) {
    return {
      seed,
      families: qualityFamilies,
      archetypes: qualityFamilies.map((f) => worldZeroArchetypes[f.name] ?? "mixed"),
      people: { perMinute: 1, errorFactor: 1, reviewSpeedFactor: 1 },
    };
  }
  const random = createRandom(mixSeed(seed, 0x77071d));
  const people: WorldPeople = {
    perMinute: round(logUniform(random, 0.25, 4), 3),
    errorFactor: round(logUniform(random, 0.5, 2), 3),
    reviewSpeedFactor: round(logUniform(random, 0.5, 2), 3),
  };
  const count = random.int(6, 14);
  const archetypes = drawArchetypes(random, count);
  // A world's teams lean one way: some overstate closure across the board.
  const optimism = uniform(random, -0.05, 0.2);
  const pool = [...namespaces];
  const used: string[] = [];
  const kindsSeen = new Set<string>();
  const families: QualityFamily[] = archetypes.map((archetype, index) => {
    // Several families may share a namespace (ops.incident and ops.schedule), as real policies do.
    let namespace: string;
    if (used.length > 0 && random.chance(0.25)) namespace = random.pick(used);
    else {
      const at = Math.floor(random.next() * pool.length);
      namespace = pool.splice(at, 1)[0]!;
      used.push(namespace);
    }
    const kindCount = random.int(1, 4);
    const kinds: string[] = [];
    for (let k = 0; kinds.length < kindCount && k < 40; k++) {
      const kind = `${namespace}.${random.pick(verbs)}${random.chance(0.3) ? `-${random.pick(verbs)}` : ""}`;
      if (!kindsSeen.has(kind)) {
        kindsSeen.add(kind);
        kinds.push(kind);
      }
    }
    const a = drawArchetype(random, archetype);
    const stakesLo = logUniform(random, a.stakesCentre[0] / 10, a.stakesCentre[1] / 10);
    const humanMinutes = logRange(random, [4, archetype === "open-ended" ? 480 : 90], [2, 6]);
    const reviewShare = uniform(random, 0.06, 0.4) * people.reviewSpeedFactor;
    const errorLo = clamp(uniform(random, 0.01, archetype === "open-ended" ? 0.2 : 0.08) * people.errorFactor, 0.005, 0.5);
    const catchLo = uniform(random, 0.4, 0.88);
    const tokens = logRange(random, [1500, 60_000], [2, 8]);
    return {
      name: `${namespace}-${index + 1}`,
      description: `${archetype} work in ${namespace}`,
      weight: round(logUniform(random, 1, 16), 2),
      kinds,
      interruptKinds: kinds.filter(() => random.chance(a.reversible < 0.5 ? 0.7 : 0.25)),
      latency: a.latency,
      nullLatency: a.nullLatency,
      closure: a.closure,
      drift: a.drift,
      nullDrift: a.nullDrift,
      horizon: a.horizon,
      cost: [round(stakesLo, 2), round(stakesLo * logUniform(random, 10, 1000), 2)],
      reversible: a.reversible,
      skill: a.skill,
      repair: a.repair,
      compounding: a.compounding,
      humanMinutes,
      humanError: [round(errorLo, 4), round(Math.min(0.6, errorLo * uniform(random, 1.3, 2.5)), 4)],
      reviewMinutes: [round(Math.max(0.5, humanMinutes[0] * reviewShare), 2), round(Math.max(1, humanMinutes[1] * reviewShare), 2)],
      reviewCatch: [round(catchLo, 3), round(Math.min(0.98, catchLo + uniform(random, 0.05, 0.2)), 3)],
      tokens: [Math.round(tokens[0]), Math.round(tokens[1])],
      visibility: round(uniform(random, 0.1, 0.7), 2),
      overconfidence: round(uniform(random, 0.1, 1.5), 2),
      noise: drawNoise(random, optimism),
    };
  });
  return { seed, families, archetypes, people };
}

/** The share of a world's task weight in each archetype. */
export function archetypeShares(world: GeneratedWorld): Record<WorkArchetype, number> {
  const out: Record<WorkArchetype, number> = { convergent: 0, divergent: 0, "open-ended": 0, mixed: 0 };
  const total = world.families.reduce((sum, f) => sum + f.weight, 0);
  world.families.forEach((f, i) => {
    out[world.archetypes[i]!] += f.weight / total;
  });
  return out;
}
