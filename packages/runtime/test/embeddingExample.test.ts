// docs/embedding.md's runtime example is a complete program: this test type-checks it and runs it as written.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";

const doc = readFileSync(fileURLToPath(new URL("../../../docs/embedding.md", import.meta.url)), "utf8");
const marker = "<!-- example: runtime -->\n```ts\n";
const start = doc.indexOf(marker);
const code = doc.slice(start + marker.length, doc.indexOf("\n```", start + marker.length));
const dir = fileURLToPath(new URL("./.generated/", import.meta.url));
const file = `${dir}embeddingExample.ts`;

describe("docs/embedding.md runtime example", () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${code}\nexport {};\n`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is found in the doc", () => {
    expect(start).toBeGreaterThan(0);
    expect(code).toContain("createRuntime");
  });

  it("type-checks under the package's strict settings", () => {
    const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));
    const result = spawnSync(
      process.execPath,
      [tsc, "--noEmit", "--strict", "--noUncheckedIndexedAccess", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022", "--skipLibCheck", "--types", "node", file],
      { encoding: "utf8", cwd: fileURLToPath(new URL("..", import.meta.url)) },
    );
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  }, 60_000);

  it("runs and prints what its comments say", async () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
    try {
      await import(file);
    } finally {
      log.mockRestore();
    }
    expect(lines[0]).toBe('succeeded 4 {"x":1.4142135623746899}');
    expect(lines[1]).toMatch(/^waiting takeover Do "Refund order 9 \(damaged in transit\)"/);
    expect(lines[2]).toBe('succeeded {"refunded":4000}');
  });
});
