// The `code.fix-test` agent: a deterministic repair agent. It reads the test suite's report (the failing cases
// with expected and actual values), keeps every case it has seen as an example, and each attempt makes the one
// edit to the pipeline — add, remove, move a step or change a parameter — that best fixes the known examples.
// It never sees the suite itself, only what the sandbox reports, like a developer reading CI output.
import type { Agent, AttemptInput, AttemptResult } from "@convergent/runtime";
import { type ClauseRule, type DirectionReport, applyDirection } from "../shared/directions.js";
import { parseOutput, parseTaskInput } from "../shared/input.js";
import { computeUsage } from "../shared/usage.js";
import { fixTestInputSchema } from "./input.js";
import { type Pipeline, type SimpleStepOp, type Step, type StepOp, pipelineLabel, runPipeline, simpleStepOps, stepLabel, stepOps } from "./pipeline.js";
import { parseFailures } from "./report.js";
import { fixTestOutputSchema } from "./sandbox.js";

/** An example the agent learnt from a report: the input and what the suite expects. */
interface Example {
  readonly input: string;
  readonly expected: string;
}

/** What a person's direction constrains. */
interface RepairConstraints {
  /** Steps the agent must not use. */
  readonly forbidden: Set<StepOp>;
  /** Steps the agent must not remove. */
  readonly kept: Set<StepOp>;
  /** A maximum length the slug must be cut to. */
  maxLength: number | undefined;
}

/** A candidate pipeline and the edit that made it. */
interface Candidate {
  readonly pipeline: Step[];
  readonly edit: string;
}

/** How well a pipeline does on the known examples: failing examples first, then total edit distance. */
interface Score {
  readonly failing: number;
  readonly distance: number;
}

const opPattern = stepOps.join("|");

const directionRules: readonly ClauseRule<RepairConstraints>[] = [
  (clause, c) => {
    const m = new RegExp(`\\b(?:don'?t|do not|never|no|avoid|without|drop|remove)\\s+(?:use\\s+|using\\s+|the\\s+)*(${opPattern})\\b`, "i").exec(clause);
    if (m === null) return null;
    const op = m[1]!.toLowerCase() as StepOp;
    c.forbidden.add(op);
    return `never use ${op}`;
  },
  (clause, c) => {
    const m = new RegExp(`\\b(?:keep|always use|must use|use)\\s+(?:the\\s+)?(${opPattern})\\b`, "i").exec(clause);
    if (m === null || m[1]!.toLowerCase() === "max-length") return null;
    const op = m[1]!.toLowerCase() as StepOp;
    c.kept.add(op);
    return `keep ${op}`;
  },
  (clause, c) => {
    const m = /\b(?:max(?:imum)?[ -]?length|at most|no longer than|limit\b.*?\bto|cut\b.*?\bat)\D{0,20}?(\d{1,4})\b/i.exec(clause);
    if (m === null) return null;
    const n = Number(m[1]);
    if (n < 1) return null;
    c.maxLength = n;
    return `cut slugs at ${n} characters`;
  },
];

/** Edit distance between two strings (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[b.length]!;
}

function score(pipeline: Pipeline, examples: readonly Example[]): Score {
  let failing = 0;
  let distance = 0;
  for (const e of examples) {
    const actual = runPipeline(pipeline, e.input);
    if (actual !== e.expected) {
      failing++;
      distance += editDistance(actual, e.expected);
    }
  }
  return { failing, distance };
}

function better(a: Score, b: Score): boolean {
  return a.failing < b.failing || (a.failing === b.failing && a.distance < b.distance);
}

/** Whether an edit of `from` into `pipeline` keeps to the person's constraints (a kept step is never removed). */
function allowed(pipeline: Pipeline, c: RepairConstraints, from: Pipeline): boolean {
  for (const step of pipeline) if (c.forbidden.has(step.op)) return false;
  for (const op of c.kept) if (from.some((s) => s.op === op) && !pipeline.some((s) => s.op === op)) return false;
  if (c.maxLength !== undefined && !pipeline.some((s) => s.op === "max-length" && s.n === c.maxLength)) return false;
  return true;
}

/** Makes a pipeline keep the person's constraints: forbidden steps removed, the maximum length set. */
function enforce(pipeline: readonly Step[], c: RepairConstraints): { pipeline: Step[]; edits: string[] } {
  const edits: string[] = [];
  let out = pipeline.filter((s) => {
    if (!c.forbidden.has(s.op)) return true;
    edits.push(`removed ${stepLabel(s)} (direction)`);
    return false;
  });
  const n = c.maxLength;
  if (n !== undefined && !out.some((s) => s.op === "max-length" && s.n === n)) {
    const i = out.findIndex((s) => s.op === "max-length");
    if (i >= 0) {
      edits.push(`changed ${stepLabel(out[i]!)} to max-length ${n} (direction)`);
      out = out.map((s, j) => (j === i ? { op: "max-length", n } : s));
    } else {
      edits.push(`added max-length ${n} at the end (direction)`);
      out = [...out, { op: "max-length", n }];
    }
  }
  return { pipeline: out, edits };
}

