// Tests of the simulate timing: the JSONL file, the child's peak memory, and the whole run against a stand-in CLI.
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTask } from "@convergent/router";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchPolicy } from "./benchPolicy.js";
import { benchSimulate, defaultCliPath, runWithPeakRss, writeTasksJsonl } from "./simulateBench.js";
import { generateTask } from "./taskGenerator.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bench-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in for `convergent simulate --json`: streams the file, holds ~48 MB, records the file it read, prints a report. */
function standInCli(seenPath: string, exitCode = 0): string {
  return `
import { createReadStream, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
const args = process.argv.slice(2);
const file = args[args.indexOf("--tasks") + 1];
writeFileSync(${JSON.stringify(seenPath)}, JSON.stringify({ file, args }));
const ballast = Buffer.alloc(48 * 1024 * 1024).fill(7);
let n = 0;
for await (const line of createInterface({ input: createReadStream(file) })) if (line.trim() !== "") n++;
await new Promise((r) => setTimeout(r, 200));
if (${exitCode} !== 0) { console.error("stand-in failure"); process.exit(${exitCode}); }
console.log(JSON.stringify({ policies: [{ id: "x", routeMix: { autonomous: n, supervised: 0, human: ballast[0] - 7 } }], changed: [] }));
`;
}

describe("writeTasksJsonl", () => {
  it("writes one valid generated task per line and returns the byte count", async () => {
    const path = join(dir, "tasks.jsonl");
    const phases: number[] = [];
    const bytes = await writeTasksJsonl({ path, count: 4500, seed: 9, onProgress: (_, done) => phases.push(done) });
    const text = readFileSync(path, "utf8");
    expect(Buffer.byteLength(text)).toBe(bytes);
    const lines = text.split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(4500);
    lines.forEach((line, i) => expect(parseTask(JSON.parse(line))).toEqual(generateTask(9, i)));
    expect(phases).toEqual([2000, 4000, 4500]);
  });
});

describe("runWithPeakRss", () => {
  it("reports the exit code, output and a peak memory that covers what the child held", async () => {
    const script = "const b = Buffer.alloc(96 * 1024 * 1024).fill(1); setTimeout(() => console.log('held', b.length), 300);";
    const run = await runWithPeakRss(process.execPath, ["-e", script]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(`held ${96 * 1024 * 1024}`);
    expect(run.seconds).toBeGreaterThan(0.2);
    if (run.rssSource === "procfs") {
      expect(run.peakRssMb).toBeGreaterThanOrEqual(96);
      expect(run.peakRssMb).toBeLessThan(1024);
      expect(Math.max(...run.rssTimelineMb)).toBeLessThanOrEqual(run.peakRssMb);
    } else {
      expect(["ps", "unavailable"]).toContain(run.rssSource);
    }
  });

  it("reports a failing child's exit code and error output", async () => {
    const run = await runWithPeakRss(process.execPath, ["-e", "console.error('boom'); process.exit(3)"]);
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toContain("boom");
  });
});

describe("benchSimulate", () => {
  it("times the CLI on a generated file, passes the policy, and deletes the file afterwards", async () => {
    const seen = join(dir, "seen-ok.json");
    const cliPath = join(dir, "cli-ok.mjs");
    await writeFile(cliPath, standInCli(seen));
    const phases = new Set<string>();
    const report = await benchSimulate({ tasks: 3000, seed: 4, cliPath, policy: benchPolicy, onProgress: (phase) => phases.add(phase) });
    expect(report.tasks).toBe(3000);
    expect(report.decided).toBe(3000);
    expect(report.seconds).toBeGreaterThan(0);
    expect(report.tasksPerSec).toBeGreaterThan(0);
    expect(report.fileMb).toBeGreaterThan(0);
    expect(report.policy).toContain("bench-20-rules");
    if (report.rssSource === "procfs") expect(report.peakRssMb).toBeGreaterThanOrEqual(48);
    expect([...phases]).toEqual(["write-jsonl", "simulate"]);
    const { file, args } = JSON.parse(readFileSync(seen, "utf8")) as { file: string; args: string[] };
    expect(args).toEqual(["simulate", "--tasks", file, "--policy", expect.stringMatching(/policy\.json$/), "--json"]);
    expect(existsSync(file)).toBe(false);
  });

  it("fails with the CLI's error when the CLI fails, and still deletes the file", async () => {
    const seen = join(dir, "seen-fail.json");
    const cliPath = join(dir, "cli-fail.mjs");
    await writeFile(cliPath, standInCli(seen, 4));
    await expect(benchSimulate({ tasks: 100, seed: 4, cliPath })).rejects.toThrow(/exited with 4: stand-in failure/);
    const { file } = JSON.parse(readFileSync(seen, "utf8")) as { file: string };
    expect(existsSync(file)).toBe(false);
  });

  it("says how to build the CLI when it is missing", async () => {
    await expect(benchSimulate({ tasks: 10, seed: 1, cliPath: join(dir, "missing.js") })).rejects.toThrow(/not built; run `pnpm -r build`/);
  });

  it.skipIf(!existsSync(defaultCliPath()))("times the real built CLI on a small file", async () => {
    const report = await benchSimulate({ tasks: 2000, seed: 2, policy: benchPolicy });
    expect(report.tasks).toBe(2000);
    expect(report.decided).toBe(2000);
    expect(report.seconds).toBeGreaterThan(0);
  }, 60_000);
});
