// The `i18n.translate` sandbox: a glossary check. It verifies what is machine-checkable about a translation —
// every string translated, placeholders kept exactly, every glossary term rendered as the glossary says, no
// deprecated term left — and
// nothing else: fluency and tone need a person, which is why its closure is low and such tasks run supervised.
import type { Sandbox, Verdict } from "@convergent/runtime";
import { z } from "zod";
import { parseOutput, parseTaskInput } from "../shared/input.js";
import { type StringIssue, formatStringIssue } from "./report.js";
import { hasTerm, placeholders, translateInputSchema } from "./strings.js";

/** What the sandbox reads from an attempt's output: the translations by key. */
export const translateOutputSchema = z.object({ translations: z.record(z.string(), z.string()) });

/** Options of {@link createGlossaryCheckSandbox}. */
export interface GlossaryCheckSandboxOptions {
  readonly name?: string;
  readonly kinds?: readonly string[];
  /** Issues listed in the feedback (12 by default). */
  readonly shownIssues?: number;
}

/**
 * Creates the glossary-check sandbox for `i18n.translate`: error = problems found (missing strings, changed
 * placeholders, glossary terms not rendered as the glossary says, deprecated terms), 0 exactly when there are none. An unreadable
 * output counts as every string missing.
 *
 * @example
 * ```ts
 * const check = createGlossaryCheckSandbox();
 * ```
 */
export function createGlossaryCheckSandbox(options: GlossaryCheckSandboxOptions = {}): Sandbox {
  const shown = options.shownIssues ?? 12;
  return {
    name: options.name ?? "glossary-check",
    kinds: options.kinds ?? ["i18n.translate"],
    closure: 0.6,
    async verify({ task, output }): Promise<Verdict> {
      const input = parseTaskInput(translateInputSchema, task);
      const keys = Object.keys(input.strings);
      const read = parseOutput(translateOutputSchema, output);
      if (!read.ok) return { passed: false, error: keys.length, feedback: `${read.problem}\nNo translation can be read, so all ${keys.length} strings are missing.` };
      const issues: StringIssue[] = [];
      for (const key of keys) {
        const source = input.strings[key]!;
        const target = read.value.translations[key];
        if (target === undefined || target.trim() === "") {
          issues.push({ key, message: "not translated" });
          continue;
        }
        const want = placeholders(source);
        const got = placeholders(target);
        if (want.join("\u0000") !== got.join("\u0000")) {
          issues.push({ key, message: `placeholders changed: expected ${want.join(" ") || "none"}, found ${got.join(" ") || "none"}` });
        }
        for (const [term, rendering] of Object.entries(input.glossary)) {
          if (hasTerm(source, term) && !hasTerm(target, rendering)) issues.push({ key, message: `glossary term ${JSON.stringify(term)} must appear as ${JSON.stringify(rendering)}` });
        }
        for (const [old, replacement] of Object.entries(input.deprecated)) {
          if (hasTerm(target, old)) issues.push({ key, message: `deprecated term ${JSON.stringify(old)}: use ${JSON.stringify(replacement)}` });
        }
      }
      for (const key of Object.keys(read.value.translations)) if (!(key in input.strings)) issues.push({ key, message: "no such source string" });
      if (issues.length === 0) {
        return { passed: true, error: 0, feedback: `All ${keys.length} strings are translated, keep their placeholders and follow the glossary (fluency is for a reviewer to judge).` };
      }
      const lines = [`${issues.length} glossary problem${issues.length === 1 ? "" : "s"} in ${new Set(issues.map((i) => i.key)).size} of ${keys.length} strings.`, ...issues.slice(0, shown).map(formatStringIssue)];
      if (issues.length > shown) lines.push(`… and ${issues.length - shown} more.`);
      return { passed: false, error: issues.length, feedback: lines.join("\n") };
    },
  };
}
