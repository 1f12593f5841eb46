// Keeps the docs honest: every key of the policy's JSON Schema is documented in docs/policy.md, and nothing
// else is; the canonical-task tables of docs/concepts.md match what the router decides.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Decision, createRouter, jsonSchemaFor, parsePolicy, parseTask } from "../src/index.js";

type Schema = { readonly [key: string]: unknown };

const docPath = new URL("../../../docs/policy.md", import.meta.url);

/**
 * Every key path of a JSON Schema, in the notation of docs/policy.md: dots between keys, `[]` for the items
 * of a list, `<field>` for keys the author names (additionalProperties). Follows properties, items,
 * anyOf/oneOf/allOf and $ref into $defs; a $ref already being expanded is not entered again, so recursive
 * schemas (nested metadata conditions, JSON values) end.
 */
function keyPaths(root: Schema): string[] {
  const defs = (root.$defs ?? {}) as Record<string, Schema>;
  const found = new Set<string>();
  const refName = (schema: Schema): string | undefined => {
    const ref = schema.$ref;
    if (typeof ref !== "string") return undefined;
    const name = ref.replace(/^#\/\$defs\//, "");
    if (!(name in defs)) throw new Error(`unresolvable $ref ${ref}`);
    return name;
  };
  const walk = (node: unknown, prefix: string, expanding: readonly string[]): void => {
    if (node === null || typeof node !== "object") return;
    let schema = node as Schema;
    const ref = refName(schema);
    if (ref !== undefined) {
      if (expanding.includes(ref)) return;
      schema = defs[ref]!;
      expanding = [...expanding, ref];
    }
    const properties = (schema.properties ?? {}) as Record<string, unknown>;
    for (const [key, child] of Object.entries(properties)) {
      const path = prefix === "" ? key : `${prefix}.${key}`;
      found.add(path);
      walk(child, path, expanding);
    }
    const extra = schema.additionalProperties;
    if (extra !== null && typeof extra === "object") {
      const extraRef = refName(extra as Schema);
      if (extraRef === undefined || !expanding.includes(extraRef)) {
        const path = `${prefix}.<field>`;
        found.add(path);
        walk(extra, path, expanding);
      }
    }
    if (schema.items !== undefined) walk(schema.items, `${prefix}[]`, expanding);
    for (const combinator of ["anyOf", "oneOf", "allOf"]) {
      const branches = schema[combinator];
      if (Array.isArray(branches)) for (const branch of branches) walk(branch, prefix, expanding);
    }
  };
  walk(root, "", []);
  return [...found];
}

/** Every `code span` of a Markdown text. */
function codeSpans(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!));
}

/** The keys of `paths` that the document does not name as a code span. */
function undocumented(paths: readonly string[], markdown: string): string[] {
  const spans = codeSpans(markdown);
  return paths.filter((p) => !spans.has(p));
}

