// README.md's example is a complete program: this test type-checks it and runs it as written.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";

const doc = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
const marker = "<!-- example: langchain -->\n```ts\n";
const start = doc.indexOf(marker);
const code = doc.slice(start + marker.length, doc.indexOf("\n```", start + marker.length));
const dir = fileURLToPath(new URL("./.generated/", import.meta.url));
const file = `${dir}readmeExample.ts`;

describe("README.md example", () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${code}\nexport {};\n`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("type-checks under strict settings", () => {
    expect(start).toBeGreaterThan(0);
    const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));
    const args = ["--noEmit", "--strict", "--noUncheckedIndexedAccess", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022", "--skipLibCheck", "--types", "node", file];
    const result = spawnSync(process.execPath, [tsc, ...args], { encoding: "utf8", cwd: fileURLToPath(new URL("..", import.meta.url)) });
    expect(result.stdout + result.stderr).toBe("");
  }, 60_000);

  it("runs: the second attempt passes the sandbox and tokens of both are counted", async () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    try {
      await import(file);
    } finally {
      log.mockRestore();
    }
    expect(lines.at(-1)).toBe('succeeded after 2 attempts: "42" (282 tokens)');
  });
});
