// Directions from people are plain sentences. Agents apply the clauses they understand, ignore the rest,
// and say which was which in their output — a direction is never code and never silently dropped.

/** What an agent made of a direction: the clauses it applied (in its words) and the ones it did not understand. */
export interface DirectionReport {
  readonly text: string | null;
  readonly applied: string[];
  readonly ignored: string[];
}

/** A rule that recognises one kind of clause and applies it; returns what it applied, or null when the clause is not its kind. */
export type ClauseRule<S> = (clause: string, state: S) => string | null;

const openQuotes = new Set(['"', "“", "«", "„"]);
const closeQuotes = new Set(['"', "”", "»", "“"]);

/**
 * Splits a direction into clauses — at sentence ends, `;`, new lines, and the words ` and ` / ` then ` — never
 * inside quotes, so quoted terms survive whole. Case is kept; clauses are trimmed of trailing punctuation.
 *
 * @example
 * ```ts
 * splitDirection('Halve your corrections and cap the bid at $2. Use "Konto" for "account".');
 * // ["Halve your corrections", "cap the bid at $2", 'Use "Konto" for "account"']
 * ```
 */
export function splitDirection(text: string): string[] {
  const clauses: string[] = [];
  let current = "";
  let quoted = false;
  const flush = () => {
    const clause = current.trim().replace(/^(?:and|then)\s+/i, "").replace(/[\s.!?;,:]+$/, "").trim();
    if (clause.length > 0) clauses.push(clause);
    current = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (closeQuotes.has(ch)) quoted = false;
      current += ch;
      continue;
    }
    if (openQuotes.has(ch)) {
      quoted = true;
      current += ch;
      continue;
    }
    const next = text[i + 1];
    const sentenceEnd = (ch === "." || ch === "!" || ch === "?") && (next === undefined || /\s/.test(next));
    if (ch === ";" || ch === "\n" || sentenceEnd) {
      flush();
      continue;
    }
    const rest = text.slice(i);
    const joiner = /^(?:,\s*)?\s(?:and then|and|then)\s/i.exec(rest) ?? /^,\s+(?=(?:please\s+)?[a-z]+\s)/i.exec(rest);
    if (joiner !== null && current.trim() !== "") {
      flush();
      i += joiner[0].length - 1;
      continue;
    }
    current += ch;
  }
  flush();
  return clauses;
}

/**
 * Applies each clause of `text` with the first rule that recognises it.
 *
 * @example
 * ```ts
 * const state = { gain: 1.4 };
 * const report = applyDirection("Halve your corrections. Be nice.", state, [halveRule]);
 * // report.applied: ["gain 1.4 → 0.7 (halved)"], report.ignored: ["be nice"]
 * ```
 */
export function applyDirection<S>(text: string | null, state: S, rules: readonly ClauseRule<S>[]): DirectionReport {
  const report: DirectionReport = { text, applied: [], ignored: [] };
  if (text === null || text.trim() === "") return report;
  for (const clause of splitDirection(text)) {
    let done: string | null = null;
    for (const rule of rules) {
      done = rule(clause, state);
      if (done !== null) break;
    }
    if (done === null) report.ignored.push(clause);
    else report.applied.push(done);
  }
  return report;
}
