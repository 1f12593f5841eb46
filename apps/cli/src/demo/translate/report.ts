// The glossary check's report format — what the sandbox writes and the glossary agent reads:
// `strings["cart.title"]: glossary term "cart" must appear as "Warenkorb"`.

/** One problem with one translated string. */
export interface StringIssue {
  readonly key: string;
  readonly message: string;
}

/** One report line. */
export function formatStringIssue(issue: StringIssue): string {
  return `strings[${JSON.stringify(issue.key)}]: ${issue.message}`;
}

/** Reads the keys and messages out of a report; other lines are skipped. */
export function parseStringIssues(report: string): StringIssue[] {
  const out: StringIssue[] = [];
  for (const line of report.split("\n")) {
    const m = /^strings\[("(?:[^"\\]|\\.)*")\]: (.+)$/.exec(line.trim());
    if (m === null) continue;
    try {
      // JSON.parse reads data only: a quoted key becomes a string.
      out.push({ key: JSON.parse(m[1]!) as string, message: m[2]! });
    } catch {
      // not a line of ours
    }
  }
  return out;
}
