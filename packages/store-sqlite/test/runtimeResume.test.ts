// Durability across real processes on one SQLite file: a process driving an autonomous run is killed
// with SIGKILL at several points of its loop, another process resumes the run, and the journal, the
// agent's and sandbox's call logs and the outcomes show that no recorded step ran again, that the one
// step in flight at the kill ran again with the same idempotency key, and that nothing was lost.
// The children (children/runner.mjs) import the built packages (dist), as another program would.
import { type Child, startChild } from "./childProcess.js";
import type { RunEvent, RunEventData, RunEventType } from "@convergent/runtime";
import Database from "better-sqlite3";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteStore } from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const runner = join(here, "children", "runner.mjs");
const root = mkdtempSync(join(tmpdir(), "convergent-runtime-resume-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(() => {
  if (!existsSync(join(here, "..", "dist", "index.js"))) {
    throw new Error("packages/store-sqlite/dist is missing: build first (turbo run build, or pnpm --filter @convergent/store-sqlite build)");
  }
});

/** How long a driver's lease lasts: the resumer has to wait for the dead process's lease to run out. */
const leaseMs = 1000;
/** The agent halves the distance from 0 to 1000 each attempt, so attempt n's guess is this (10 attempts). */
const guesses = [500, 750, 875, 938, 969, 985, 993, 997, 999, 1000];
const allAttempts = guesses.map((_, i) => i + 1);

const start = (args: readonly string[]): Child => startChild(runner, args);

/** One line of the agent/sandbox call log: written when the call begins, before any work. */
interface Call {
  readonly mode: "submit" | "resume";
  readonly pid: number;
  readonly at: number;
  readonly role: "agent" | "sandbox";
  readonly key: string;
}

function readCalls(path: string): Call[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const [mode, pid, at, role, key] = l.split(" ");
      return { mode: mode as Call["mode"], pid: Number(pid), at: Number(at), role: role as Call["role"], key: key! };
    });
}

function ofType<T extends RunEventType>(journal: readonly RunEvent[], type: T): (RunEvent & { type: T; data: RunEventData[T] })[] {
  return journal.filter((e): e is RunEvent & { type: T; data: RunEventData[T] } => e.type === type);
}

const attemptsOf = (journal: readonly RunEvent[], type: "attempt.started" | "attempt.recorded" | "attempt.verified") =>
  ofType(journal, type).map((e) => e.data.attempt);

interface KillPoint {
  readonly name: string;
  /** The stdout line of the submitting process after which it is killed at once. */
  readonly killAfter: string;
  /** Makes one step of the submitting process take 5 s, so the kill surely lands inside it. */
  readonly slow?: string;
  /** What the journal must show at the kill, when the kill point is certain. */
  readonly inFlight?: { readonly stage: "agent" | "sandbox"; readonly attempt: number };
}

const killPoints: readonly KillPoint[] = [
  { name: "right after attempt 1 is recorded", killAfter: "attempt 1 recorded" },
  { name: "inside the agent call of attempt 3 (timing: a 30–50 ms call)", killAfter: "call 3" },
  { name: "inside a slow agent call of attempt 4, attempts 1–3 recorded", killAfter: "call 4", slow: "call:4", inFlight: { stage: "agent", attempt: 4 } },
  { name: "inside a slow verification of attempt 5, recorded but not verified", killAfter: "verify 5", slow: "verify:5", inFlight: { stage: "sandbox", attempt: 5 } },
  { name: "right after attempt 7 is recorded", killAfter: "attempt 7 recorded" },
];

