// `convergent policy check|init|schema`, run as the built binary in a temporary directory.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { cli, peoplePolicyYaml, workspace } from "./helpers.js";

const badPolicy = `id: bad
version: 1
rules:
  - id: big-refunds
    when: { kind: payments.refund, stakes: { cost: { gt: high } } }
    route: human
  - id: legal
    when: { kind: "legal.*" }
    forbid: [autonomus]
costs:
  reviewerPerMinut: 2
`;

let ws: ReturnType<typeof workspace> | undefined;
afterEach(() => ws?.cleanup());

describe("convergent policy check", () => {
  it("prints every problem as FILE:LINE: path: message and exits 1", () => {
    ws = workspace({ "bad.yaml": badPolicy });
    const run = cli(["policy", "check", "bad.yaml"], { cwd: ws.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")).toEqual([
      'bad.yaml:5: rules[0].when.stakes.cost.gt: expected a number, received "high"',
      'bad.yaml:9: rules[1].forbid[0]: expected one of "autonomous", "supervised", "human", received "autonomus"',
      "bad.yaml:11: costs.reviewerPerMinut: unknown key",
      "convergent: bad.yaml is not a valid policy (3 problems)",
      "",
    ]);
  });

  it("reports broken YAML with its line", () => {
    ws = workspace({ "broken.yaml": "id: x\nversion: 1\nrules: [\n" });
    const run = cli(["policy", "check", "broken.yaml"], { cwd: ws.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^broken\.yaml:\d+: invalid YAML: /);
  });

  it("summarises a valid policy in one line and exits 0", () => {
    ws = workspace({ "policy.yaml": peoplePolicyYaml });
    const run = cli(["policy", "check", "policy.yaml"], { cwd: ws.dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^policy\.yaml: ok: people-first v2 sha256:[0-9a-f]{16}, 2 rules, 0 sandbox profiles, 1 reviewer\n$/);
  });

  it("fails with a clear message for a missing file", () => {
    ws = workspace();
    const run = cli(["policy", "check", "nope.yaml"], { cwd: ws.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("convergent: nope.yaml: cannot read policy: no such file\n");
  });

  it("needs a file argument (usage error)", () => {
    const run = cli(["policy", "check"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing required argument 'file'");
  });
});

describe("convergent policy init", () => {
  it("writes a commented starter policy and its JSON Schema that the modeline names, and the policy checks", () => {
    ws = workspace();
    const run = cli(["policy", "init"], { cwd: ws.dir });
    expect(run.code).toBe(0);
    const yaml = readFileSync(ws.path("policy.yaml"), "utf8");
    expect(yaml.split("\n")[0]).toBe("# yaml-language-server: $schema=./policy.schema.json");
    const schema = JSON.parse(readFileSync(ws.path("policy.schema.json"), "utf8")) as Record<string, unknown>;
    expect(schema["$schema"]).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(Object.keys(schema["properties"] as object)).toEqual(expect.arrayContaining(["id", "version", "costs", "sandboxes", "rules"]));
    const check = cli(["policy", "check", "policy.yaml"], { cwd: ws.dir });
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^policy\.yaml: ok: my-policy v1 /);
  });

  it("refuses to overwrite existing files without --force, and overwrites with it", () => {
    ws = workspace({ "policy.yaml": "id: mine\nversion: 7\n" });
    const refused = cli(["policy", "init"], { cwd: ws.dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe("convergent: policy.yaml already exists; use --force to overwrite, or --out to write elsewhere\n");
    expect(readFileSync(ws.path("policy.yaml"), "utf8")).toBe("id: mine\nversion: 7\n");
    expect(existsSync(ws.path("policy.schema.json"))).toBe(false);

    writeFileSync(ws.path("policy.schema.json"), "{}");
    const forced = cli(["policy", "init", "--force"], { cwd: ws.dir });
    expect(forced.code).toBe(0);
    expect(readFileSync(ws.path("policy.yaml"), "utf8")).toContain("id: my-policy");
    expect(readFileSync(ws.path("policy.schema.json"), "utf8")).toContain('"title": "Convergent policy"');
  });

  it("writes where --out says, with the schema beside it", () => {
    ws = workspace();
    const run = cli(["policy", "init", "--out", "team.yaml"], { cwd: ws.dir });
    expect(run.code).toBe(0);
    expect(existsSync(ws.path("team.yaml"))).toBe(true);
    expect(existsSync(ws.path("policy.schema.json"))).toBe(true);
    expect(existsSync(ws.path("policy.yaml"))).toBe(false);
  });

  it("prints the starter policy with --out - and writes nothing", () => {
    ws = workspace();
    const run = cli(["policy", "init", "--out", "-"], { cwd: ws.dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# yaml-language-server: \$schema=\.\/policy\.schema\.json\n/);
    expect(run.stdout).toContain("\nrules:");
    expect(existsSync(ws.path("policy.yaml"))).toBe(false);
    expect(existsSync(ws.path("policy.schema.json"))).toBe(false);
  });
});

describe("convergent policy schema", () => {
  it("prints the policy JSON Schema", () => {
    const run = cli(["policy", "schema"]);
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout) as { type: string; title: string; required: string[] };
    expect(schema.type).toBe("object");
    expect(schema.title).toBe("Convergent policy");
    expect(schema.required).toEqual(expect.arrayContaining(["id", "version"]));
  });
});
