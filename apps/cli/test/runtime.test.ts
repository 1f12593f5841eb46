// `convergent run`, `runs`, `inbox` and `answer` as separate processes of the built binary, sharing one
// SQLite file in a temporary directory: what one process records, the next one reads and continues.
import { readFileSync, writeFileSync } from "node:fs";
import type { RunEvent, Store } from "@convergent/runtime";
import { createSqliteStore } from "@convergent/store-sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { type CliRun, cli, jsonLines, samplePath, startCli, toJsonl, workspace } from "./helpers.js";

/** Spawns processes, one per test; each spawn is a few hundred milliseconds. */
const slow = { timeout: 60_000 };

const tasksFile = samplePath("demo-tasks.jsonl");
const policyFile = samplePath("policy.yaml");
const policy = ["--policy", policyFile];
const sampleIds = readFileSync(tasksFile, "utf8")
  .trim()
  .split("\n")
  .map((line) => (JSON.parse(line) as { id: string }).id);

/** A line of `run --json`, and the `run` of `answer --output json`. */
interface RunLine {
  runId: string;
  taskId: string;
  kind: string;
  route: string | null;
  status: string;
  attempts: number;
  tokens: number;
  cost: number;
  checkpoints: { id: string; kind: string; purpose: string; assigneeRoles: string[] }[];
  reason: string | null;
  output: unknown;
  shadow: { status: string; attempts: number; detail: string | null; agrees: boolean | null; judgement: string | null } | null;
}

/** A line of `runs --json`. */
interface RunsLine {
  runId: string;
  taskId: string;
  kind: string;
  title: string;
  route: string | null;
  status: string;
  seq: number;
  createdAt: number;
  updatedAt: number;
}

/** A line of `inbox --json`. */
interface InboxLine {
  checkpoint: {
    id: string;
    runId: string;
    kind: string;
    purpose: string;
    attempt: number | null;
    question: string;
    reasons: string[];
    assigneeRoles: string[];
    deadline: number;
    openedAt: number;
    onTimeout: unknown;
  };
  status: string;
  taskId: string;
  title: string;
  answer: unknown;
  reviewer: unknown;
  answeredAt: number | null;
  idempotencyKey: string | null;
  accepts: string[];
}

/** The output of `answer --output json`. */
interface AnswerOutput {
  checkpointId: string;
  runId: string;
  answer: { type: string; [field: string]: unknown };
  reviewer: string;
  duplicate: boolean;
  run: RunLine;
}

/** What `run` does with each demo task under the sample policy (acme-ops v5, whose ada has the roles reviewer and finance). */
const expected: Record<string, { kind: string; route: string; status: string; waits?: { kind: string; purpose: string; roles: string[] } }> = {
  "demo-fix-slugify": { kind: "code.fix-test", route: "autonomous", status: "succeeded" },
  "demo-normalize-crm": { kind: "data.normalize", route: "autonomous", status: "succeeded" },
  "demo-normalize-feed": { kind: "data.normalize", route: "autonomous", status: "succeeded" },
  "demo-schedule-week": { kind: "ops.schedule", route: "autonomous", status: "succeeded" },
  "demo-bid-spring": { kind: "ads.bid-tuning", route: "autonomous", status: "waiting", waits: { kind: "takeover", purpose: "escalation", roles: ["reviewer"] } },
  "demo-i18n-checkout": { kind: "i18n.translate", route: "supervised", status: "waiting", waits: { kind: "approve", purpose: "review", roles: ["reviewer"] } },
  "demo-board-offsite": { kind: "ops.schedule.board", route: "human", status: "waiting", waits: { kind: "takeover", purpose: "task", roles: ["reviewer"] } },
  "demo-marketing-q3": { kind: "marketing.plan", route: "human", status: "waiting", waits: { kind: "takeover", purpose: "task", roles: ["reviewer"] } },
  "demo-hiring-offer": { kind: "hiring.decide", route: "human", status: "waiting", waits: { kind: "takeover", purpose: "task", roles: ["hiring-manager"] } },
  "demo-refund-globex": { kind: "payments.refund", route: "human", status: "waiting", waits: { kind: "takeover", purpose: "task", roles: ["finance"] } },
  "demo-legal-dpa": { kind: "legal.review", route: "human", status: "waiting", waits: { kind: "takeover", purpose: "task", roles: ["legal"] } },
};

/** The answer types `inbox` lists per checkpoint purpose. */
const acceptsByPurpose: Record<string, string[]> = {
  escalation: ["answer", "direction", "approve", "reject"],
  review: ["approve", "edit", "reject", "respond"],
  task: ["answer", "reject"],
};

let ws: ReturnType<typeof workspace> | undefined;
afterEach(() => ws?.cleanup());

