import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { createRouter, jsonSchemaFor, parseTask, starterPolicyYaml } from "./index.js";
import { parse } from "yaml";

const ajv = new Ajv2020({ strict: false, allErrors: true });
const lines = readFileSync(new URL("../test/fixtures/canonical-tasks.jsonl", import.meta.url), "utf8").trim().split("\n");

describe("jsonSchemaFor", () => {
  it("describes tasks: accepts the canonical tasks and rejects a closure above 1", () => {
    const validate = ajv.compile(jsonSchemaFor("task"));
    for (const line of lines) expect(validate(JSON.parse(line))).toBe(true);
    expect(validate({ id: "x", kind: "a.b", title: "t", signals: { ruleClosure: 2 } })).toBe(false);
    expect(validate({ id: "x", kind: "a.b", title: "t", extra: 1 })).toBe(false);
  });

  it("describes decisions as the router writes them", () => {
    const validate = ajv.compile(jsonSchemaFor("decision"));
    const router = createRouter();
    for (const line of lines) {
      const decision = JSON.parse(JSON.stringify(router.decide(parseTask(JSON.parse(line)))));
      expect(validate(decision), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it("describes policies as people write them: the starter policy passes, a typo does not", () => {
    const validate = ajv.compile(jsonSchemaFor("policy"));
    expect(validate(parse(starterPolicyYaml())), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ id: "x", version: 1 })).toBe(true);
    expect(validate({ id: "x", version: 1, costs: { reviewerPerMin: 1 } })).toBe(false);
    expect(jsonSchemaFor("policy").title).toBe("Convergent policy");
  });
});
