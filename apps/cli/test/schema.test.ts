// `convergent schema`, run as the built binary.
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

describe("convergent schema", () => {
  it.each([
    ["task", ["id", "kind", "title", "signals", "stakes"]],
    ["decision", ["taskId", "route", "convergence", "expectedCost", "reasons", "rules", "policy"]],
    ["policy", ["id", "version", "rules", "sandboxes"]],
  ])("prints the JSON Schema of a %s", (name, properties) => {
    const run = cli(["schema", name]);
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout) as { $schema: string; type: string; title: string; properties: Record<string, unknown> };
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.type).toBe("object");
    expect(schema.title).toBe(`Convergent ${name}`);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(properties));
  });

  it("rejects an unknown document name as a usage error (exit 2)", () => {
    const run = cli(["schema", "ticket"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("Allowed choices are task, decision, policy, checkpoint.");
  });

  it("prints the checkpoint's JSON Schema with the answers it takes", () => {
    const run = cli(["schema", "checkpoint"]);
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout);
    expect(schema.title).toBe("Convergent checkpoint");
    expect(schema.properties.purpose.enum).toEqual(["review", "task", "direction", "escalation", "acceptance"]);
    const types = schema.$defs.answer.oneOf.map((o: { properties: { type: { const: string } } }) => o.properties.type.const);
    expect(types).toEqual(["approve", "reject", "edit", "respond", "answer", "choose", "direction"]);
  });
});
