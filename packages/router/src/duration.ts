// Durations in the words a reviewer reads: "~30 s", "~3 months", "~3 years".

const units: readonly [number, string, string][] = [
  [31_536_000, "year", "years"],
  [2_592_000, "month", "months"],
  [604_800, "week", "weeks"],
  [86_400, "day", "days"],
  [3_600, "hour", "hours"],
  [60, "min", "min"],
];

/** Formats seconds approximately (`~2 min`, `~6 months`); `null` is "never". */
export function humanizeSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "never";
  for (const [size, one, many] of units) {
    if (seconds >= size * 0.95) {
      const n = Math.round(seconds / size);
      return `~${n} ${n === 1 ? one : many}`;
    }
  }
  const rounded = seconds >= 10 ? Math.round(seconds) : Math.round(seconds * 10) / 10;
  return `~${rounded} s`;
}
