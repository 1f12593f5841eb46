// Kind globs: `code.*` matches `code.fix-test` and `code.a.b`; `*` matches any characters. Case never matters:
// `Legal.Contract` is a `legal.*` task, so spelling a kind differently cannot take it past a rule.

/** Compiles a kind or glob into a predicate on kinds, ignoring case. Exact kinds compare as (lower-cased) strings. */
export function compileKindGlob(glob: string): (kind: string) => boolean {
  if (glob === "*") return () => true;
  const pattern = glob.toLowerCase();
  const test = compileLowerGlob(pattern);
  // Kinds are ASCII ([A-Za-z0-9_.-]); lower-casing only when needed keeps the common path a plain comparison.
  return (kind) => test(/[A-Z]/.test(kind) ? kind.toLowerCase() : kind);
}

function compileLowerGlob(pattern: string): (kind: string) => boolean {
  if (!pattern.includes("*")) return (kind) => kind === pattern;
  const star = pattern.indexOf("*");
  if (star === pattern.length - 1 && pattern.indexOf("*") === pattern.lastIndexOf("*")) {
    const prefix = pattern.slice(0, -1);
    return (kind) => kind.length > prefix.length && kind.startsWith(prefix);
  }
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".+");
  const regex = new RegExp(`^${source}$`);
  return (kind) => regex.test(kind);
}

/** Compiles one glob or a list (any may match). */
export function compileKindMatcher(pattern: string | readonly string[]): (kind: string) => boolean {
  if (typeof pattern === "string") return compileKindGlob(pattern);
  const tests = pattern.map(compileKindGlob);
  return (kind) => tests.some((t) => t(kind));
}
