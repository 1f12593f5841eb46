// docs/adapters/langchain.md's middleware example is a complete program: this test type-checks it and runs it as written.
import { fileURLToPath } from "node:url";
import { captureLog, docExample } from "@convergent/runtime/testing";
import { afterAll, describe, expect, it } from "vitest";

const markdownPath = fileURLToPath(new URL("../../../docs/adapters/langchain.md", import.meta.url));
const example = docExample({ markdownPath, name: "middleware", packageDir: fileURLToPath(new URL("..", import.meta.url)) });

describe("docs/adapters/langchain.md middleware example", () => {
  afterAll(() => example.remove());

  it("type-checks under strict settings", () => {
    expect(example.typeCheck()).toBe("");
  }, 60_000);

  it("prints what the page says it prints", async () => {
    const lines = await captureLog(() => import(example.file));
    const { readFileSync } = await import("node:fs");
    const doc = readFileSync(markdownPath, "utf8");
    const printed = doc.slice(doc.indexOf("It prints:\n\n```\n") + "It prints:\n\n```\n".length);
    expect(lines).toEqual(printed.slice(0, printed.indexOf("```")).trimEnd().split("\n"));
    // The example imports langchain afresh (a cold import of several seconds on a busy 2-core machine).
  }, 60_000);
});
