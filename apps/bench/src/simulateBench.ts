// Times `convergent simulate` as a child process over a generated JSONL file, watching the child's peak memory.
import { execFile, spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { PolicyInput } from "@convergent/router";
import { nowNs, secondsBetween } from "./measure.js";
import { generateTask } from "./taskGenerator.js";
import type { BenchProgress, SimulateBenchReport } from "./types.js";

/** Options of {@link writeTasksJsonl}. */
export interface WriteTasksJsonlOptions {
  /** File to write (created or replaced). */
  readonly path: string;
  /** Tasks to write, one JSON object per line. */
  readonly count: number;
  /** Seed of the task generator. */
  readonly seed: number;
  /** Called as chunks are written, with phase `write-jsonl`. */
  readonly onProgress?: BenchProgress;
}

const linesPerChunk = 2000;

/**
 * Stream-writes generated tasks as JSON Lines, honouring back-pressure, so any count is written in flat memory.
 * Returns the file's size in bytes.
 */
export async function writeTasksJsonl(options: WriteTasksJsonlOptions): Promise<number> {
  const out = createWriteStream(options.path, { encoding: "utf8" });
  const failed = new Promise<never>((_, reject) => out.once("error", reject));
  failed.catch(() => {}); // observed through Promise.race below; never an unhandled rejection
  let bytes = 0;
  try {
    for (let start = 0; start < options.count; start += linesPerChunk) {
      const end = Math.min(options.count, start + linesPerChunk);
      let chunk = "";
      for (let i = start; i < end; i++) chunk += `${JSON.stringify(generateTask(options.seed, i))}\n`;
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await Promise.race([once(out, "drain"), failed]);
      options.onProgress?.("write-jsonl", end, options.count);
    }
    out.end();
    await Promise.race([once(out, "finish"), failed]);
  } finally {
    out.destroy();
  }
  return bytes;
}

/** How the child's memory was observed. */
export type RssSource = "procfs" | "ps" | "unavailable";

/** The result of a child process run under {@link runWithPeakRss}. */
export interface ChildRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Wall time from spawn to exit. */
  readonly seconds: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident memory in MB: the last VmHWM read before exit (procfs), else the largest RSS sampled (ps), else 0. */
  readonly peakRssMb: number;
  readonly rssSource: RssSource;
  /** Resident memory sampled over the run (MB, at most 20 evenly spread samples): flat when memory is flat. */
  readonly rssTimelineMb: readonly number[];
}

/** Options of {@link runWithPeakRss}. */
export interface RunWithPeakRssOptions {
  /** Polling interval of the child's memory, in ms (50 by default). */
  readonly pollMs?: number;
  /** Directory the child runs in. */
  readonly cwd?: string;
}

const maxOutput = 8 * 1024 * 1024;

function readProcStatus(pid: number): { hwmKb: number; rssKb: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(text);
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  if (hwm === null || rss === null) return undefined; // a zombie has no memory lines
  return { hwmKb: Number(hwm[1]), rssKb: Number(rss[1]) };
}

function readPsRss(pid: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile("ps", ["-o", "rss=", "-p", String(pid)], (error, stdout) => {
      const kb = error === null ? Number.parseInt(stdout.trim(), 10) : Number.NaN;
      resolve(Number.isFinite(kb) ? kb : undefined);
    });
  });
}

function downsample(values: readonly number[], most: number): number[] {
  if (values.length <= most) return [...values];
  const out: number[] = [];
  for (let i = 0; i < most; i++) out.push(values[Math.round((i * (values.length - 1)) / (most - 1))]!);
  return out;
}

const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;

/**
 * Runs a command and watches its memory while it runs: on Linux it polls `/proc/<pid>/status` (VmHWM only grows,
 * so the last read before exit is the peak, missing at most one polling interval); elsewhere it samples `ps`.
 */
