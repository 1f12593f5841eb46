// Turns zod's issues into Convergent's `path: message` problems, in words a person reads.
import type { z } from "zod";
import type { InputProblem } from "./errors.js";

/** Formats a path such as `["rules", 2, "when"]` as `rules[2].when`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

const articles: Record<string, string> = {
  number: "a number",
  string: "a string",
  boolean: "a boolean",
  object: "an object",
  array: "an array",
  null: "null",
  int: "an integer",
  integer: "an integer",
};

/** Describes a received value briefly: `"high"`, `12`, `an array`, `null`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "an array";
  return `an ${typeof value}`;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type": {
      const expected = articles[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return `required (expected ${expected})`;
      return `expected ${expected}, received ${describeValue(issue.input)}`;
    }
    case "too_big": {
      const bound = String(issue.maximum);
      if (issue.origin === "array") return `must have at most ${bound} items`;
      if (issue.origin === "string") return `must be at most ${bound} characters`;
      return issue.inclusive === false ? `must be < ${bound}` : `must be ≤ ${bound}`;
    }
    case "too_small": {
      const bound = String(issue.minimum);
      if (issue.origin === "array") return `must have at least ${bound} item${bound === "1" ? "" : "s"}`;
      if (issue.origin === "string") return bound === "1" ? "must not be empty" : `must be at least ${bound} characters`;
      return issue.inclusive === false ? `must be > ${bound}` : `must be ≥ ${bound}`;
    }
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, received ${describeValue(issue.input)}`;
    case "unrecognized_keys":
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
    case "invalid_format":
      return issue.message;
    case "invalid_union":
      return issue.message === "Invalid input" ? `not a valid value (received ${describeValue(issue.input)})` : issue.message;
    default:
      return issue.message;
  }
}

/**
 * Converts zod issues into problems. Unknown keys are reported at their own path
 * (`signals.ruleclosure: unknown key`) so the message points at the typo.
 */
export function problemsFromZod(issues: readonly z.core.$ZodIssue[]): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const branch = closestBranch(issue.errors);
      if (branch !== undefined) {
        problems.push(...problemsFromZod(branch.map((sub) => ({ ...sub, path: [...issue.path, ...sub.path] }) as z.core.$ZodIssue)));
        continue;
      }
    }
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({ path: formatPath([...issue.path, key]), message: "unknown key" });
      }
      continue;
    }
    problems.push({ path: formatPath(issue.path), message: issueMessage(issue) });
  }
  return problems;
}

/**
 * For a value that matches no branch of a union, the branch it came closest to: one where the value had the
 * right shape (its problems lie deeper than the value itself), with the fewest problems.
 */
function closestBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] | undefined {
  let best: readonly z.core.$ZodIssue[] | undefined;
  for (const branch of branches) {
    const wrongShape = branch.every((i) => i.path.length === 0 && i.code === "invalid_type");
    if (wrongShape) continue;
    if (best === undefined || branch.length < best.length) best = branch;
  }
  return best;
}
