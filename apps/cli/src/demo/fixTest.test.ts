// code.fix-test: the pipeline interpreter, the test-suite sandbox and the repair agent converging on a real runtime.
import type { Task } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { createSlugRepairAgent, editDistance } from "./fixTest/agent.js";
import { type Pipeline, runPipeline } from "./fixTest/pipeline.js";
import { formatFailure, parseFailures } from "./fixTest/report.js";
import { createTestSuiteSandbox } from "./fixTest/sandbox.js";
import { demoRuntime, demoTask, errorCurve } from "./testing.js";

const reference: Pipeline = [
  { op: "trim" },
  { op: "strip-diacritics" },
  { op: "lowercase" },
  { op: "replace-whitespace-with-dash" },
  { op: "strip-non-alnum-except-dash" },
  { op: "collapse-dashes" },
  { op: "trim-dashes" },
  { op: "max-length", n: 24 },
  { op: "trim-dashes" },
];

const verify = (task: Task, output: unknown, attempt = 1) => createTestSuiteSandbox().verify({ task, attempt, output: output as never, idempotencyKey: "k" });

describe("the slugify pipeline interpreter", () => {
  it("runs each step of the vocabulary", () => {
    expect(runPipeline([{ op: "trim" }], "  a b  ")).toBe("a b");
    expect(runPipeline([{ op: "lowercase" }], "AbC")).toBe("abc");
    expect(runPipeline([{ op: "strip-diacritics" }], "Crème Brûlée Ünïcödé")).toBe("Creme Brulee Unicode");
    expect(runPipeline([{ op: "replace-whitespace-with-dash" }], "a  b\tc")).toBe("a-b-c");
    expect(runPipeline([{ op: "strip-non-alnum-except-dash" }], "C'est-la vie! 100%")).toBe("Cest-lavie100");
    expect(runPipeline([{ op: "collapse-dashes" }], "a---b--c")).toBe("a-b-c");
    expect(runPipeline([{ op: "trim-dashes" }], "--a-b--")).toBe("a-b");
    expect(runPipeline([{ op: "max-length", n: 3 }], "abcdef")).toBe("abc");
  });

  it("runs steps in order: order matters", () => {
    expect(runPipeline([{ op: "strip-non-alnum-except-dash" }, { op: "replace-whitespace-with-dash" }], "a b")).toBe("ab");
    expect(runPipeline([{ op: "replace-whitespace-with-dash" }, { op: "strip-non-alnum-except-dash" }], "a b")).toBe("a-b");
  });
});

describe("the test-suite report", () => {
  it("round-trips failing cases, whatever the strings hold", () => {
    const failures = [
      { input: 'say "hi"\\ now', expected: "say-hi-now", actual: 'say "hi"\\ now' },
      { input: "Ünïcödé → ✓", expected: "", actual: "\n" },
    ];
    const report = ["2 of 9 cases fail.", ...failures.map((f) => formatFailure("slugify", f)), "… and nothing more"].join("\n");
    expect(parseFailures(report)).toEqual(failures);
  });

  it("measures how far an output is from the expected one", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
  });
});

describe("the test-suite sandbox", () => {
  const task = demoTask("code.fix-test");
  const cases = (task.input as { cases: unknown[] }).cases.length;

  it("passes with error 0 exactly when every case passes", async () => {
    expect(await verify(task, { pipeline: reference })).toMatchObject({ passed: true, error: 0 });
    const withoutLast = await verify(task, { pipeline: reference.slice(0, -1) });
    expect(withoutLast.passed).toBe(false);
    expect(withoutLast.error).toBe(2);
    expect(withoutLast.feedback).toContain('✗ slugify("Convergent routes tasks to people") → expected "convergent-routes-tasks", got "convergent-routes-tasks-"');
  });

  it("counts failing cases and names the first five", async () => {
    const verdict = await verify(task, { pipeline: [] });
    expect(verdict.error).toBe(cases);
    expect(verdict.feedback.split("\n").filter((l) => l.startsWith("✗"))).toHaveLength(5);
    expect(verdict.feedback).toContain(`… and ${cases - 5} more failing cases.`);
  });

  it("fails every case, and says why, when the output is not a pipeline", async () => {
    const verdict = await verify(task, { pipeline: [{ op: "eval", code: "process.exit()" }] });
    expect(verdict).toMatchObject({ passed: false, error: cases });
    expect(verdict.feedback).toMatch(/^output\.pipeline\[0\]\.op: /);
  });

  it("rejects a task input that is not a test suite, naming the field", async () => {
    const bad = { ...task, input: { pipeline: [], cases: [{ input: "a", expected: 3 }] } };
    await expect(verify(bad, { pipeline: [] })).rejects.toThrow("code.fix-test task demo-fix-slugify: input.cases[0].expected: expected a string, received 3");
    await expect(verify({ ...task, input: { pipeline: [{ op: "reverse" }], cases: [] } }, { pipeline: [] })).rejects.toThrow(/input\.pipeline\[0\]\.op: .*'trim' \| 'lowercase'/);
  });
});

describe("the slug repair agent on a real runtime", () => {
  it("converges on the demo task within the attempt budget, one edit per attempt", async () => {
    const { runtime, store } = demoRuntime([createSlugRepairAgent()], [createTestSuiteSandbox()]);
    const run = await runtime.submit(demoTask("code.fix-test"));
    expect(run).toMatchObject({ status: "succeeded", route: "autonomous", tokens: 0 });
    expect(run.attempts).toBeLessThanOrEqual(8);
    expect(run.cost).toBeCloseTo(0.001 * run.attempts, 9);
    const curve = await errorCurve(store, run.runId);
    expect(curve).toEqual([7, 5, 3, 2, 1, 0]);
    const output = run.output as unknown as { pipeline: Pipeline; change: string };
    for (const c of (demoTask("code.fix-test").input as { cases: { input: string; expected: string }[] }).cases) {
      expect(runPipeline(output.pipeline, c.input)).toBe(c.expected);
    }
    expect(output.change).toMatch(/^moved trim-dashes after max-length 23, then changed max-length 23 to 24$/);
  });

  it("keeps to a person's direction and says what it applied and ignored", async () => {
    const agent = createSlugRepairAgent();
    const task = demoTask("code.fix-test");
    const result = await agent.attempt({
      task,
      attempt: 1,
      direction: "Never use strip-diacritics. Keep slugs at most 20 characters, and be quick",
      feedback: [],
      previousOutput: { pipeline: [{ op: "strip-diacritics" }, { op: "lowercase" }] },
      idempotencyKey: "k",
    });
    const output = result.output as unknown as { pipeline: Pipeline; direction: { applied: string[]; ignored: string[] } };
    expect(output.direction.applied).toEqual(["never use strip-diacritics", "cut slugs at 20 characters"]);
    expect(output.direction.ignored).toEqual(["be quick"]);
    expect(output.pipeline.some((s) => s.op === "strip-diacritics")).toBe(false);
    expect(result.usage).toEqual({ tokens: 0, cost: 0.001 });
  });

  it("fails with a clear error on a task input it cannot read", async () => {
    const task = { ...demoTask("code.fix-test"), input: { function: "slug ify", pipeline: [], cases: [{ input: "a", expected: "a" }] } };
    await expect(createSlugRepairAgent().attempt({ task, attempt: 1, direction: null, feedback: [], previousOutput: null, idempotencyKey: "k" })).rejects.toThrow(
      "code.fix-test task demo-fix-slugify: input.function: must be a function name such as slugify",
    );
  });
});