export async function runWithPeakRss(command: string, args: readonly string[], options: RunWithPeakRssOptions = {}): Promise<ChildRun> {
  const pollMs = options.pollMs ?? 50;
  const procfs = existsSync("/proc/self/status");
  const start = nowNs();
  const child = spawn(command, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => {
    if (stdout.length < maxOutput) stdout += s;
  });
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    stderr = (stderr + s).slice(-64 * 1024);
  });

  let hwmKb = 0;
  let peakSampleKb = 0;
  let source: RssSource = procfs ? "procfs" : "ps";
  const samples: number[] = [];
  let psBusy = false;
  const poll = () => {
    const pid = child.pid;
    if (pid === undefined) return;
    if (procfs) {
      const s = readProcStatus(pid);
      if (s === undefined) return;
      hwmKb = Math.max(hwmKb, s.hwmKb);
      samples.push(s.rssKb);
    } else if (!psBusy) {
      psBusy = true;
      void readPsRss(pid).then((kb) => {
        psBusy = false;
        if (kb === undefined) return;
        peakSampleKb = Math.max(peakSampleKb, kb);
        samples.push(kb);
      });
    }
  };
  poll();
  const timer = setInterval(poll, procfs ? pollMs : Math.max(pollMs, 200));

  let exit: [number | null, NodeJS.Signals | null];
  try {
    exit = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => resolve([code, signal]));
    });
  } finally {
    clearInterval(timer);
  }
  const seconds = secondsBetween(start, nowNs());
  const peakKb = procfs ? hwmKb : peakSampleKb;
  if (peakKb === 0) source = "unavailable";
  return {
    exitCode: exit[0],
    signal: exit[1],
    seconds,
    stdout,
    stderr,
    peakRssMb: mb(peakKb),
    rssSource: source,
    rssTimelineMb: downsample(samples, 20).map(mb),
  };
}

/** Where the built CLI is by default: `apps/cli/dist/bin.js`, found relative to this module (in `src` or `dist`). */
export function defaultCliPath(): string {
  return fileURLToPath(new URL("../../cli/dist/bin.js", import.meta.url));
}

/** Options of {@link benchSimulate}. */
export interface BenchSimulateOptions {
  /** Tasks in the generated file. */
  readonly tasks: number;
  readonly seed: number;
  /** The built CLI; {@link defaultCliPath} when left out. */
  readonly cliPath?: string;
  /** The policy simulated (written next to the tasks and passed as `--policy`); the CLI's default policy when left out. */
  readonly policy?: PolicyInput;
  readonly onProgress?: BenchProgress;
}

function decidedCount(stdout: string): number | undefined {
  try {
    const report = JSON.parse(stdout) as { policies?: { routeMix?: Record<string, number> }[] };
    const mix = report.policies?.[0]?.routeMix;
    if (mix === undefined) return undefined;
    return Object.values(mix).reduce((sum, n) => sum + n, 0);
  } catch {
    return undefined;
  }
}

/**
 * Generates a JSONL file of `tasks` tasks in a temporary directory, then times
 * `node <cliPath> simulate --tasks FILE [--policy P] --json` as a child process, and deletes the file.
 * Throws when the CLI is missing, fails, or decides a different number of tasks than the file holds.
 */
export async function benchSimulate(options: BenchSimulateOptions): Promise<SimulateBenchReport> {
  const cliPath = options.cliPath ?? defaultCliPath();
  if (!existsSync(cliPath)) throw new Error(`${cliPath}: the convergent CLI is not built; run \`pnpm -r build\` first`);
  const dir = await mkdtemp(join(tmpdir(), "convergent-bench-"));
  try {
    const file = join(dir, "tasks.jsonl");
    await writeTasksJsonl({ path: file, count: options.tasks, seed: options.seed, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    const args = [cliPath, "simulate", "--tasks", file];
    if (options.policy !== undefined) {
      const policyFile = join(dir, "policy.json");
      await writeFile(policyFile, JSON.stringify(options.policy));
      args.push("--policy", policyFile);
    }
    args.push("--json");
    options.onProgress?.("simulate", 0, options.tasks);
    const run = await runWithPeakRss(process.execPath, args);
    if (run.exitCode !== 0) {
      throw new Error(`convergent simulate exited with ${run.exitCode ?? run.signal}: ${run.stderr.trim().split("\n").slice(-5).join("\n")}`);
    }
    const decided = decidedCount(run.stdout);
    if (decided !== undefined && decided !== options.tasks) {
      throw new Error(`convergent simulate decided ${decided} tasks, but the file holds ${options.tasks}`);
    }
    options.onProgress?.("simulate", options.tasks, options.tasks);
    const fileBytes = (await stat(file)).size;
    return {
      tasks: options.tasks,
      fileMb: Math.round((fileBytes / 1024 / 1024) * 10) / 10,
      seconds: Math.round(run.seconds * 1000) / 1000,
      tasksPerSec: Math.round(options.tasks / run.seconds),
      peakRssMb: run.peakRssMb,
      rssSource: run.rssSource,
      rssTimelineMb: run.rssTimelineMb,
      ...(decided === undefined ? {} : { decided }),
      policy: options.policy === undefined ? "the CLI's default policy" : `${String(options.policy.id)} (--policy)`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
