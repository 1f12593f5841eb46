// The `data.normalize` agent: proposes a field mapping and repairs it issue by issue. Attempt 1 maps the target
// fields whose names appear as-is in the records; each later attempt reads the validator's issues and fixes each
// one the way a person would: a missing field gets the most similar source key (or a name split), a wrong type
// gets the coercion that turns the value it saw into the type expected.
import type { Agent, AttemptInput, AttemptResult } from "@convergent/runtime";
import { type ClauseRule, applyDirection } from "../shared/directions.js";
import { latestSandboxFeedback } from "../shared/feedback.js";
import { parseOutput, parseTaskInput } from "../shared/input.js";
import { computeUsage } from "../shared/usage.js";
import { normalizeInputSchema } from "./input.js";
import type { FieldMapping, Transform } from "./mapping.js";
import { type RecordIssue, parseIssues } from "./report.js";
import { normalizeOutputSchema } from "./sandbox.js";
import type { FieldSpec } from "./targetSchema.js";

/** A mapping entry the agent edits. */
interface Entry {
  target: string;
  from: string[];
  transforms: Transform[];
}

/** What a person's direction pins down. */
interface MappingConstraints {
  /** target → source key a person named. */
  readonly pinned: Map<string, string>;
  /** Source keys a person said not to use. */
  readonly excluded: Set<string>;
}

/** Words that mean the same in field names. */
const synonyms: readonly (readonly string[])[] = [
  ["email", "mail", "emailaddress", "e_mail"],
  ["firstname", "givenname", "forename", "first"],
  ["lastname", "surname", "familyname", "last"],
  ["phone", "telephone", "tel", "mobile", "phonenumber"],
  ["signupdate", "signup", "signedup", "registered", "joined", "createdat", "created"],
  ["active", "isactive", "enabled", "status"],
  ["zip", "zipcode", "postcode", "postalcode"],
  ["age", "years"],
];

const fullNameKeys = new Set(["name", "fullname", "customername", "contactname", "displayname"]);

/** A field name reduced for comparison: lower case, letters and digits only. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** How similar a source key is to a target field name (0 = unrelated, 1 = the same up to case and punctuation). */
export function keySimilarity(source: string, target: string): number {
  const s = normalizeKey(source);
  const t = normalizeKey(target);
  if (s === t) return 1;
  if (synonyms.some((group) => group.includes(s) && group.includes(t))) return 0.9;
  const sw = new Set(words(source));
  const tw = words(target);
  const shared = tw.filter((w) => sw.has(w)).length;
  const union = new Set([...sw, ...tw]).size;
  if (shared > 0) return 0.5 * (shared / union) + 0.2;
  if (s.length >= 4 && (s.includes(t) || t.includes(s))) return 0.4;
  return 0;
}

/** The part of a name a target field asks for, if it looks like a first or last name. */
function namePart(target: string): "first" | "last" | undefined {
  const t = normalizeKey(target);
  if (/first|given|forename/.test(t)) return "first";
  if (/last|family|surname/.test(t)) return "last";
  return undefined;
}

/** The coercion that turns `value` into `type`, if there is one the agent knows. */
function coercionFor(type: FieldSpec["type"], message: string): Transform[] {
  switch (type) {
    case "number":
    case "integer":
      return /expected a number|expected an integer/.test(message) ? ["trim", "to-number"] : [];
    case "boolean":
      return /expected a boolean/.test(message) ? ["trim", "to-boolean"] : [];
    case "string":
      return /expected a string/.test(message) ? ["to-string"] : [];
    case "email":
      return /e-mail|email|expected a string/.test(message) ? ["trim", "lowercase"] : [];
    case "date":
      return /ISO date|expected a string/.test(message) ? ["trim", "to-iso-date"] : [];
  }
}