/** The first cell of every table row in the "## Key reference" section: the keys the reference lists. */
function referenceKeys(markdown: string): string[] {
  const start = markdown.indexOf("\n## Key reference");
  if (start < 0) throw new Error('docs/policy.md has no "## Key reference" section');
  const end = markdown.indexOf("\n## ", start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

const doc = readFileSync(docPath, "utf8");
const paths = keyPaths(jsonSchemaFor("policy"));

describe("docs/policy.md", () => {
  it("finds the policy's keys by walking its JSON Schema", () => {
    // Guards the walker itself: if it stopped following properties, items, unions or $refs,
    // the documentation check below would pass vacuously.
    for (const key of [
      "id",
      "costs.reviewerPerMinute",
      "guards.autonomous.minScore",
      "sandboxes[].ruleClosure",
      "rules[].when.kind",
      "rules[].when.stakes",
      "rules[].when.stakes.cost.gt",
      "rules[].when.metadata.<field>.in",
      "checkpoints.onTimeout",
      "checkpoints.onTimeout.roles",
      "checkpoints.onTimeout.answer.<field>",
    ]) {
      expect(paths).toContain(key);
    }
    expect(paths.length).toBeGreaterThan(100);
  });

  it("documents every key of the policy schema as a dotted path in backticks", () => {
    expect(undocumented(paths, doc)).toEqual([]);
  });

  it("reports a key whose documentation is removed", () => {
    // The check must fail when someone adds a key without documenting it; simulate that by deleting one.
    const key = "guards.supervised.maxStakes";
    const withoutKey = doc.split(`\`${key}\``).join("");
    const before = undocumented(paths, doc);
    expect(undocumented(paths, withoutKey).filter((k) => !before.includes(k))).toEqual([key]);
  });

  it("lists in its key reference only keys the schema has", () => {
    const listed = referenceKeys(doc);
    expect(listed.length).toBeGreaterThan(100);
    expect(listed.filter((key) => !paths.includes(key))).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it("shows a full example that is a valid policy", () => {
    const start = doc.indexOf("\n## Full example");
    expect(start).toBeGreaterThan(0);
    const block = /```yaml\n([\s\S]*?)```/.exec(doc.slice(start));
    expect(block).not.toBeNull();
    const policy = parsePolicy(block![1]!, { source: "docs/policy.md (full example)" });
    expect(policy.id).toBe("acme-support");
    expect(policy.rules.map((r) => r.id)).toContain("big-refunds");
  });
});

/** The rows of every Markdown table in `section` whose first cell starts with a task id, keyed by column header. */
function taskRows(section: string): { id: string; cells: Record<string, string> }[] {
  const cellsOf = (line: string) => line.split("|").slice(1, -1).map((c) => c.trim());
  const rows: { id: string; cells: Record<string, string> }[] = [];
  let header: string[] | undefined;
  for (const line of section.split("\n")) {
    if (!line.startsWith("|")) {
      header = undefined;
      continue;
    }
    const cells = cellsOf(line);
    if (header === undefined) header = cells;
    else if (/^c\d\d\b/.test(cells[0]!)) {
      rows.push({ id: cells[0]!.split(" ")[0]!, cells: Object.fromEntries(header.map((h, i) => [h, cells[i]!])) });
    }
  }
  return rows;
}

/** How the tables write a cost: two decimals below 100, whole and grouped by thousands above. */
function costText(x: number): string {
  return x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(2);
}

describe("docs/concepts.md", () => {
  const concepts = readFileSync(new URL("../../../docs/concepts.md", import.meta.url), "utf8");
  const start = concepts.indexOf("\n## 11. The canonical tasks");
  const section = concepts.slice(start);
  const router = createRouter();
  const decisions = new Map<string, Decision>(
    readFileSync(new URL("fixtures/canonical-tasks.jsonl", import.meta.url), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => {
        const d = router.decide(parseTask(JSON.parse(line)));
        return [d.taskId, d];
      }),
  );

  it("has the canonical-task tables", () => {
    expect(start).toBeGreaterThan(0);
    const rows = taskRows(section);
    // Two tables give every task's route and score, a third its full figures.
    expect(rows.filter((r) => "route" in r.cells).map((r) => r.id).sort()).toEqual([...decisions.keys()].sort());
    expect(rows.filter((r) => "k" in r.cells).map((r) => r.id).sort()).toEqual([...decisions.keys()].sort());
  });

  it("gives the route, score, cycles, limiting axis, costs and allowed routes the router computes", () => {
    const mismatches: string[] = [];
    const check = (id: string, column: string, documented: string | undefined, actual: string) => {
      if (documented !== undefined && documented !== actual) mismatches.push(`${id} ${column}: the doc says ${documented}, the router ${actual}`);
    };
    for (const { id, cells } of taskRows(section)) {
      const d = decisions.get(id)!;
      const c = d.convergence;
      const e = d.expectedCost;
      check(id, "route", cells.route, `**${d.route}**`);
      check(id, "score", cells.score, c.score === 0 ? "0" : c.score.toFixed(3));
      check(id, "k", cells.k, String(c.cycles));
      check(id, "limiting axis", cells["limiting axis"], c.limitingAxis ?? "none");
      check(id, "expected costs", cells["expected cost autonomous / supervised / human"], [e.autonomous, e.supervised, e.human].map(costText).join(" / "));
      check(id, "allowed routes", cells["allowed routes"], d.allowedRoutes.length === 3 ? "all" : d.allowedRoutes.join(", "));
    }
    expect(mismatches).toEqual([]);
  });
});
