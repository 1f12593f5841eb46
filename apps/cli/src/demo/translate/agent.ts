// The `i18n.translate` agent: translation by memory and glossary substitution. Each string is taken from the
// translation memory when the memory has it, and otherwise built by replacing glossary terms (longest first, whole
// words, placeholders untouched). A string the glossary check flags is repaired: its memory translation with the
// deprecated terms replaced when that keeps the glossary, otherwise rebuilt from the glossary. A reviewer's rule
// such as `use "Anmelden" for "Sign in"` becomes a glossary entry for every later attempt.
import type { Agent, AttemptInput, AttemptResult } from "@convergent/runtime";
import { type ClauseRule, type DirectionReport, applyDirection } from "../shared/directions.js";
import { latestSandboxFeedback, reviewerMessages } from "../shared/feedback.js";
import { parseOutput, parseTaskInput } from "../shared/input.js";
import { computeUsage } from "../shared/usage.js";
import { parseStringIssues } from "./report.js";
import { translateOutputSchema } from "./sandbox.js";
import { hasTerm, matchCase, placeholders, replaceTerm, termPattern, translateInputSchema } from "./strings.js";

/** The glossary as a person's rules leave it: source term → target term. */
interface GlossaryRules {
  readonly glossary: Map<string, string>;
}

const quoted = `["“„«]([^"”“»]+)["”“»]`;

const ruleClauses: readonly ClauseRule<GlossaryRules>[] = [
  (clause, g) => {
    const m = new RegExp(`^(?:please\\s+)?(?:use|say|write|translate\\s+${quoted}\\s+as)\\s+${quoted}(?:\\s+(?:for|instead of)\\s+${quoted})?$`, "i").exec(clause);
    if (m === null) return null;
    const [source, target] = m[1] !== undefined ? [m[1], m[2]!] : [m[3]!, m[2]!];
    if (source === undefined) return null;
    g.glossary.set(source, target);
    return `"${source}" → "${target}"`;
  },
  (clause, g) => {
    const m = new RegExp(`^${quoted}\\s+(?:for|→|->|=|as)\\s+${quoted}$`, "i").exec(clause);
    if (m === null) return null;
    g.glossary.set(m[2]!, m[1]!);
    return `"${m[2]}" → "${m[1]}"`;
  },
  (clause, g) => {
    const m = new RegExp(`^(?:keep|leave)\\s+${quoted}\\s+(?:untranslated|as it is|in english)$`, "i").exec(clause);
    if (m === null) return null;
    g.glossary.set(m[1]!, m[1]!);
    return `keep "${m[1]}" untranslated`;
  },
];

/** Replaces glossary terms in `source` (longest first, whole words, any case; placeholders are never touched). */
export function substituteGlossary(source: string, glossary: ReadonlyMap<string, string>): string {
  const parts = source.split(/(\{\{\s*[\w.]+\s*\}\}|\{[\w.]+\}|%\([\w.]+\)[sd]|%[sd])/);
  const terms = [...glossary.keys()].sort((a, b) => b.length - a.length);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return part;
      // Replace through tokens so a rendering is never matched again by a shorter term.
      const tokens: string[] = [];
      let text = part;
      for (const term of terms) {
        text = text.replace(termPattern(term, "giu"), (found) => {
          tokens.push(matchCase(found, glossary.get(term)!));
          return `\u0000${tokens.length - 1}\u0000`;
        });
      }
      return text.replace(/\u0000(\d+)\u0000/g, (_, n: string) => tokens[Number(n)]!);
    })
    .join("");
}

/** Whether a translation keeps the placeholders, the glossary and the deprecated terms (what the check checks). */
function keepsRules(source: string, target: string, glossary: ReadonlyMap<string, string>, deprecated: Readonly<Record<string, string>>): boolean {
  if (placeholders(source).join("\u0000") !== placeholders(target).join("\u0000")) return false;
  for (const [term, rendering] of glossary) if (hasTerm(source, term) && !hasTerm(target, rendering)) return false;
  return Object.keys(deprecated).every((old) => !hasTerm(target, old));
}

