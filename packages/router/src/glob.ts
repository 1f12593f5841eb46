// Kind globs: `code.*` matches `code.fix-test` and `code.a.b`; `*` matches any characters.

/** Compiles a kind or glob into a predicate on kinds. Exact kinds compare as strings. */
export function compileKindGlob(pattern: string): (kind: string) => boolean {
  if (pattern === "*") return () => true;
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
