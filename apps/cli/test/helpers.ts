// Runs the built `convergent` binary (dist/bin.js) as a child process, with real files and real stdin.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the built CLI. */
export const binPath = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

/** Absolute path of a shipped sample. */
export const samplePath = (name: string): string => fileURLToPath(new URL(`../samples/${name}`, import.meta.url));

/** What a run of the CLI produced. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  // Colours must come from the CLI's own TTY check, whatever the test runner sets.
  delete env["FORCE_COLOR"];
  delete env["NO_COLOR"];
  delete env["CONVERGENT_DEBUG"];
  return env;
}

/** Runs `node dist/bin.js ...args` in `cwd`, feeding `input` on stdin. */
export function cli(args: readonly string[], options: { readonly cwd?: string; readonly input?: string } = {}): CliRun {
  const result = spawnSync(process.execPath, [binPath, ...args], {
    cwd: options.cwd,
    input: options.input ?? "",
    encoding: "utf8",
    env: childEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the CLI without waiting for it, for tests that talk to it while it runs. */
export function startCli(args: readonly string[], options: { readonly cwd?: string } = {}) {
  return spawn(process.execPath, [binPath, ...args], { cwd: options.cwd, env: childEnv(), stdio: ["pipe", "pipe", "pipe"] });
}

/** A temporary directory with the given files; `cleanup` removes it. */
export function workspace(files: Record<string, string> = {}): { readonly dir: string; path(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "convergent-cli-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Parses every non-empty line of JSON Lines output. */
export function jsonLines<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

/** Tasks as JSON Lines text. */
export function toJsonl(tasks: readonly unknown[]): string {
  return `${tasks.map((t) => JSON.stringify(t)).join("\n")}\n`;
}

/** A convergent task: a failing unit test with the suite as sandbox. */
export const fixTest = {
  id: "t-fix",
  kind: "code.fix-test",
  title: "Make parseDate accept ISO week dates",
  signals: { feedbackLatencySec: 30, ruleClosure: 0.9, driftHalfLifeSec: 94608000, horizonSec: 1800 },
  stakes: { cost: 50, reversible: true },
};

/** A non-convergent task: a quarter's marketing plan. */
export const marketingPlan = {
  id: "t-plan",
  kind: "marketing.quarter-plan",
  title: "Write the Q3 marketing plan",
  signals: { feedbackLatencySec: 7776000, ruleClosure: 0.2, driftHalfLifeSec: 5184000, horizonSec: 1209600 },
  stakes: { cost: 50000, reversible: true },
};

/** A support reply the default policy leaves to an agent. */
export const supportReply = {
  id: "t-reply",
  kind: "support.reply",
  title: "Answer a customer asking how to export invoices as CSV",
  signals: { feedbackLatencySec: 3600, ruleClosure: 0.6, driftHalfLifeSec: 7776000, horizonSec: 14400 },
  stakes: { cost: 20, reversible: true },
  metadata: { tier: "free" },
};

/** A policy that sends support work to people and names the rule. */
export const peoplePolicyYaml = `id: people-first
version: 2
rules:
  - id: support-human
    when: { kind: "support.*" }
    route: human
  - id: plans-need-marketing
    when: { kind: "marketing.*" }
    requireRoles: [marketing]
reviewers:
  - { id: ada, roles: [reviewer, marketing] }
`;
