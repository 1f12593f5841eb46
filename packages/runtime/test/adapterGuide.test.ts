// docs/adapters/writing-an-adapter.md's examples are complete programs: this test type-checks them and runs them as
// written — the agent and sandbox adapters in a real runtime, and the example store through the store conformance suite.
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { captureLog, docExample } from "../src/testing/docExample.js";

const markdownPath = fileURLToPath(new URL("../../../docs/adapters/writing-an-adapter.md", import.meta.url));
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const agent = docExample({ markdownPath, name: "adapterAgent", packageDir });
// The store and its test file: the second imports the first as "./kvStore.js", as it would beside it in a package.
const store = docExample({ markdownPath, name: "kvStore", packageDir });
const conformance = docExample({ markdownPath, name: "kvStoreConformance", packageDir });

afterAll(() => {
  for (const example of [agent, store, conformance]) example.remove();
});

describe("docs/adapters/writing-an-adapter.md examples", () => {
  it("type-check under strict settings (the conformance file checks the store it imports)", () => {
    expect(agent.typeCheck()).toBe("");
    expect(conformance.code).toContain('import { createKvStore } from "./kvStore.js"');
    expect(conformance.typeCheck()).toBe("");
  }, 60_000);

  it("runs the agent and sandbox adapters: one task converges on feedback, a reply that is not JSON escalates", async () => {
    const lines = await captureLog(() => import(agent.file));
    expect(lines).toEqual([
      'autonomous succeeded 2 {"number":"2026-17","total":1250,"currency":"EUR"}',
      'waiting Escalated: agent extractor failed: the reply is not JSON: "Sorry, I can\'t read that.".',
    ]);
  });

  it("registers the conformance suite for the example store, with reopen", () => {
    expect(conformance.code).toMatch(/runStoreConformance\(\{\s+name: "kv store",\s+create:/);
    expect(conformance.code).toContain("reopen:");
  });
});

// The example's test file, run as written: it registers `describe("kv store")` with every conformance test.
await import(conformance.file);
