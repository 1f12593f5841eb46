// The input of an `i18n.translate` task — UI strings, a glossary, a translation memory — and the text helpers
// the glossary agent and the glossary check share: placeholders and whole-word term matching.
import { z } from "zod";

const text = z.string().max(2000);

/** The `input` of an `i18n.translate` task. */
export const translateInputSchema = z.strictObject({
  sourceLocale: z.string().min(2).max(20).default("en"),
  targetLocale: z.string().min(2).max(20),
  /** The strings to translate, by key. */
  strings: z.record(z.string().min(1), text).refine((s) => Object.keys(s).length > 0, { message: "must have at least one string" }),
  /** Terms that must be translated one way: source term → target term. */
  glossary: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Earlier translations of whole strings: source → target. */
  memory: z.record(z.string().min(1), text).default({}),
  /** Target-language terms no longer to be used: deprecated term → the term that replaces it. */
  deprecated: z.record(z.string().min(1), z.string().min(1)).default({}),
});

/** The input of an `i18n.translate` task. */
export type TranslateInput = z.infer<typeof translateInputSchema>;

/** Placeholders a string carries: `{name}`, `{{count}}`, `%s`, `%d`, `%(name)s`. */
export function placeholders(value: string): string[] {
  return [...value.matchAll(/\{\{\s*[\w.]+\s*\}\}|\{[\w.]+\}|%\([\w.]+\)[sd]|%[sd]/g)].map((m) => m[0]).sort();
}

/** `rendering`, capitalised when the text it replaces starts with a capital (`Cart` → `Warenkorb`). */
export function matchCase(found: string, rendering: string): string {
  const upper = found[0] !== undefined && found[0] === found[0].toUpperCase() && found[0] !== found[0].toLowerCase();
  return upper ? rendering[0]!.toUpperCase() + rendering.slice(1) : rendering;
}

/** Replaces `term` (whole words, any case) with `rendering`, capitalised like the text it replaces. */
export function replaceTerm(value: string, term: string, rendering: string): string {
  return value.replace(termPattern(term, "giu"), (found) => matchCase(found, rendering));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A case-insensitive whole-word pattern for a term (`account` matches "Account", not "accounting"). */
export function termPattern(term: string, flags = "iu"): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(term)}(?![\\p{L}\\p{N}])`, flags);
}

/** Whether `value` contains `term` as a whole word, in any case. */
export function hasTerm(value: string, term: string): boolean {
  return termPattern(term).test(value);
}