/** A fresh temp dir whose SQLite store holds the demo tasks after `convergent run --json`, run in its own process. */
function seeded() {
  ws = workspace();
  const dbPath = ws.path("c.db");
  const store = ["--store", `sqlite:${dbPath}`];
  const run = cli(["run", tasksFile, ...policy, ...store, "--json"], { cwd: ws.dir });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const lines = jsonLines<RunLine>(run.stdout);
  const byTask = new Map(lines.map((l) => [l.taskId, l]));
  /** The id of the one open checkpoint of a task's run. */
  const checkpointOf = (taskId: string): string => {
    const line = byTask.get(taskId)!;
    expect(line.checkpoints).toHaveLength(1);
    return line.checkpoints[0]!.id;
  };
  const dir = ws.dir;
  return {
    dir,
    dbPath,
    store,
    run,
    lines,
    byTask,
    checkpointOf,
    /** Runs the CLI against this store, in this temp dir. */
    cli: (args: readonly string[]) => cli([...args, ...store], { cwd: dir }),
  };
}

type Seeded = ReturnType<typeof seeded>;

const runsOf = (s: Seeded, ...args: string[]): RunsLine[] => {
  const r = s.cli(["runs", "--json", ...args]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return jsonLines<RunsLine>(r.stdout);
};

const inboxOf = (s: Seeded, ...args: string[]): InboxLine[] => {
  const r = s.cli(["inbox", "--json", ...args]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return jsonLines<InboxLine>(r.stdout);
};

const answerJson = (s: Seeded, checkpointId: string, reviewer: string, answer: unknown, ...args: string[]): CliRun =>
  s.cli(["answer", checkpointId, "--as", reviewer, ...policy, "--json", JSON.stringify(answer), ...args]);

/** Reads the store the processes wrote, in this process, after they ended. */
async function withStore<T>(dbPath: string, use: (store: Store) => Promise<T>): Promise<T> {
  const store = createSqliteStore({ path: dbPath });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

const answeredEvents = (events: readonly RunEvent[], checkpointId: string) =>
  events.filter((e): e is Extract<RunEvent, { type: "checkpoint.answered" }> => e.type === "checkpoint.answered" && e.data.checkpointId === checkpointId);

/** Starts the CLI with node:child_process spawn and resolves when it exits. */
function cliAsync(args: readonly string[], cwd: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = startCli(args, { cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

const conflictLine = (checkpointId: string, reviewer: string, answeredAt: number, type: string) =>
  `convergent: checkpoint ${checkpointId} was already answered by ${reviewer} at ${new Date(answeredAt).toISOString()} (${type}); the first answer stands\n`;

describe("convergent run --json", () => {
  it("prints one JSON line per task: converging kinds succeed, the bid run escalates, the rest wait for people", slow, () => {
    const s = seeded();
    expect(Object.keys(expected).sort()).toEqual([...sampleIds].sort());
    expect(s.lines.map((l) => l.taskId)).toEqual(sampleIds);
    expect(new Set(s.lines.map((l) => l.runId)).size).toBe(sampleIds.length);
    for (const line of s.lines) {
      const want = expected[line.taskId]!;
      expect(Object.keys(line)).toEqual(["runId", "taskId", "kind", "route", "status", "attempts", "tokens", "cost", "checkpoints", "reason", "output", "shadow"]);
      expect(line.runId).toMatch(/^run-[0-9a-f]{12}$/);
      expect({ taskId: line.taskId, kind: line.kind, route: line.route, status: line.status }).toEqual({ taskId: line.taskId, kind: want.kind, route: want.route, status: want.status });
      if (want.status === "succeeded") {
        // Verified by a sandbox, after the attempts it took; the result is in the line.
        expect(line.attempts).toBeGreaterThanOrEqual(1);
        expect(line.reason).toMatch(new RegExp(`^sandbox \\S+ passed attempt ${line.attempts}$`));
        expect(line.output).not.toBeNull();
        expect(line.checkpoints).toEqual([]);
      } else {
        expect(line.reason).toBeNull();
        expect(line.output).toBeNull();
        expect(line.checkpoints).toEqual([{ id: `${line.runId}:cp1`, kind: want.waits!.kind, purpose: want.waits!.purpose, assigneeRoles: want.waits!.roles }]);
      }
      // People's tasks never reach an agent but in a shadow run (what it spent counts); the others reserve the policy's
      // agentPerAttempt (0.08 USD) or less per attempt.
      if (want.route === "human") expect({ attempts: line.attempts, tokens: line.tokens, cost: line.cost > 0 }).toEqual({ attempts: 0, tokens: 0, cost: line.shadow !== null });
      else expect(line.attempts).toBeGreaterThanOrEqual(1);
    }
    // The monitor stopped the bid run only after it had an error curve to judge.
    expect(s.byTask.get("demo-bid-spring")!.attempts).toBeGreaterThanOrEqual(2);
  });

  it("without --json prints a line per run and how to answer the waiting ones", slow, () => {
    ws = workspace();
    const store = `sqlite:${ws.path("c.db")}`;
    const run = cli(["run", tasksFile, ...policy, "--store", store], { cwd: ws.dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    for (const id of sampleIds) expect(run.stdout).toMatch(new RegExp(`^  ${id} +${expected[id]!.kind.replace(".", "\\.")} +${expected[id]!.route} +${expected[id]!.status}`, "m"));
    expect(run.stdout).toMatch(/^  demo-bid-spring .* waits at run-[0-9a-f]{12}:cp1 \(escalation, for reviewer\)$/m);
    expect(run.stdout).toContain("\n11 runs: 4 succeeded, 7 waiting, 0 failed or cancelled.\n");
    expect(run.stdout).toContain(`7 checkpoints wait for a person; see what each accepts with: convergent inbox --store ${store}\n`);
    expect(run.stdout).toContain(`Then answer: convergent answer <checkpoint> --as <you> --json '<answer>' --store ${store}\n`);
  });

  it("keeps the runs in sqlite:.convergent/convergent.db under the working directory when --store is left out", slow, () => {
    ws = workspace({ "task.json": toJsonl([JSON.parse(readFileSync(tasksFile, "utf8").split("\n")[1]!)]) });
    const run = cli(["run", "task.json", ...policy, "--json"], { cwd: ws.dir });
    expect(run.code).toBe(0);
    const [line] = jsonLines<RunLine>(run.stdout);
    expect(line).toMatchObject({ taskId: "demo-normalize-crm", status: "succeeded" });
    expect(readFileSync(ws.path(".convergent/convergent.db")).subarray(0, 15).toString()).toBe("SQLite format 3");
    const runs = jsonLines<RunsLine>(cli(["runs", "--json"], { cwd: ws.dir }).stdout);
    expect(runs.map((r) => [r.runId, r.status])).toEqual([[line!.runId, "succeeded"]]);
    // The same store named explicitly.
    const named = jsonLines<RunsLine>(cli(["runs", "--json", "--store", "sqlite:.convergent/convergent.db"], { cwd: ws.dir }).stdout);
    expect(named.map((r) => r.runId)).toEqual([line!.runId]);
  });
});

describe("--log-format", () => {
  it("writes the runtime's events to stderr as pino JSON lines, and nothing without it", slow, () => {
    ws = workspace();
    const store = ["--store", `sqlite:${ws.path("c.db")}`];
    const human = readFileSync(tasksFile, "utf8").split("\n").find((l) => l.includes('"demo-refund-globex"'))!;
    const quiet = cli(["run", "-", ...policy, ...store, "--json"], { cwd: ws.dir, input: `${human}\n` });
    expect(quiet.stderr).toBe("");
    const run = cli(["run", "-", ...policy, ...store, "--json", "--log-format", "json"], { cwd: ws.dir, input: `${human}\n` });
    expect(run.code).toBe(0);
    const records = jsonLines<{ event: string; runId: string; taskId: string; route?: string; reasons?: string[]; level: number }>(run.stderr);
    const [line] = jsonLines<RunLine>(run.stdout);
    expect(records.map((r) => r.event)).toEqual(["run.submitted", "run.routed", "checkpoint.opened"]);
    expect(records[1]).toMatchObject({ runId: line!.runId, taskId: "demo-refund-globex", route: "human" });
    expect(records[1]!.reasons![0]).toBe("Human: rule big-refunds forces it.");
    const answered = cli(["answer", line!.checkpoints[0]!.id, "--as", "ada", ...store, "--json", '{"type":"answer","value":"refunded"}', "--log-format", "json"], { cwd: ws.dir });
    expect(answered.code).toBe(0);
    const after = jsonLines<{ event: string; reviewer?: string; status?: string }>(answered.stderr);
    expect(after.map((r) => [r.event, r.reviewer ?? r.status ?? null])).toEqual([
      ["checkpoint.answered", "ada"],
      ["run.completed", "succeeded"],
    ]);
  });
});

describe("convergent runs and inbox, in other processes", () => {
  it("runs --json lists every run with the status run printed, newest first; --status and --limit filter", slow, () => {
    const s = seeded();
    const runs = runsOf(s);
    expect(runs).toHaveLength(s.lines.length);
    const titles = new Map(readFileSync(tasksFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { id: string; title: string }).map((t) => [t.id, t.title]));
    for (const r of runs) {
      expect(Object.keys(r)).toEqual(["runId", "taskId", "kind", "title", "route", "status", "seq", "createdAt", "updatedAt"]);
      const line = s.lines.find((l) => l.runId === r.runId)!;
      expect({ taskId: r.taskId, kind: r.kind, route: r.route, status: r.status, title: r.title }).toEqual({
        taskId: line.taskId,
        kind: line.kind,
        route: line.route,
        status: line.status,
        title: titles.get(line.taskId),
      });
      expect(r.updatedAt).toBeGreaterThanOrEqual(r.createdAt);
      expect(r.seq).toBeGreaterThanOrEqual(3); // submitted, routed, and at least a checkpoint or a completion
    }
    for (let i = 1; i < runs.length; i++) expect(runs[i - 1]!.createdAt).toBeGreaterThanOrEqual(runs[i]!.createdAt);

    const idsWith = (status: string) => s.lines.filter((l) => l.status === status).map((l) => l.runId).sort();
    expect(runsOf(s, "--status", "waiting").map((r) => r.runId).sort()).toEqual(idsWith("waiting"));
    expect(idsWith("waiting")).toHaveLength(7);
    expect(runsOf(s, "--status", "succeeded").map((r) => r.runId).sort()).toEqual(idsWith("succeeded"));
    expect(idsWith("succeeded")).toHaveLength(4);
    expect(runsOf(s, "--status", "failed")).toEqual([]);
    expect(runsOf(s, "--limit", "3").map((r) => r.runId)).toEqual(runs.slice(0, 3).map((r) => r.runId));

    const bad = s.cli(["runs", "--status", "paused"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Allowed choices are running, waiting, succeeded, failed, cancelled");

    const table = s.cli(["runs"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ {2}RUN +TASK +KIND +ROUTE +STATUS +UPDATED$/m);
    for (const line of s.lines) expect(table.stdout).toMatch(new RegExp(`^  ${line.runId} +${line.taskId} +\\S+ +${line.route} +${line.status} `, "m"));
  });

  it("inbox --json lists each open checkpoint once, with the answers it accepts, earliest deadline first", slow, () => {
    const s = seeded();
    const inbox = inboxOf(s);
    const waiting = s.lines.filter((l) => l.status === "waiting");
    expect(inbox.map((c) => c.checkpoint.id).sort()).toEqual(waiting.map((l) => l.checkpoints[0]!.id).sort());
    for (const c of inbox) {
      const line = waiting.find((l) => l.checkpoints[0]!.id === c.checkpoint.id)!;
      expect(c).toMatchObject({ status: "open", taskId: line.taskId, answer: null, reviewer: null, answeredAt: null, idempotencyKey: null });
      expect(c.checkpoint).toMatchObject({ runId: line.runId, kind: line.checkpoints[0]!.kind, purpose: line.checkpoints[0]!.purpose, assigneeRoles: line.checkpoints[0]!.assigneeRoles });
      expect(c.accepts).toEqual(acceptsByPurpose[c.checkpoint.purpose]);
      // The sample policy's checkpoints: due 8 hours (28800 s) after they open, then escalated to a lead.
      expect(c.checkpoint.deadline - c.checkpoint.openedAt).toBe(28_800_000);
      expect(c.checkpoint.onTimeout).toEqual({ action: "escalate", roles: ["lead"] });
      expect(c.checkpoint.question.length).toBeGreaterThan(0);
    }
    for (let i = 1; i < inbox.length; i++) expect(inbox[i - 1]!.checkpoint.deadline).toBeLessThanOrEqual(inbox[i]!.checkpoint.deadline);
    const bid = inbox.find((c) => c.taskId === "demo-bid-spring")!;
    expect(bid.checkpoint.question).toMatch(/^The agent's run on "Bring the spring campaign's cost per acquisition to \$20" was stopped \(errors grow/);
    expect(bid.checkpoint.reasons[0]).toMatch(/^Escalated: errors grow ×[\d.]+ per attempt/);
    const review = inbox.find((c) => c.taskId === "demo-i18n-checkout")!;
    expect(review.checkpoint.attempt).toBe(s.byTask.get("demo-i18n-checkout")!.attempts);

    const table = s.cli(["inbox"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ {2}CHECKPOINT +TASK +ASKS +ROLES +DUE +ANSWERS$/m);
    expect(table.stdout).toMatch(new RegExp(`^  ${s.checkpointOf("demo-refund-globex")} +demo-refund-globex +task \\(takeover\\) +finance +in ~8 hours +answer \\| reject$`, "m"));
    expect(table.stdout).toContain(`Answer with: convergent answer ${inbox[0]!.checkpoint.id} --as <you> --json '{"type":"${inbox[0]!.accepts[0]}"`);
  });

  it("inbox --as filters by the reviewer's roles in --policy; an unknown reviewer is an error", slow, () => {
    const s = seeded();
    const ids = (...tasks: string[]) => tasks.map((t) => s.checkpointOf(t)).sort();
    // ada: reviewer, finance.
    const ada = inboxOf(s, "--as", "ada", ...policy);
    expect(ada.map((c) => c.checkpoint.id).sort()).toEqual(ids("demo-bid-spring", "demo-i18n-checkout", "demo-board-offsite", "demo-marketing-q3", "demo-refund-globex"));
    expect(ada.map((c) => c.taskId)).not.toContain("demo-hiring-offer");
    // sam: hiring-manager, lead.
    expect(inboxOf(s, "--as", "sam", ...policy).map((c) => c.checkpoint.id)).toEqual(ids("demo-hiring-offer"));
    // lin: reviewer, legal.
    expect(inboxOf(s, "--as", "lin", ...policy).map((c) => c.checkpoint.id).sort()).toEqual(ids("demo-bid-spring", "demo-i18n-checkout", "demo-board-offsite", "demo-marketing-q3", "demo-legal-dpa"));

    const nobody = s.cli(["inbox", "--as", "nobody", ...policy]);
    expect(nobody.code).toBe(1);
    expect(nobody.stdout).toBe("");
    expect(nobody.stderr).toBe("convergent: --as nobody: not a reviewer of policy acme-ops (ada, grace, lin, sam, mo)\n");
  });

  it("an empty store has no runs and nothing in the inbox", slow, () => {
    ws = workspace();
    const store = ["--store", `sqlite:${ws.path("empty.db")}`];
    expect(cli(["runs", ...store], { cwd: ws.dir })).toEqual({ code: 0, stdout: "No runs yet. Start some with: convergent run tasks.jsonl\n", stderr: "" });
    expect(cli(["inbox", ...store], { cwd: ws.dir })).toEqual({ code: 0, stdout: "Nothing waits for a person.\n", stderr: "" });
    expect(cli(["runs", "--json", ...store], { cwd: ws.dir })).toEqual({ code: 0, stdout: "", stderr: "" });
  });
});

describe("convergent answer, in another process", () => {
  it("gives the escalated bid run direction as ada; the run continues in that process and succeeds; the first answer stands", slow, async () => {
    const s = seeded();
    const before = s.byTask.get("demo-bid-spring")!;
    const cp = s.checkpointOf("demo-bid-spring");
    const direction = { type: "direction", constraints: "Halve your corrections" };

    const first = answerJson(s, cp, "ada", direction, "--output", "json", "--idempotency-key", "bid-1");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const [result, ...more] = jsonLines<AnswerOutput>(first.stdout);
    expect(more).toEqual([]);
    expect(Object.keys(result!)).toEqual(["checkpointId", "runId", "answer", "reviewer", "duplicate", "run"]);
    expect(result).toMatchObject({ checkpointId: cp, runId: before.runId, answer: direction, reviewer: "ada", duplicate: false });
    expect(Object.keys(result!.run)).toEqual(Object.keys(before));
    expect(result!.run).toMatchObject({ runId: before.runId, taskId: "demo-bid-spring", kind: "ads.bid-tuning", route: "autonomous", status: "succeeded", checkpoints: [] });
    // The agent retried under the direction: new attempts after the escalation, the last one passed.
    expect(result!.run.attempts).toBeGreaterThan(before.attempts);
    expect(result!.run.reason).toMatch(new RegExp(`^sandbox \\S+ passed attempt ${result!.run.attempts}$`));
    expect(result!.run.output).not.toBeNull();

    // Another process sees it: the run succeeded, the checkpoint left the inbox.
    expect(runsOf(s).find((r) => r.runId === before.runId)!.status).toBe("succeeded");
    expect(inboxOf(s).map((c) => c.checkpoint.id)).not.toContain(cp);

    const answeredAt = await withStore(s.dbPath, async (store) => {
      const info = (await store.getCheckpoint(cp))!;
      expect(info).toMatchObject({ status: "answered", answer: direction, reviewer: { id: "ada", roles: ["reviewer", "finance"] }, idempotencyKey: "bid-1" });
      return info.answeredAt!;
    });

    // A second, different answer: a conflict naming who answered first and when.
    const second = answerJson(s, cp, "grace", { type: "reject", message: "Stop the campaign" });
    expect(second).toEqual({ code: 1, stdout: "", stderr: conflictLine(cp, "ada", answeredAt, "direction") });
    // The same answer again without the key is a second answer too.
    const again = answerJson(s, cp, "ada", direction);
    expect(again).toEqual({ code: 1, stdout: "", stderr: conflictLine(cp, "ada", answeredAt, "direction") });
    const otherKey = answerJson(s, cp, "ada", direction, "--idempotency-key", "bid-2");
    expect(otherKey.code).toBe(1);

    // A retry with the same idempotency key gets the first result.
    const retry = answerJson(s, cp, "ada", direction, "--output", "json", "--idempotency-key", "bid-1");
    expect(retry.stderr).toBe("");
    expect(retry.code).toBe(0);
    expect(jsonLines<AnswerOutput>(retry.stdout)).toEqual([{ ...result!, duplicate: true }]);
    const retryText = answerJson(s, cp, "ada", direction, "--idempotency-key", "bid-1");
    expect(retryText.code).toBe(0);
    expect(retryText.stdout).toBe(
      `Already answered (same idempotency key) ${cp} as ada (direction).\nRun ${before.runId} (demo-bid-spring) succeeded — ${result!.run.reason}.\n`,
    );

    // The journal holds one answer, and the run was not driven again by the retries.
    await withStore(s.dbPath, async (store) => {
      const events = await store.readRun(before.runId);
      expect(answeredEvents(events, cp)).toHaveLength(1);
      expect(events.filter((e) => e.type === "run.completed")).toHaveLength(1);
      expect(events.at(-1)!.type).toBe("run.completed");
    });
  });

  it("rejects an invalid answer and leaves the checkpoint open", slow, async () => {
    const s = seeded();
    const cp = s.checkpointOf("demo-marketing-q3");
    const runId = s.byTask.get("demo-marketing-q3")!.runId;
    const seqBefore = runsOf(s).find((r) => r.runId === runId)!.seq;

    // A task checkpoint takes an answer with a value, or a rejection with a message.
    const noValue = answerJson(s, cp, "ada", { type: "answer" });
    expect(noValue.code).toBe(1);
    expect(noValue.stdout).toBe("");
    expect(noValue.stderr).toContain("value: not a valid value (received nothing)\n");
    const unknownType = answerJson(s, cp, "ada", { type: "nope" });
    expect(unknownType.code).toBe(1);
    expect(unknownType.stderr).toMatch(/type: .*'answer' \| 'reject'/);
    // approve is for a review, not for a person's own task.
    const approve = answerJson(s, cp, "ada", { type: "approve" });
    expect(approve.code).toBe(1);
    expect(approve.stderr).toMatch(/type: .*'answer' \| 'reject'/);
    const emptyReason = answerJson(s, cp, "ada", { type: "reject", message: "  " });
    expect(emptyReason.code).toBe(1);
    expect(emptyReason.stderr).toMatch(/message: must not be empty\n/);
    const extraField = answerJson(s, cp, "ada", { type: "answer", value: "a plan", note: "x" });
    expect(extraField.code).toBe(1);
    expect(extraField.stderr).toContain("note");

    for (const r of [noValue, unknownType, approve, emptyReason, extraField]) expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    const open = inboxOf(s).find((c) => c.checkpoint.id === cp)!;
    expect(open).toMatchObject({ status: "open", answer: null });
    expect(runsOf(s).find((r) => r.runId === runId)).toMatchObject({ status: "waiting", seq: seqBefore });
    await withStore(s.dbPath, async (store) => expect(answeredEvents(await store.readRun(runId), cp)).toEqual([]));

    // A valid answer is still taken afterwards: the person's result completes the run.
    const ok = answerJson(s, cp, "ada", { type: "answer", value: { channels: ["search", "events"] } }, "--output", "json");
    expect(ok.code).toBe(0);
    expect(jsonLines<AnswerOutput>(ok.stdout)[0]!.run).toMatchObject({ status: "succeeded", output: { channels: ["search", "events"] }, reason: "done by a person" });
  });

  it("refuses a reviewer without the checkpoint's role, and one the policy does not list; the checkpoint stays open", slow, () => {
    const s = seeded();
    const cp = s.checkpointOf("demo-refund-globex");
    const runId = s.byTask.get("demo-refund-globex")!.runId;
    const value = { type: "answer", value: "Refund approved" };

    const sam = answerJson(s, cp, "sam", value);
    expect(sam).toEqual({ code: 1, stdout: "", stderr: `convergent: sam may not answer ${cp}: it needs the role finance, and sam has hiring-manager, lead\n` });
    const zed = answerJson(s, cp, "zed", value);
    expect(zed).toEqual({ code: 1, stdout: "", stderr: `convergent: reviewer "zed" is not among the reviewers of policy acme-ops v5 (ada, grace, lin, sam, mo)\n` });
    // The run keeps the policy it was routed under: answering without --policy checks the same reviewers.
    const noPolicy = cli(["answer", cp, "--as", "sam", ...s.store, "--json", JSON.stringify(value)], { cwd: s.dir });
    expect(noPolicy).toMatchObject({ code: 1, stderr: `convergent: sam may not answer ${cp}: it needs the role finance, and sam has hiring-manager, lead\n` });
    expect(inboxOf(s).find((c) => c.checkpoint.id === cp)).toMatchObject({ status: "open" });
    expect(runsOf(s).find((r) => r.runId === runId)!.status).toBe("waiting");

    // ada holds finance: her answer is the person's result, and the run ends with it.
    const ada = answerJson(s, cp, "ada", value);
    expect(ada).toEqual({ code: 0, stdout: `Answered ${cp} as ada (answer).\nRun ${runId} (demo-refund-globex) succeeded — done by a person.\n`, stderr: "" });
    // A rejection of a person's task cancels the run with the reason.
    const legal = s.checkpointOf("demo-legal-dpa");
    const lin = answerJson(s, legal, "lin", { type: "reject", message: "Initech must sign v4 first" });
    expect(lin.code).toBe(0);
    expect(lin.stdout).toBe(`Answered ${legal} as lin (reject).\nRun ${s.byTask.get("demo-legal-dpa")!.runId} (demo-legal-dpa) cancelled — declined: Initech must sign v4 first.\n`);
  });

  it("--no-continue records the answer and leaves the run running until convergent resume continues it", slow, () => {
    const s = seeded();
    const review = s.byTask.get("demo-i18n-checkout")!;
    const cp = s.checkpointOf("demo-i18n-checkout");
    const seqBefore = runsOf(s).find((r) => r.runId === review.runId)!.seq;

    const r = answerJson(s, cp, "grace", { type: "approve" }, "--no-continue", "--output", "json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = jsonLines<AnswerOutput>(r.stdout)[0]!;
    expect(out).toMatchObject({ checkpointId: cp, runId: review.runId, answer: { type: "approve" }, reviewer: "grace", duplicate: false });
    expect(out.run).toMatchObject({ status: "running", checkpoints: [], attempts: review.attempts, reason: null, output: null });

    const marketing = s.checkpointOf("demo-marketing-q3");
    const text = answerJson(s, marketing, "ada", { type: "answer", value: "plan" }, "--no-continue");
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`Answered ${marketing} as ada (answer).\nRun ${s.byTask.get("demo-marketing-q3")!.runId} (demo-marketing-q3) continues with \`convergent resume\`.\n`);

    // Only the answer was appended: status running, one more event, out of the inbox.
    expect(runsOf(s).find((x) => x.runId === review.runId)).toMatchObject({ status: "running", seq: seqBefore + 1 });
    expect(inboxOf(s).map((c) => c.checkpoint.id)).not.toContain(cp);

    // Another process resumes both runs from their answers.
    const resumed = cli(["resume", ...s.store, "--json"], { cwd: s.dir });
    expect(resumed.code).toBe(0);
    const lines = jsonLines<RunLine>(resumed.stdout);
    expect(lines.map((l) => [l.taskId, l.status]).sort()).toEqual([
      ["demo-i18n-checkout", "succeeded"],
      ["demo-marketing-q3", "succeeded"],
    ]);
    expect(runsOf(s, "--status", "running")).toEqual([]);
    expect(cli(["resume", ...s.store], { cwd: s.dir }).stdout).toBe("Nothing to resume: every run waits for a person or has ended.\n");
  });

  it("reads the answer from --json or --file; bad JSON is exit 1, both or neither is a usage error (exit 2)", slow, () => {
    const s = seeded();
    const cp = s.checkpointOf("demo-hiring-offer");
    const base = ["answer", cp, "--as", "sam", ...policy];

    const badJson = s.cli([...base, "--json", "{type:approve"]);
    expect(badJson.code).toBe(1);
    expect(badJson.stdout).toBe("");
    expect(badJson.stderr).toMatch(/^convergent: --json: the answer is not valid JSON: .+\n$/);

    writeFileSync(`${s.dir}/bad.json`, "{ \"type\": \"answer\", ");
    const badFile = s.cli([...base, "--file", "bad.json"]);
    expect(badFile.code).toBe(1);
    expect(badFile.stderr).toMatch(/^convergent: bad\.json: the answer is not valid JSON: .+\n$/);

    const missing = s.cli([...base, "--file", "missing.json"]);
    expect(missing).toEqual({ code: 1, stdout: "", stderr: "convergent: missing.json: cannot read the answer: no such file\n" });

    const both = s.cli([...base, "--json", '{"type":"approve"}', "--file", "bad.json"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("option '--json <answer>' cannot be used with option '--file <file>'");
    const neither = s.cli(base);
    expect(neither).toEqual({ code: 2, stdout: "", stderr: "convergent: answer: give the answer with --json '{…}' or --file FILE\n" });
    const noReviewer = s.cli(["answer", cp, "--json", '{"type":"approve"}']);
    expect(noReviewer.code).toBe(2);
    expect(noReviewer.stderr).toContain("required option '--as <reviewer>' not specified");
    const noCheckpoint = s.cli(["answer", "run-000000000000:cp1", "--as", "sam", ...policy, "--json", '{"type":"approve"}']);
    expect(noCheckpoint).toEqual({ code: 1, stdout: "", stderr: "convergent: checkpoint run-000000000000:cp1: no such checkpoint\n" });
    const badOutput = s.cli([...base, "--json", '{"type":"approve"}', "--output", "yaml"]);
    expect(badOutput.code).toBe(2);

    // None of those touched the checkpoint; a good --file answers it.
    expect(inboxOf(s).find((c) => c.checkpoint.id === cp)).toMatchObject({ status: "open" });
    writeFileSync(`${s.dir}/offer.json`, `${JSON.stringify({ type: "answer", value: { offer: "yes", salary: 180000 } }, null, 2)}\n`);
    const good = s.cli([...base, "--file", "offer.json", "--output", "json"]);
    expect(good.code).toBe(0);
    expect(jsonLines<AnswerOutput>(good.stdout)[0]).toMatchObject({ reviewer: "sam", answer: { type: "answer", value: { offer: "yes", salary: 180000 } }, run: { status: "succeeded" } });
  });
});

describe("a shadowed task, through the CLI", () => {
  it("the scheduler works on the board offsite blind while it waits; the person's answer is the result, and the agent's is judged against it", slow, async () => {
    const s = seeded();
    const line = s.byTask.get("demo-board-offsite")!;
    expect(line).toMatchObject({ route: "human", status: "waiting", attempts: 0, shadow: { status: "passed", attempts: 3, agrees: null } });
    expect(s.byTask.get("demo-marketing-q3")!.shadow).toBeNull();
    const events = await withStore(s.dbPath, (store) => store.readRun(line.runId));
    const last = events.filter((e) => e.type === "shadow.attempted").at(-1) as Extract<RunEvent, { type: "shadow.attempted" }>;
    // A person who schedules it differently: the agent's schedule counts as a failure nothing would have shown.
    const other = answerJson(s, s.checkpointOf("demo-board-offsite"), "ada", { type: "answer", value: { schedule: "by hand" } });
    expect(other.stderr).toBe("");
    expect(other.stdout).toBe(
      `Answered ${line.checkpoints[0]!.id} as ada (answer).\nRun ${line.runId} (demo-board-offsite) succeeded — done by a person.\n` +
        "Shadow run: the agent's attempt 3 differs from the person's result (equal JSON): it would have been wrong unnoticed.\n",
    );
    expect(last.data.output).not.toBeNull();
    const snapshot = await withStore(s.dbPath, (store) => store.calibrationSnapshot());
    expect(snapshot.entries.filter((e) => e.kind === "ops.schedule.board").map((e) => [e.route, e.successes, e.failures])).toEqual([
      ["autonomous", 0, 1],
      ["human", 1, 0],
    ]);
  });
});

describe("concurrent answers", () => {
  it("six processes answer one checkpoint at once: exactly one wins, five get the conflict, the journal holds one answer", slow, async () => {
    const s = seeded();
    const cp = s.checkpointOf("demo-marketing-q3");
    const runId = s.byTask.get("demo-marketing-q3")!.runId;
    const reviewers = ["ada", "grace", "lin", "mo", "ada", "grace"];
    const results = await Promise.all(
      reviewers.map((reviewer, i) =>
        cliAsync(
          ["answer", cp, "--as", reviewer, ...policy, ...s.store, "--output", "json", "--idempotency-key", `key-${i}`, "--json", JSON.stringify({ type: "answer", value: `plan from process ${i}` })],
          s.dir,
        ),
      ),
    );
    const winners = results.flatMap((r, i) => (r.code === 0 ? [i] : []));
    expect(winners).toHaveLength(1);
    const w = winners[0]!;
    const won = jsonLines<AnswerOutput>(results[w]!.stdout)[0]!;
    expect(won).toMatchObject({ checkpointId: cp, reviewer: reviewers[w], answer: { type: "answer", value: `plan from process ${w}` }, duplicate: false });
    expect(won.run).toMatchObject({ status: "succeeded", output: `plan from process ${w}` });

    const info = await withStore(s.dbPath, async (store) => {
      const events = await store.readRun(runId);
      const answers = answeredEvents(events, cp);
      expect(answers).toHaveLength(1);
      expect(answers[0]!.data).toMatchObject({ answer: { type: "answer", value: `plan from process ${w}` }, reviewer: { id: reviewers[w] }, idempotencyKey: `key-${w}` });
      expect(events.filter((e) => e.type === "run.completed")).toHaveLength(1);
      return (await store.getCheckpoint(cp))!;
    });
    for (const [i, r] of results.entries()) {
      if (i === w) continue;
      expect(r).toEqual({ code: 1, stdout: "", stderr: conflictLine(cp, reviewers[w]!, info.answeredAt!, "answer") });
    }

    expect(runsOf(s).find((r) => r.runId === runId)!.status).toBe("succeeded");
    expect(inboxOf(s).map((c) => c.checkpoint.id)).not.toContain(cp);
    // The winner's retry is a duplicate; a loser's retry is still a conflict.
    const retry = cli(["answer", cp, "--as", reviewers[w]!, ...policy, ...s.store, "--idempotency-key", `key-${w}`, "--json", JSON.stringify({ type: "answer", value: `plan from process ${w}` })], { cwd: s.dir });
    expect(retry.code).toBe(0);
    expect(retry.stdout).toMatch(/^Already answered \(same idempotency key\)/);
    const loser = (w + 1) % reviewers.length;
    const lost = cli(["answer", cp, "--as", reviewers[loser]!, ...policy, ...s.store, "--idempotency-key", `key-${loser}`, "--json", JSON.stringify({ type: "answer", value: `plan from process ${loser}` })], { cwd: s.dir });
    expect(lost.code).toBe(1);
  });
});

describe("--store", () => {
  it("rejects an unknown form (exit 2) and names the accepted ones, for every store command", slow, () => {
    ws = workspace();
    const commands = [["runs"], ["inbox"], ["run", tasksFile], ["answer", "run-000000000000:cp1", "--as", "ada", "--json", '{"type":"approve"}'], ["demo"]];
    for (const command of commands) {
      const r = cli([...command, "--store", "nope:"], { cwd: ws.dir });
      expect({ command, ...r }).toEqual({ command, code: 2, stdout: "", stderr: "convergent: --store nope:: expected memory:, sqlite:PATH or postgres://…\n" });
    }
    const noPath = cli(["runs", "--store", "sqlite:"], { cwd: ws.dir });
    expect(noPath).toEqual({ code: 2, stdout: "", stderr: "convergent: --store sqlite:: a sqlite store needs a file path, e.g. sqlite:.convergent/convergent.db\n" });
  });

  it("says PostgreSQL is not in this build (exit 1) without repeating the URL's password", slow, () => {
    ws = workspace();
    for (const command of [["runs"], ["inbox"], ["run", tasksFile], ["answer", "x:cp1", "--as", "ada", "--json", '{"type":"approve"}']]) {
      const r = cli([...command, "--store", "postgres://u:secret@h/db"], { cwd: ws.dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("not part of this build");
      expect(r.stderr).not.toContain("secret");
      expect(r.stderr).not.toContain("u:");
    }
  });

  it("memory: keeps nothing between processes", slow, () => {
    ws = workspace();
    const run = cli(["run", tasksFile, ...policy, "--store", "memory:", "--json"], { cwd: ws.dir });
    expect(run.code).toBe(0);
    expect(jsonLines(run.stdout)).toHaveLength(sampleIds.length);
    expect(cli(["runs", "--json", "--store", "memory:"], { cwd: ws.dir })).toEqual({ code: 0, stdout: "", stderr: "" });
  });
});
