// `convergent demo` and the samples it ships, run as the built binary from another directory.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { cli, samplePath, workspace } from "./helpers.js";

let ws: ReturnType<typeof workspace> | undefined;
afterEach(() => ws?.cleanup());

describe("convergent demo", () => {
  it("routes and simulates every sample task from any working directory, with no stack trace", () => {
    ws = workspace();
    const run = cli(["demo"], { cwd: ws.dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const ids = readFileSync(samplePath("tasks.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids.length).toBeGreaterThanOrEqual(20);
    for (const id of ids) expect(run.stdout).toMatch(new RegExp(`\\n  ${id} +\\S`));
    expect(run.stdout).toContain("The built-in default policy (convergent-default v1) vs the team policy (acme-ops v4)");
    expect(run.stdout).toMatch(/│ human minutes +│/);
    expect(run.stdout).toMatch(/\d+ tasks? changes? route from convergent-default v1 to acme-ops v4/);
    expect(run.stdout).toContain("convergent route");
    expect(run.stdout).toContain("--html report.html");
    expect(run.stdout).toContain("convergent policy init");
  });

  it("ships a sample policy that passes policy check", () => {
    const run = cli(["policy", "check", samplePath("policy.yaml")]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ok: acme-ops v4 sha256:[0-9a-f]{16}, 6 rules, 6 sandbox profiles, 5 reviewers/);
  });
});
