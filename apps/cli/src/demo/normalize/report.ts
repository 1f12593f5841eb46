// The schema validator's report format — what the sandbox writes and the mapping agent reads:
// one `records[3].age: expected a number, received "36"` line per issue.

/** One validation issue. */
export interface RecordIssue {
  /** Index of the record in the task's input. */
  readonly record: number;
  /** The target field (the first segment of the path). */
  readonly field: string;
  readonly message: string;
}

/** One report line. */
export function formatIssue(issue: RecordIssue): string {
  return `records[${issue.record}].${issue.field}: ${issue.message}`;
}

/** Reads the issues out of a report; other lines are skipped. */
export function parseIssues(report: string): RecordIssue[] {
  const out: RecordIssue[] = [];
  for (const line of report.split("\n")) {
    const m = /^records\[(\d+)\]\.([^:\s]+): (.+)$/.exec(line.trim());
    if (m !== null) out.push({ record: Number(m[1]), field: m[2]!, message: m[3]! });
  }
  return out;
}
