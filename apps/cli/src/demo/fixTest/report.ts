// The test suite's report format — what the sandbox writes and the repair agent reads, like CI output:
// one `✗ slugify("input") → expected "…", got "…"` line per failing case, strings as JSON literals.

/** A failing case as the report tells it. */
export interface FailureLine {
  readonly input: string;
  readonly expected: string;
  readonly actual: string;
}

/** One report line for a failing case. */
export function formatFailure(fn: string, failure: FailureLine): string {
  return `✗ ${fn}(${JSON.stringify(failure.input)}) → expected ${JSON.stringify(failure.expected)}, got ${JSON.stringify(failure.actual)}`;
}

/** Reads a JSON string literal starting at `start` (a `"`); returns it and where it ends, or undefined. */
function readJsonString(text: string, start: number): { value: string; end: number } | undefined {
  if (text[start] !== '"') return undefined;
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch === '"') {
      try {
        // JSON.parse reads data only: a string literal becomes a string.
        return { value: JSON.parse(text.slice(start, i + 1)) as string, end: i + 1 };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Reads the failing cases out of a report; lines it does not recognise are skipped.
 *
 * @example
 * ```ts
 * parseFailures('✗ slugify("A B") → expected "a-b", got "a b"');
 * // [{ input: "A B", expected: "a-b", actual: "a b" }]
 * ```
 */
export function parseFailures(report: string): FailureLine[] {
  const out: FailureLine[] = [];
  for (const line of report.split("\n")) {
    const head = /^✗ [A-Za-z_$][\w$]*\(/.exec(line);
    if (head === null) continue;
    const input = readJsonString(line, head[0].length);
    if (input === undefined || !line.startsWith(") → expected ", input.end)) continue;
    const expected = readJsonString(line, input.end + ") → expected ".length);
    if (expected === undefined || !line.startsWith(", got ", expected.end)) continue;
    const actual = readJsonString(line, expected.end + ", got ".length);
    if (actual === undefined) continue;
    out.push({ input: input.value, expected: expected.value, actual: actual.value });
  }
  return out;
}
