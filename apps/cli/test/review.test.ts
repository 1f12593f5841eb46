// Drives the real `convergent review` in a pseudo-terminal (tmux) against a real SQLite store.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { binPath, cli, samplePath } from "./helpers.js";

const hasTmux = spawnSync("tmux", ["-V"], { encoding: "utf8" }).status === 0;
if (!hasTmux) console.warn("review.test.ts: tmux is not available; the pseudo-terminal test of `convergent review` is skipped");

describe("convergent review", () => {
  let dir: string;
  let store: string;
  const socket = `convergent-review-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
  const screen = () => tmux("capture-pane", "-p", "-J", "-S", "-200");
  /** Waits until the terminal shows `pattern` (polling the pane, not sleeping for a fixed time). */
  const waitForScreen = (pattern: RegExp) => vi.waitFor(() => expect(screen()).toMatch(pattern), { timeout: 15_000, interval: 50 });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "convergent-review-"));
    store = `sqlite:${join(dir, "runs.db")}`;
  });
  afterAll(() => {
    if (hasTmux) spawnSync("tmux", ["-L", socket, "kill-server"]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to run without a terminal on stdin", () => {
    const run = cli(["review", "--as", "ada", "--store", "memory:"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("convergent: review needs a terminal; use convergent answer");
  });

  it.skipIf(!hasTmux)("answers a human-route refund through the review UI, and the run succeeds", async () => {
    const refund = readFileSync(samplePath("demo-tasks.jsonl"), "utf8")
      .split("\n")
      .find((line) => line.includes('"demo-refund-globex"'))!;
    const tasks = join(dir, "refund.jsonl");
    writeFileSync(tasks, `${refund}\n`);
    const seeded = cli(["run", tasks, "--policy", samplePath("policy.yaml"), "--store", store]);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/demo-refund-globex\s+payments\.refund\s+human\s+waiting/);

    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = `${quote(process.execPath)} ${quote(binPath)} review --as ada --store ${quote(store)}; echo "EXIT=$?"; sleep 60`;
    tmux("new-session", "-d", "-x", "160", "-y", "60", command);

    await waitForScreen(/1 open checkpoint for ada — which one\?/);
    expect(screen()).toContain("Approve a $40,000 refund for Globex");
    tmux("send-keys", "Enter");
    await waitForScreen(/Your answer/);
    const shown = screen();
    expect(shown).toContain("Why it came to a person:");
    expect(shown).toMatch(/limited by rule closure/);
    expect(shown).toContain("Answers: answer, reject");
    tmux("send-keys", "Enter"); // answer — give the result yourself
    await waitForScreen(/Your result/);
    tmux("send-keys", "-l", '{"refund":"approved"}');
    tmux("send-keys", "Enter");
    await waitForScreen(/EXIT=\d+/);
    expect(screen()).toMatch(/Answered .* as ada \(answer\)\. Run .* succeeded/);
    expect(screen()).toContain("EXIT=0");

    const runs = cli(["runs", "--json", "--store", store]);
    expect(runs.code).toBe(0);
    const listed = runs.stdout.trim().split("\n").map((line) => JSON.parse(line) as { taskId: string; status: string });
    expect(listed).toEqual([expect.objectContaining({ taskId: "demo-refund-globex", status: "succeeded" })]);
  }, 30_000);
});
