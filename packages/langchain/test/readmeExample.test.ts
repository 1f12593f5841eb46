// README.md's example is a complete program: this test type-checks it and runs it as written.
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { captureLog, docExample } from "@convergent/runtime/testing";

const example = docExample({
  markdownPath: fileURLToPath(new URL("../README.md", import.meta.url)),
  name: "langchain",
  packageDir: fileURLToPath(new URL("..", import.meta.url)),
});

describe("README.md example", () => {
  afterAll(() => example.remove());

  it("type-checks under strict settings", () => {
    expect(example.typeCheck()).toBe("");
  }, 60_000);

  it("runs: the second attempt passes the sandbox and tokens of both are counted", async () => {
    const lines = await captureLog(() => import(example.file));
    expect(lines.at(-1)).toBe('succeeded after 2 attempts: "42" (282 tokens)');
    // The first import of the compiled example loads LangChain: slow on a busy 2-core machine.
  }, 60_000);
});
