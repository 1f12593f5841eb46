#!/usr/bin/env node
// Installs the workspace (pnpm included) and builds it, so the README's two commands work on a
// fresh machine that has only Node ≥ 20 and npm. Cheap when nothing changed.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pnpmVersion = "10.34.8";
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
// Native addons (better-sqlite3) build against the machine's Node headers when they are installed.
if (!env.npm_config_nodedir && existsSync("/usr/include/node/node.h")) env.npm_config_nodedir = "/usr";

function run(command, args) {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: root, env });
  if (result.error) {
    console.error(`setup: cannot run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);
const marker = join(root, "node_modules", ".modules.yaml");
const localPnpm = join(root, "node_modules", ".bin", "pnpm");
if (!existsSync(marker) || mtime(join(root, "pnpm-lock.yaml")) > mtime(marker) || !existsSync(localPnpm)) {
  console.error("setup: installing dependencies with pnpm " + pnpmVersion);
  run("npx", ["--yes", `pnpm@${pnpmVersion}`, "install", "--frozen-lockfile"]);
}
// Build quietly: turbo's banner and summary are shown only when the build fails.
const build = spawnSync(join(root, "node_modules", ".bin", "turbo"), ["run", "build", "--output-logs=errors-only"], {
  cwd: root,
  env,
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
});
if (build.status !== 0) {
  process.stdout.write(build.stdout ?? "");
  process.stderr.write(build.stderr ?? "");
  console.error(`setup: the build failed${build.error ? `: ${build.error.message}` : ""}`);
  process.exit(build.status ?? 1);
}
