// Doc examples as tests: the TypeScript block after a marker in a Markdown file, written out where a test
// can type-check it (the package's own TypeScript, strict) and import it to run it.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/** A Markdown example written out as a module. */
export interface DocExample {
  /** The module's path (import it to run the example). */
  readonly file: string;
  /** The example's code. */
  readonly code: string;
  /** Runs the package's `tsc` on the module with strict settings; returns its output ("" when it type-checks). */
  typeCheck(): string;
  /** Removes the written module. */
  remove(): void;
}

/**
 * Finds the ```ts block after `<!-- example: NAME -->` in `markdownPath` and writes it to
 * `PACKAGE/test/.generated/NAME.ts` (left out of type-checks by the package's tsconfig). Throws when the
 * marker is missing, so a renamed or deleted example fails its test.
 */
export function docExample(options: { readonly markdownPath: string; readonly name: string; readonly packageDir: string }): DocExample {
  const doc = readFileSync(options.markdownPath, "utf8");
  const marker = `<!-- example: ${options.name} -->\n\`\`\`ts\n`;
  const start = doc.indexOf(marker);
  if (start < 0) throw new Error(`${options.markdownPath}: no example marked <!-- example: ${options.name} -->`);
  const code = doc.slice(start + marker.length, doc.indexOf("\n```", start + marker.length));
  const dir = join(options.packageDir, "test", ".generated");
  const file = join(dir, `${options.name}.ts`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${code}\nexport {};\n`);
  return {
    file,
    code,
    typeCheck() {
      const tsc = createRequire(join(options.packageDir, "package.json")).resolve("typescript/bin/tsc");
      const args = ["--noEmit", "--strict", "--noUncheckedIndexedAccess", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022", "--skipLibCheck", "--types", "node", file];
      const result = spawnSync(process.execPath, [tsc, ...args], { encoding: "utf8", cwd: options.packageDir });
      return `${result.stdout}${result.stderr}${result.status === 0 ? "" : `\ntsc exited ${result.status}`}`.trim();
    },
    remove: () => rmSync(file, { force: true }),
  };
}

/** Runs `fn` and returns what it printed with console.log, one string per call (non-strings as JSON). */
export async function captureLog(fn: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
  try {
    await fn();
  } finally {
    console.log = original;
  }
  return lines;
}
