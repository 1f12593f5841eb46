// docs/adapters/pino.md's example is a complete program: this test type-checks it and runs it as written.
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { captureLog, docExample } from "@convergent/runtime/testing";

const example = docExample({
  markdownPath: fileURLToPath(new URL("../../../docs/adapters/pino.md", import.meta.url)),
  name: "pino",
  packageDir: fileURLToPath(new URL("..", import.meta.url)),
});

describe("docs/adapters/pino.md example", () => {
  afterAll(() => example.remove());

  it("type-checks under strict settings", () => {
    expect(example.typeCheck()).toBe("");
  }, 60_000);

  it("runs and prints the run's audit trail: the decision, who answered, how it ended", async () => {
    const lines = await captureLog(() => import(example.file));
    expect(lines.some((l) => / routed human by policy hiring v1/.test(l))).toBe(true);
    expect(lines.some((l) => / ada answered checkpoint .* \(answer\)/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/ run succeeded/);
  });
});