/** Options of {@link createGlossaryAgent}. */
export interface GlossaryAgentOptions {
  readonly name?: string;
  readonly kinds?: readonly string[];
}

/**
 * Creates the glossary-substitution agent for `i18n.translate`. Directions and reviewer rejections it understands:
 * `use "Anmelden" for "Sign in"`, `"Konto" for "account"`, `keep "Convergent" untranslated`.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ router, store, agents: [createGlossaryAgent()], sandboxes: [createGlossaryCheckSandbox()] });
 * ```
 */
export function createGlossaryAgent(options: GlossaryAgentOptions = {}): Agent {
  return {
    name: options.name ?? "glossary-translator",
    kinds: options.kinds ?? ["i18n.translate"],
    async attempt(input: AttemptInput): Promise<AttemptResult> {
      const task = parseTaskInput(translateInputSchema, input.task);
      const rules: GlossaryRules = { glossary: new Map(Object.entries(task.glossary)) };
      const direction: DirectionReport = applyDirection(input.direction, rules, ruleClauses);
      // Reviewers' rejection reasons carry rules too; later ones win.
      const fromReviewers: DirectionReport[] = reviewerMessages(input.feedback)
        .filter((m) => !m.startsWith("Direction: "))
        .map((m) => applyDirection(m, rules, ruleClauses));
      const overridden = [...rules.glossary.keys()].filter((k) => rules.glossary.get(k) !== task.glossary[k]);

      const previous = parseOutput(translateOutputSchema, input.previousOutput);
      // The check's report on the previous attempt (a passed attempt has none: a reviewer answered it instead).
      const latest = latestSandboxFeedback(input.feedback);
      const flagged = new Set(latest !== undefined && latest.attempt === input.attempt - 1 ? parseStringIssues(latest.message).map((i) => i.key) : []);
      const translations: Record<string, string> = {};
      const sources: Record<string, "memory" | "glossary" | "kept"> = {};
      const changes: string[] = [];
      for (const [key, source] of Object.entries(task.strings)) {
        const usesOverride = overridden.some((term) => termPattern(term).test(source));
        const memory = task.memory[source];
        const kept = previous.ok ? previous.value.translations[key] : undefined;
        if (kept !== undefined && !flagged.has(key) && !usesOverride) {
          translations[key] = kept;
          sources[key] = "kept";
          continue;
        }
        if (memory !== undefined && !usesOverride) {
          if (!flagged.has(key)) {
            translations[key] = memory;
            sources[key] = "memory";
            continue;
          }
          let updated = memory;
          for (const [old, replacement] of Object.entries(task.deprecated)) updated = replaceTerm(updated, old, replacement);
          if (updated !== memory && keepsRules(source, updated, rules.glossary, task.deprecated)) {
            translations[key] = updated;
            sources[key] = "memory";
            changes.push(`${key}: replaced deprecated terms in the memory's translation`);
            continue;
          }
        }
        translations[key] = substituteGlossary(source, rules.glossary);
        sources[key] = "glossary";
        if (previous.ok && kept !== translations[key]) changes.push(`${key}: rebuilt from the glossary (${flagged.has(key) ? "the check flagged it" : "a reviewer's rule applies"})`);
      }
      if (!previous.ok) {
        const fromMemory = Object.values(sources).filter((s) => s === "memory").length;
        changes.push(`${fromMemory} strings from the translation memory, ${Object.keys(sources).length - fromMemory} by glossary substitution`);
      }
      return {
        output: {
          translations,
          sources,
          changes,
          direction: { text: direction.text, applied: [...direction.applied, ...fromReviewers.flatMap((r) => r.applied)], ignored: [...direction.ignored, ...fromReviewers.flatMap((r) => r.ignored)] },
        },
        usage: computeUsage,
      };
    },
  };
}
