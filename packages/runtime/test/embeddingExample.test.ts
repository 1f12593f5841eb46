// docs/embedding.md's runtime example is a complete program: this test type-checks it and runs it as written.
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { captureLog, docExample } from "../src/testing/docExample.js";

const example = docExample({
  markdownPath: fileURLToPath(new URL("../../../docs/embedding.md", import.meta.url)),
  name: "runtime",
  packageDir: fileURLToPath(new URL("..", import.meta.url)),
});

describe("docs/embedding.md runtime example", () => {
  afterAll(() => example.remove());

  it("type-checks under the package's strict settings", () => {
    expect(example.code).toContain("createRuntime");
    expect(example.typeCheck()).toBe("");
  }, 60_000);

  it("runs and prints what its comments say", async () => {
    const lines = await captureLog(() => import(example.file));
    expect(lines[0]).toBe('succeeded 4 {"x":1.4142135623746899}');
    expect(lines[1]).toMatch(/^waiting takeover Do "Refund order 9 \(damaged in transit\)"/);
    expect(lines[2]).toBe('succeeded {"refunded":4000}');
  });
});
