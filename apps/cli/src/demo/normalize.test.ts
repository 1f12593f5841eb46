// data.normalize: the mapping interpreter, the schema-validator sandbox and the mapping agent converging on a real runtime.
import type { Task } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { createMappingAgent, keySimilarity } from "./normalize/agent.js";
import { type Mapping, applyMapping, applyTransform } from "./normalize/mapping.js";
import { parseIssues } from "./normalize/report.js";
import { createSchemaValidatorSandbox } from "./normalize/sandbox.js";
import { recordValidator } from "./normalize/targetSchema.js";
import { demoRuntime, demoTasks, errorCurve } from "./testing.js";

const [crm, feed] = demoTasks().filter((t) => t.kind === "data.normalize") as [Task, Task];

const verify = (task: Task, output: unknown) => createSchemaValidatorSandbox().verify({ task, attempt: 1, output: output as never, idempotencyKey: "k" });

const crmMapping: Mapping = [
  { target: "firstName", from: ["Full Name"], transforms: ["split-name-first"] },
  { target: "lastName", from: ["Full Name"], transforms: ["split-name-last"] },
  { target: "email", from: ["email", "E-mail"], transforms: ["trim", "lowercase"] },
  { target: "age", from: ["age"], transforms: ["to-number"] },
  { target: "active", from: ["active"], transforms: ["to-boolean"] },
  { target: "signupDate", from: ["signup"], transforms: ["to-iso-date"] },
];

describe("the mapping interpreter", () => {
  it("coerces values with each transform, leaving what it cannot coerce for validation to report", () => {
    expect(applyTransform("to-number", "$1,249.99")).toBe(1249.99);
    expect(applyTransform("to-number", " 36 ")).toBe(36);
    expect(applyTransform("to-number", "N/A")).toBe("N/A");
    expect(applyTransform("to-boolean", "Yes")).toBe(true);
    expect(applyTransform("to-boolean", "0")).toBe(false);
    expect(applyTransform("to-boolean", "maybe")).toBe("maybe");
    expect(applyTransform("to-string", 42)).toBe("42");
    expect(applyTransform("to-iso-date", "12/10/2023")).toBe("2023-12-10");
    expect(applyTransform("to-iso-date", "15.02.2024")).toBe("2024-02-15");
    expect(applyTransform("to-iso-date", "2024/1/5")).toBe("2024-01-05");
    expect(applyTransform("to-iso-date", "2024-03-05T09:30:00Z")).toBe("2024-03-05");
    expect(applyTransform("split-name-first", "Hopper, Grace")).toBe("Grace");
    expect(applyTransform("split-name-last", "Ada King Lovelace")).toBe("King Lovelace");
  });

  it("reads the first source key a record has and leaves unmapped fields out", () => {
    expect(applyMapping(crmMapping.slice(2, 3), { "E-mail": " A@B.co " })).toEqual({ email: "a@b.co" });
    expect(applyMapping(crmMapping.slice(2, 3), { phone: "1" })).toEqual({});
  });

  it("builds a strict zod schema from the target schema description", () => {
    const validator = recordValidator({ fields: [{ name: "age", type: "integer", required: true }, { name: "d", type: "date", required: false }] });
    expect(validator.safeParse({ age: 3 }).success).toBe(true);
    expect(validator.safeParse({ age: 3.5 }).success).toBe(false);
    expect(validator.safeParse({ age: 3, d: "2024-13-01" }).success).toBe(false);
    expect(validator.safeParse({ age: 3, extra: 1 }).success).toBe(false);
  });
});

