// Loading policies: YAML or JSON text → a validated Policy, every problem reported as `file:line: path: message`.
import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument, isNode } from "yaml";
import { ConvergentError, type InputProblem } from "./errors.js";
import { contentHash } from "./hash.js";
import { type Policy, type PolicyInput, policySchema } from "./policySchema.js";
import { problemsFromZod } from "./problems.js";

/** Options of {@link parsePolicy}. */
export interface ParsePolicyOptions {
  /** Name of the file (or `stdin`) used in error messages. */
  readonly source?: string;
}

/**
 * Validates a policy object (as written, defaults may be left out) and fills in every default.
 * Throws a {@link ConvergentError} `INVALID_POLICY` listing every problem.
 */
export function validatePolicy(input: unknown, options: ParsePolicyOptions = {}): Policy {
  const result = policySchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw invalidPolicy(problemsFromZod(result.error.issues), options.source);
}

/**
 * Parses a policy from YAML or JSON text (JSON is read as YAML, which it is a subset of).
 *
 * @example
 * ```ts
 * const policy = parsePolicy("id: acme\nversion: 3\n", { source: "policy.yaml" });
 * ```
 */
export function parsePolicy(text: string, options: ParsePolicyOptions = {}): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e): InputProblem => {
      const line = e.linePos?.[0]?.line ?? (e.pos[0] >= 0 ? lineCounter.linePos(e.pos[0]).line : undefined);
      const message = `invalid YAML: ${e.message.split("\n")[0]}`;
      return line === undefined ? { path: "", message } : { path: "", message, line };
    });
    throw invalidPolicy(problems, options.source);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalidPolicy([{ path: "", message: "a policy must be a mapping with at least id and version" }], options.source);
  }
  const result = policySchema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) =>
    problemsFromZod([issue]).map((problem): InputProblem => {
      const line = lineOf(doc, lineCounter, issue.path, issue.code === "unrecognized_keys" ? problem.path : undefined);
      return line === undefined ? problem : { ...problem, line };
    }),
  );
  // Report in file order, so the list reads top to bottom like the file.
  const ordered = problems.map((p, i) => ({ p, i })).sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || a.i - b.i);
  throw invalidPolicy(ordered.map((x) => x.p), options.source);
}

function lineOf(
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  unknownKeyPath: string | undefined,
): number | undefined {
  const keys = path.filter((k): k is string | number => typeof k !== "symbol");
  if (unknownKeyPath !== undefined) {
    const key = unknownKeyPath.split(".").at(-1);
    const parent = doc.getIn(keys, true);
    if (parent !== undefined && isNode(parent) && "items" in parent && Array.isArray(parent.items)) {
      for (const pair of parent.items as { key?: { value?: unknown; range?: [number, number, number] } }[]) {
        const k = pair.key;
        if (k !== undefined && k.value === key && k.range) return lineCounter.linePos(k.range[0]).line;
      }
    }
  }
  for (let n = keys.length; n >= 0; n--) {
    const node = doc.getIn(keys.slice(0, n), true);
    if (node !== undefined && isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

function invalidPolicy(problems: readonly InputProblem[], source: string | undefined): ConvergentError {
  const where = source ?? "policy";
  const lines = problems.map((p) => `${p.line === undefined ? where : `${where}:${p.line}`}: ${p.path === "" ? "" : `${p.path}: `}${p.message}`);
  return new ConvergentError("INVALID_POLICY", `Invalid policy:\n${lines.join("\n")}`, source === undefined ? { problems } : { problems, source });
}

/** Reads and parses a policy file (`.yaml`, `.yml` or `.json`). */
export async function loadPolicy(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : String(code ?? cause);
    throw new ConvergentError("NOT_FOUND", `${path}: cannot read policy: ${why}`, { cause, source: path });
  }
  return parsePolicy(text, { source: path });
}

/** The content hash of a validated policy: equal content (whatever its formatting) gives the same hash. */
export function policyHash(policy: Policy): string {
  const { $schema: _editorOnly, ...content } = policy;
  return contentHash(content);
}

/** The built-in default policy, used when none is given. */
export const defaultPolicyInput: PolicyInput = {
  id: "convergent-default",
  version: 1,
  description: "Convergent's built-in default policy: cost-based routing with conservative defaults and no rules.",
};

/** The built-in default policy, validated. */
export function defaultPolicy(): Policy {
  return validatePolicy(defaultPolicyInput, { source: "default policy" });
}