const directionRules: readonly ClauseRule<MappingConstraints>[] = [
  (clause, c) => {
    const m = /\b(?:map|use|take|rename)\s+["“]?([^"”]+?)["”]?\s+(?:to|for|as|into)\s+["“]?([A-Za-z_][A-Za-z0-9_]*)["”]?$/i.exec(clause);
    if (m === null) return null;
    c.pinned.set(m[2]!, m[1]!.trim());
    return `${m[2]} comes from "${m[1]!.trim()}"`;
  },
  (clause, c) => {
    const m = /\b(?:ignore|drop|skip|don'?t use|do not use|never use)\s+(?:the\s+)?(?:column\s+|field\s+|key\s+)?["“]?([^"”]+?)["”]?(?:\s+(?:column|field|key))?$/i.exec(clause);
    if (m === null) return null;
    c.excluded.add(m[1]!.trim());
    return `never read "${m[1]!.trim()}"`;
  },
];

/** Adds transforms not yet in the list, keeping the list in the vocabulary's working order (trim before to-number…). */
function withTransforms(current: readonly Transform[], added: readonly Transform[]): Transform[] {
  const order: readonly Transform[] = ["split-name-first", "split-name-last", "trim", "lowercase", "to-number", "to-boolean", "to-string", "to-iso-date"];
  const set = new Set([...current, ...added]);
  return order.filter((t) => set.has(t));
}

/** Options of {@link createMappingAgent}. */
export interface MappingAgentOptions {
  readonly name?: string;
  readonly kinds?: readonly string[];
}

/**
 * Creates the mapping agent for `data.normalize`. Deterministic: the same input, feedback and direction give the
 * same mapping. Directions it understands: `map "Full Name" to firstName`, `ignore "legacy_id"`.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ router, store, agents: [createMappingAgent()], sandboxes: [createSchemaValidatorSandbox()] });
 * ```
 */
export function createMappingAgent(options: MappingAgentOptions = {}): Agent {
  return {
    name: options.name ?? "mapping-repair",
    kinds: options.kinds ?? ["data.normalize"],
    async attempt(input: AttemptInput): Promise<AttemptResult> {
      const task = parseTaskInput(normalizeInputSchema, input.task);
      const constraints: MappingConstraints = { pinned: new Map(), excluded: new Set() };
      const direction = applyDirection(input.direction, constraints, directionRules);
      const fields = new Map(task.schema.fields.map((f) => [f.name, f]));
      const sourceKeys = [...new Set(task.records.flatMap((r) => Object.keys(r)))].filter((k) => !constraints.excluded.has(k));
      const changes: string[] = [];

      const previous = parseOutput(normalizeOutputSchema, input.previousOutput);
      const entries = new Map<string, Entry>();
      if (previous.ok) {
        for (const e of previous.value.mapping) entries.set(e.target, { target: e.target, from: [...e.from], transforms: [...e.transforms] });
      } else {
        for (const f of task.schema.fields) {
          if (sourceKeys.includes(f.name)) entries.set(f.name, { target: f.name, from: [f.name], transforms: [] });
        }
        changes.push(`mapped ${entries.size} of ${fields.size} fields whose names appear in the records as they are`);
      }

      // A person's direction comes first and is kept.
      for (const [target, source] of constraints.pinned) {
        if (!fields.has(target)) continue;
        const e = entries.get(target);
        if (e === undefined || e.from[0] !== source) {
          entries.set(target, { target, from: [source], transforms: e?.transforms ?? [] });
          changes.push(`${target} ← "${source}" (direction)`);
        }
      }
      for (const e of entries.values()) {
        const kept = e.from.filter((k) => !constraints.excluded.has(k));
        if (kept.length === 0) entries.delete(e.target);
        else e.from = kept;
      }

      const latest = latestSandboxFeedback(input.feedback);
      const issues: RecordIssue[] = latest === undefined ? [] : parseIssues(latest.message);
      const handled = new Set<string>();
      for (const issue of issues) {
        const spec = fields.get(issue.field);
        const key = `${issue.field}:${issue.message.startsWith("required") ? "missing" : issue.message}`;
        if (handled.has(key)) continue;
        handled.add(key);
        if (spec === undefined) {
          if (issue.message === "unknown key" && entries.delete(issue.field)) changes.push(`dropped ${issue.field}: the target schema has no such field`);
          continue;
        }
        const record = task.records[issue.record] ?? {};
        const entry = entries.get(spec.name);
        if (issue.message.startsWith("required")) {
          if (constraints.pinned.has(spec.name)) continue;
          if (entry === undefined) {
            const found = findSource(spec, sourceKeys, entries);
            if (found !== undefined) {
              entries.set(spec.name, found.entry);
              changes.push(found.why);
            }
          } else {
            // The record has none of the keys the entry reads: add the record's key most like them.
            const candidates = Object.keys(record).filter((k) => !entry.from.includes(k) && !constraints.excluded.has(k) && !usedElsewhere(k, spec.name, entries));
            const best = bestBy(candidates, (k) => Math.max(keySimilarity(k, spec.name), ...entry.from.map((f) => keySimilarity(k, f))));
            if (best !== undefined) {
              entry.from.push(best);
              changes.push(`${spec.name} also reads "${best}" (record ${issue.record} has no ${entry.from.slice(0, -1).map((k) => `"${k}"`).join(" or ")})`);
            }
          }
          continue;
        }
        if (entry === undefined) continue;
        const add = coercionFor(spec.type, issue.message).filter((t) => !entry.transforms.includes(t));
        if (add.length > 0) {
          entry.transforms = withTransforms(entry.transforms, add);
          changes.push(`${spec.name}: ${add.join(" + ")} (${issue.message})`);
        }
      }

      const mapping: FieldMapping[] = task.schema.fields.flatMap((f) => {
        const e = entries.get(f.name);
        return e === undefined ? [] : [{ target: e.target, from: e.from, transforms: e.transforms }];
      });
      if (changes.length === 0) changes.push(issues.length === 0 ? "no change" : "no change: no repair I know fits the reported issues");
      return {
        output: {
          mapping,
          changes,
          direction: { text: direction.text, applied: direction.applied, ignored: direction.ignored },
        },
        usage: computeUsage,
      };
    },
  };
}

function usedElsewhere(key: string, target: string, entries: ReadonlyMap<string, Entry>): boolean {
  for (const e of entries.values()) if (e.target !== target && e.from.includes(key) && !e.transforms.some((t) => t.startsWith("split-name"))) return true;
  return false;
}

function bestBy<T>(items: readonly T[], score: (item: T) => number): T | undefined {
  let best: T | undefined;
  let bestScore = 0;
  for (const item of items) {
    const s = score(item);
    if (s > bestScore) {
      best = item;
      bestScore = s;
    }
  }
  return best;
}

/** A source for a target field no entry fills yet: the most similar unused key, or a part of a full name. */
function findSource(spec: FieldSpec, sourceKeys: readonly string[], entries: ReadonlyMap<string, Entry>): { entry: Entry; why: string } | undefined {
  const free = sourceKeys.filter((k) => !usedElsewhere(k, spec.name, entries));
  const best = bestBy(free, (k) => keySimilarity(k, spec.name));
  if (best !== undefined && keySimilarity(best, spec.name) >= 0.4) {
    return { entry: { target: spec.name, from: [best], transforms: [] }, why: `${spec.name} ← "${best}" (the most similar source key)` };
  }
  const part = namePart(spec.name);
  const fullName = sourceKeys.find((k) => fullNameKeys.has(normalizeKey(k)));
  if (part !== undefined && fullName !== undefined) {
    const t: Transform = part === "first" ? "split-name-first" : "split-name-last";
    return { entry: { target: spec.name, from: [fullName], transforms: [t] }, why: `${spec.name} ← ${part} part of "${fullName}"` };
  }
  return undefined;
}