/** Every pipeline one edit away from `pipeline`, in a fixed order. */
function neighbours(pipeline: readonly Step[], lengths: readonly number[]): Candidate[] {
  const out: Candidate[] = [];
  const at = (i: number) => (i === 0 ? "at the start" : `after ${stepLabel(pipeline[i - 1]!)}`);
  for (let i = 0; i < pipeline.length; i++) {
    out.push({ pipeline: pipeline.filter((_, j) => j !== i), edit: `removed ${stepLabel(pipeline[i]!)}` });
  }
  const inserts: Step[] = [...simpleStepOps.map((op: SimpleStepOp) => ({ op }) as Step), ...lengths.map((n) => ({ op: "max-length", n }) as Step)];
  for (const step of inserts) {
    for (let i = 0; i <= pipeline.length; i++) {
      out.push({ pipeline: [...pipeline.slice(0, i), step, ...pipeline.slice(i)], edit: `added ${stepLabel(step)} ${at(i)}` });
    }
  }
  for (let i = 0; i < pipeline.length; i++) {
    const rest = pipeline.filter((_, j) => j !== i);
    for (let k = 0; k <= rest.length; k++) {
      if (k === i) continue;
      const moved = [...rest.slice(0, k), pipeline[i]!, ...rest.slice(k)];
      out.push({ pipeline: moved, edit: `moved ${stepLabel(pipeline[i]!)} ${k === 0 ? "to the start" : `after ${stepLabel(rest[k - 1]!)}`}` });
    }
  }
  pipeline.forEach((step, i) => {
    if (step.op !== "max-length") return;
    for (const n of lengths) {
      if (n === step.n) continue;
      out.push({ pipeline: pipeline.map((s, j) => (j === i ? { op: "max-length", n } : s)), edit: `changed max-length ${step.n} to ${n}` });
    }
  });
  return out;
}

/**
 * The best pipeline one edit away (or two, when no single edit helps), if it does better than `current`.
 * Ties go to the shorter pipeline, then to the first candidate in a fixed order: the agent is deterministic.
 */
function bestEdit(current: Step[], examples: readonly Example[], c: RepairConstraints): { pipeline: Step[]; edit: string; score: Score } | undefined {
  const lengths = [...new Set([...examples.map((e) => e.expected.length), ...(c.maxLength === undefined ? [] : [c.maxLength])])].sort((a, b) => a - b);
  const base = score(current, examples);
  const rank = (cands: readonly Candidate[]) =>
    cands
      .filter((cand) => allowed(cand.pipeline, c, current))
      .map((cand) => ({ ...cand, score: score(cand.pipeline, examples) }))
      .sort((a, b) => a.score.failing - b.score.failing || a.score.distance - b.score.distance || a.pipeline.length - b.pipeline.length);
  const singles = rank(neighbours(current, lengths));
  const best = singles[0];
  if (best !== undefined && better(best.score, base)) return best;
  // No single edit helps: look two edits ahead from the most promising first edits.
  let bestPair: { pipeline: Step[]; edit: string; score: Score } | undefined;
  for (const first of singles.slice(0, 12)) {
    const second = rank(neighbours(first.pipeline, lengths))[0];
    if (second === undefined || !better(second.score, base)) continue;
    if (bestPair === undefined || better(second.score, bestPair.score)) bestPair = { pipeline: second.pipeline, edit: `${first.edit}, then ${second.edit}`, score: second.score };
  }
  return bestPair;
}

/** Options of {@link createSlugRepairAgent}. */
export interface SlugRepairAgentOptions {
  readonly name?: string;
  readonly kinds?: readonly string[];
}

/**
 * Creates the repair agent for `code.fix-test`. Attempt 1 runs the suite on the current pipeline; every later
 * attempt makes one edit (two when no single edit helps) chosen by how many known failing examples it fixes.
 * Directions it understands: "never use strip-diacritics", "keep trim", "max length 40".
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ router, store, agents: [createSlugRepairAgent()], sandboxes: [createTestSuiteSandbox()] });
 * ```
 */
export function createSlugRepairAgent(options: SlugRepairAgentOptions = {}): Agent {
  return {
    name: options.name ?? "slug-repair",
    kinds: options.kinds ?? ["code.fix-test"],
    async attempt(input: AttemptInput): Promise<AttemptResult> {
      const task = parseTaskInput(fixTestInputSchema, input.task);
      const constraints: RepairConstraints = { forbidden: new Set(), kept: new Set(), maxLength: undefined };
      const direction: DirectionReport = applyDirection(input.direction, constraints, directionRules);
      const previous = parseOutput(fixTestOutputSchema, input.previousOutput);
      // A person's constraints come first, whatever the score.
      const enforced = enforce(previous.ok ? previous.value.pipeline : task.pipeline, constraints);
      const current = enforced.pipeline;

      const examples = new Map<string, Example>();
      for (const f of input.feedback) {
        if (f.source !== "sandbox") continue;
        for (const failure of parseFailures(f.message)) examples.set(failure.input, { input: failure.input, expected: failure.expected });
      }
      const known = [...examples.values()];

      const output = (pipeline: Step[], change: string) => ({
        output: {
          pipeline,
          change,
          summary: pipelineLabel(pipeline),
          knownExamples: known.length,
          direction: { text: direction.text, applied: direction.applied, ignored: direction.ignored },
        },
        usage: computeUsage,
      });

      const withDirection = (change: string) => [...enforced.edits, change].join("; ");
      if (known.length === 0) {
        if (enforced.edits.length > 0) return output(current, enforced.edits.join("; "));
        return output(current, input.feedback.length === 0 ? "no change: first run the suite on the current pipeline" : "no change: the report named no failing case I can read");
      }
      const found = bestEdit(current, known, constraints);
      if (found === undefined) return output(current, withDirection(`no change: no edit of one or two steps fixes more of the ${known.length} known failing examples`));
      return output(found.pipeline, withDirection(found.edit));
    },
  };
}