describe("the schema-validator sandbox", () => {
  it("passes with error 0 exactly when every record validates", async () => {
    expect(await verify(crm, { mapping: crmMapping })).toMatchObject({ passed: true, error: 0 });
    const noDates = await verify(crm, { mapping: crmMapping.slice(0, 5) });
    expect(noDates).toMatchObject({ passed: false, error: 6 });
    expect(parseIssues(noDates.feedback)[0]).toEqual({ record: 0, field: "signupDate", message: "required (expected a string)" });
  });

  it("counts every issue with its path", async () => {
    const verdict = await verify(crm, { mapping: [{ target: "age", from: ["age"], transforms: [] }, { target: "nickname", from: ["Full Name"] }] });
    const issues = parseIssues(verdict.feedback);
    expect(verdict.error).toBe(6 * 5 + 5 + 6);
    expect(issues).toContainEqual({ record: 0, field: "age", message: 'expected a number, received "36"' });
    expect(issues).toContainEqual({ record: 0, field: "nickname", message: "unknown key" });
  });

  it("counts every required field of every record as missing when the mapping cannot be read", async () => {
    const verdict = await verify(crm, { mapping: [{ target: "age", from: "age" }] });
    expect(verdict).toMatchObject({ passed: false, error: 36 });
    expect(verdict.feedback).toMatch(/^output\.mapping\[0\]\.from: expected an array/);
  });

  it("rejects a task input without a usable target schema, naming the field", async () => {
    await expect(verify({ ...crm, input: { records: [{}], schema: { fields: [{ name: "age", type: "int" }] } } }, { mapping: [] })).rejects.toThrow(
      /^data\.normalize task demo-normalize-crm: input\.schema\.fields\[0\]\.type: expected one of "string", "number"/,
    );
    await expect(verify({ ...crm, input: { records: [{ a: [1] }], schema: { fields: [{ name: "a", type: "string" }] } } }, { mapping: [] })).rejects.toThrow(
      "input.records[0].a: must be a string, number, boolean or null",
    );
  });
});

describe("the mapping agent on a real runtime", () => {
  it("finds source keys by similarity and name parts", () => {
    expect(keySimilarity("E-mail", "email")).toBe(1);
    expect(keySimilarity("signup", "signupDate")).toBe(0.9);
    expect(keySimilarity("Product Name", "productName")).toBe(1);
    expect(keySimilarity("Release", "releaseDate")).toBeGreaterThan(0.3);
    expect(keySimilarity("Price", "email")).toBe(0);
  });

  it("converges on the CRM export, repairing issue by issue", async () => {
    const { runtime, store } = demoRuntime([createMappingAgent()], [createSchemaValidatorSandbox()]);
    const run = await runtime.submit(crm);
    expect(run).toMatchObject({ status: "succeeded", route: "autonomous", attempts: 3, tokens: 0 });
    expect(await errorCurve(store, run.runId)).toEqual([32, 6, 0]);
    const mapping = (run.output as unknown as { mapping: Mapping }).mapping;
    expect(mapping).toEqual(crmMapping.map((m) => ({ ...m, transforms: m.target === "firstName" || m.target === "lastName" ? m.transforms : ["trim", ...m.transforms.filter((t) => t !== "trim")] })));
  });

  it("converges on the product feed", async () => {
    const { runtime, store } = demoRuntime([createMappingAgent()], [createSchemaValidatorSandbox()]);
    const run = await runtime.submit(feed);
    expect(run.status).toBe("succeeded");
    const curve = await errorCurve(store, run.runId);
    expect(curve.at(-1)).toBe(0);
    expect(curve.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < curve.length; i++) expect(curve[i]).toBeLessThan(curve[i - 1]!);
  });

  it("keeps to a person's direction and reports what it applied", async () => {
    const result = await createMappingAgent().attempt({
      task: crm,
      attempt: 1,
      direction: 'Map "signup" to signupDate; ignore "age" and sing',
      feedback: [],
      previousOutput: null,
      idempotencyKey: "k",
    });
    const output = result.output as unknown as { mapping: Mapping; direction: { applied: string[]; ignored: string[] } };
    expect(output.direction).toMatchObject({ applied: ['signupDate comes from "signup"', 'never read "age"'], ignored: ["sing"] });
    expect(output.mapping.find((m) => m.target === "signupDate")?.from).toEqual(["signup"]);
    expect(output.mapping.some((m) => m.from.includes("age"))).toBe(false);
  });
});
