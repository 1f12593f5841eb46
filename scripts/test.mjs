#!/usr/bin/env node
// The README's test command: installs and builds (scripts/setup.mjs), type-checks and runs every
// package's tests through turbo, then prints one closing line with the totals.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
if (!env.npm_config_nodedir && existsSync("/usr/include/node/node.h")) env.npm_config_nodedir = "/usr";

const setup = spawnSync(process.execPath, [join(root, "scripts", "setup.mjs")], { stdio: "inherit", env });
if (setup.status !== 0) process.exit(setup.status ?? 1);

const packages = ["packages", "apps"].flatMap((dir) =>
  existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((name) => join(root, dir, name)) : [],
);
const reports = ["test-results.json", "test-results.browser.json"];
for (const pkg of packages) for (const name of reports) rmSync(join(pkg, name), { force: true });

const extra = process.argv.slice(2);
const turbo = spawnSync(join(root, "node_modules", ".bin", "turbo"), ["run", "typecheck", "test", "test:browser", "--output-logs=new-only", "--force", ...extra], {
  stdio: "inherit",
  cwd: root,
  env,
});

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of packages.flatMap((pkg) => reports.map((name) => join(pkg, name)))) {
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log(`\nTests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(turbo.status === 0 && failed === 0 ? 0 : 1);