describe("runtime on the sqlite store: SIGKILL mid-run, then another process resumes", () => {
  it.each(killPoints.map((p, i) => ({ ...p, i })))(
    "killed $name: the resumer re-runs no recorded step, loses nothing and completes the run",
    async ({ i, killAfter, slow, inFlight }) => {
      const path = join(root, `kill-${i}.db`);
      const log = join(root, `kill-${i}.calls`);
      const runId = `run-kill-${i}`;
      const key = (n: number) => `${runId}:attempt:${n}`;
      const started = Date.now();

      // 1. A process submits the run and drives it; it is killed at the kill point.
      const submitter = start([path, "submit", runId, log, String(leaseMs), ...(slow === undefined ? [] : [slow])]);
      await submitter.line((l) => l === killAfter);
      submitter.process.kill("SIGKILL");
      expect(await submitter.exited).toBe("SIGKILL");
      const killedAt = Date.now();

      // 2. What the store holds at the kill.
      const store = createSqliteStore({ path });
      const before = await store.readRun(runId);
      await store.close();
      const db = new Database(path, { readonly: true });
      const lease = db.prepare("SELECT owner, until FROM leases WHERE run_id = ?").get(runId) as { owner: string; until: number } | undefined;
      db.close();
      expect(lease?.owner).toBe(`submit-${submitter.process.pid}`);
      expect(ofType(before, "run.completed")).toEqual([]);
      const startedBefore = attemptsOf(before, "attempt.started");
      const recordedBefore = new Set(attemptsOf(before, "attempt.recorded"));
      const verifiedBefore = new Set(attemptsOf(before, "attempt.verified"));
      const callsBefore = readCalls(log);
      expect(new Set(callsBefore.map((c) => c.mode))).toEqual(new Set(["submit"]));
      // Everything the dead process reported as recorded was committed.
      for (const line of submitter.seen) {
        const m = /^attempt (\d+) recorded$/.exec(line);
        if (m !== null) expect(recordedBefore.has(Number(m[1]))).toBe(true);
      }
      // At most one step was in flight: one attempt started and not recorded, or one recorded and not verified.
      const unrecorded = startedBefore.filter((n) => !recordedBefore.has(n));
      const unverified = [...recordedBefore].filter((n) => !verifiedBefore.has(n));
      expect(unrecorded.length + unverified.length).toBeLessThanOrEqual(1);
      if (inFlight !== undefined) {
        expect(inFlight.stage === "agent" ? unrecorded : unverified).toEqual([inFlight.attempt]);
        // The killed process was inside that call.
        const inFlightKey = inFlight.stage === "agent" ? key(inFlight.attempt) : `${key(inFlight.attempt)}:verify`;
        expect(callsBefore.at(-1)).toMatchObject({ role: inFlight.stage, key: inFlightKey });
      }

      // 3. Another process resumes it: it waits out the dead process's lease, then drives the run to its end.
      const resumer = start([path, "resume", runId, log, String(leaseMs)]);
      const resumed = JSON.parse(await resumer.line((l) => l.startsWith('{"final"'))) as {
        final: { status: string; attempts: number; output: unknown; tokens: number; cost: number };
        tries: number;
        firstTryAt: number;
      };
      expect(await resumer.exited).toBe(0);

      // 4. What each process called. No step whose result was journaled before the kill ran again; the
      // steps after it ran exactly once, the one in flight again with the same key.
      const calls = readCalls(log);
      const agentKeys = (mode: Call["mode"]) => calls.filter((c) => c.mode === mode && c.role === "agent").map((c) => c.key);
      const sandboxKeys = (mode: Call["mode"]) => calls.filter((c) => c.mode === mode && c.role === "sandbox").map((c) => c.key);
      expect(calls.slice(0, callsBefore.length)).toEqual(callsBefore);
      expect(new Set(calls.filter((c) => c.mode === "resume").map((c) => c.pid))).toEqual(new Set([resumer.process.pid]));
      for (const n of recordedBefore) expect(agentKeys("resume")).not.toContain(key(n));
      for (const n of verifiedBefore) expect(sandboxKeys("resume")).not.toContain(`${key(n)}:verify`);
      expect(agentKeys("resume")).toEqual(allAttempts.filter((n) => !recordedBefore.has(n)).map(key));
      expect(sandboxKeys("resume")).toEqual(allAttempts.filter((n) => !verifiedBefore.has(n)).map((n) => `${key(n)}:verify`));
      // The dead process called each step once, in order, up to where it was killed.
      expect(agentKeys("submit")).toEqual(allAttempts.slice(0, agentKeys("submit").length).map(key));
      expect(sandboxKeys("submit")).toEqual(allAttempts.slice(0, sandboxKeys("submit").length).map((n) => `${key(n)}:verify`));
      // A call in flight at the kill was made again by the resumer with the same key, and it was its first call.
      const lastBefore = callsBefore.at(-1);
      const inFlightCall =
        lastBefore !== undefined && ((lastBefore.role === "agent" && unrecorded.length === 1) || (lastBefore.role === "sandbox" && unverified.length === 1))
          ? lastBefore
          : undefined;
      if (inFlightCall !== undefined) {
        expect(calls.find((c) => c.mode === "resume")).toMatchObject({ role: inFlightCall.role, key: inFlightCall.key });
      }
      // One driver at a time: the resumer called no agent or sandbox until the dead process's lease had expired
      // (store clock). Bookkeeping (an attempt's reservation) may be written earlier: the expected sequence
      // number alone keeps that from forking the run.
      const resumerCalls = calls.filter((c) => c.mode === "resume");
      for (const c of resumerCalls) expect(c.at).toBeGreaterThanOrEqual(lease!.until);

      // 5. The journal, read by a fresh store in this process.
      const check = createSqliteStore({ path });
      const journal = await check.readRun(runId);
      expect(journal.map((e) => e.seq)).toEqual(journal.map((_, n) => n + 1));
      // Nothing lost or rewritten: what was journaled at the kill is the journal's prefix.
      expect(journal.slice(0, before.length)).toEqual(before);
      expect(journal.length).toBeGreaterThan(before.length);
      for (const e of journal.slice(before.length)) {
        if (e.type === "attempt.recorded" || e.type === "attempt.verified") expect(e.at).toBeGreaterThanOrEqual(lease!.until);
      }
      expect(ofType(journal, "run.submitted")).toHaveLength(1);
      expect(ofType(journal, "run.routed")).toHaveLength(1);
      const completed = ofType(journal, "run.completed");
      expect(completed).toHaveLength(1);
      expect(journal.at(-1)).toBe(completed[0]);
      expect(completed[0]!.data).toMatchObject({ status: "succeeded", output: { guess: 1000 }, outcome: { route: "autonomous", result: "succeeded" } });
      // Every attempt started, recorded and verified exactly once, with the key derived from its number...
      expect(attemptsOf(journal, "attempt.started")).toEqual(allAttempts);
      expect(attemptsOf(journal, "attempt.recorded")).toEqual(allAttempts);
      expect(attemptsOf(journal, "attempt.verified")).toEqual(allAttempts);
      expect(ofType(journal, "attempt.failed")).toEqual([]);
      expect(ofType(journal, "attempt.started").map((e) => e.data.idempotencyKey)).toEqual(allAttempts.map(key));
      // ...and each built on the previous recorded one (the resumer's agent got the right previous output).
      expect(ofType(journal, "attempt.recorded").map((e) => (e.data.output as { guess: number }).guess)).toEqual(guesses);
      expect((await check.getRun(runId))?.status).toBe("succeeded");
      expect(resumed.final).toMatchObject({ status: "succeeded", attempts: 10, output: { guess: 1000 }, tokens: 100 });
      expect(resumed.final.cost).toBeCloseTo(0.01, 9);
      // Exactly one outcome, for this run.
      // One outcome, with the model's estimate it was routed under.
      expect((await check.calibrationSnapshot()).entries).toEqual([
        { kind: "math.guess", route: "autonomous", successes: 1, failures: 0, modelled: [expect.objectContaining({ outcomes: 1, failures: 0 })] },
      ]);
      await check.close();
      const after = new Database(path, { readonly: true });
      expect(after.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(after.prepare("SELECT run_id, route, result FROM outcomes").all()).toEqual([{ run_id: runId, route: "autonomous", result: "succeeded" }]);
      // The resumer released its lease when it stopped.
      expect(after.prepare("SELECT COUNT(*) AS n FROM leases").get()).toEqual({ n: 0 });
      after.close();

      const stage =
        unrecorded.length === 1
          ? `attempt ${unrecorded[0]} started, not recorded${inFlightCall?.role === "agent" ? " (inside its agent call)" : " (agent not yet called)"}`
          : unverified.length === 1
            ? `attempt ${unverified[0]} recorded, not verified${inFlightCall?.role === "sandbox" ? " (inside its verification)" : " (sandbox not yet called)"}`
            : `attempt ${Math.max(0, ...verifiedBefore)} verified, next not started`;
      console.log(
        `[kill ${i}] after "${killAfter}": ${before.length} events at the kill — ${stage}; resumer: ${resumerCalls.filter((c) => c.role === "agent").length} agent / ` +
          `${resumerCalls.filter((c) => c.role === "sandbox").length} sandbox calls, ${resumed.tries} tries (waited ${Math.max(0, (resumerCalls[0]?.at ?? 0) - resumed.firstTryAt)} ms for the lease); ` +
          `kill at +${killedAt - started} ms, done at +${Date.now() - started} ms`,
      );
    },
    20_000,
  );
});
