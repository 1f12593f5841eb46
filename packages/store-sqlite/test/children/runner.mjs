// A child process that drives one autonomous run on a SQLite file with a real runtime: an agent that
// converges slowly on a number (it halves the distance to the target each attempt: 10 attempts from 0 to
// 1000) and a sandbox that scores the distance. The test kills it with SIGKILL mid-run and starts another
// one in `resume` mode, which must carry the run to its end without running a recorded step again.
//
// Every call of the agent or the sandbox appends one line to LOG_PATH *before* it does its work
// (appendFileSync, so the line survives a SIGKILL):   <mode> <pid> <epoch ms> <agent|sandbox> <idempotency key>
// Stdout, one line each:  call <n> | verify <n> | attempt <n> recorded | attempt <n> verified |
// {"final": …}.
//
// Usage: node runner.mjs DB_PATH submit|resume RUN_ID LOG_PATH LEASE_MS [SLOW]
//   SLOW (submit mode only): `call:<n>` or `verify:<n>` makes that one agent call or verification take 5 s
//   instead of 30–50 ms, so the test can kill the process inside it for certain.
import { createRouter } from "@convergent/router";
import { createRuntime } from "@convergent/runtime";
import { appendFileSync } from "node:fs";
import { createSqliteStore } from "../../dist/index.js";

const [path, mode, runId, logPath, leaseArg, slow = ""] = process.argv.slice(2);
if (mode !== "submit" && mode !== "resume") throw new Error(`mode must be submit or resume, got ${mode}`);
const leaseMs = Number(leaseArg);
const [slowStage, slowAttemptArg] = slow.split(":");
const slowAttempt = mode === "submit" ? Number(slowAttemptArg) : Number.NaN;
const target = 1000;

const say = (line) => process.stdout.write(`${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const journalLine = (role, key) => appendFileSync(logPath, `${mode} ${process.pid} ${Date.now()} ${role} ${key}\n`);

/** The attempt whose agent call this process made last: the one an `attempt.recorded` it logs is about. */
let calling = 0;

const agent = {
  name: "halver",
  kinds: ["math.*"],
  async attempt(input) {
    journalLine("agent", input.idempotencyKey);
    calling = input.attempt;
    say(`call ${input.attempt}`);
    await sleep(slowStage === "call" && input.attempt === slowAttempt ? 5000 : 30 + Math.floor(Math.random() * 21));
    const goal = input.task.input.target;
    const previous = input.previousOutput === null ? 0 : input.previousOutput.guess;
    return { output: { guess: previous + Math.ceil((goal - previous) / 2) }, usage: { tokens: 10, cost: 0.001 } };
  },
};

const sandbox = {
  name: "distance",
  kinds: ["math.*"],
  closure: 1,
  async verify(input) {
    journalLine("sandbox", input.idempotencyKey);
    say(`verify ${input.attempt}`);
    await sleep(slowStage === "verify" && input.attempt === slowAttempt ? 5000 : 10);
    const error = Math.abs(input.output.guess - input.task.input.target);
    return { passed: error === 0, error, feedback: error === 0 ? "exact" : `off by ${error}` };
  },
};

const logger = {
  info(event, fields = {}) {
    if (event === "attempt.recorded") say(`attempt ${calling} recorded`);
    else if (event === "attempt.verified") say(`attempt ${fields.attempt} verified`);
  },
  warn(event, fields = {}) {
    process.stderr.write(`warn ${event} ${JSON.stringify(fields)}\n`);
  },
  error(event, fields = {}) {
    process.stderr.write(`error ${event} ${JSON.stringify(fields)}\n`);
  },
};

const store = createSqliteStore({ path });
const runtime = createRuntime({
  router: createRouter({ policy: { id: "durability", version: 1, budgets: { maxAttempts: 20 } } }),
  store,
  agents: [agent],
  sandboxes: [sandbox],
  logger,
  owner: `${mode}-${process.pid}`,
  leaseMs,
});

try {
  if (mode === "submit") {
    const task = {
      id: `task-${runId}`,
      kind: "math.guess",
      title: `Find ${target}`,
      input: { target },
      signals: { feedbackLatencySec: 1, ruleClosure: 1, driftHalfLifeSec: null, horizonSec: 600 },
      stakes: { cost: 10, reversible: true },
    };
    const run = await runtime.submit(task, { runId });
    say(JSON.stringify({ final: run, tries: 1, firstTryAt: null }));
  } else {
    // The dead process's lease holds until it expires by the store's clock: until then drive() declines and
    // the run stays `running`. Try again every 25 ms, for at most ~20 s.
    const firstTryAt = Date.now();
    let tries = 0;
    let run;
    for (;;) {
      tries++;
      await runtime.resume();
      run = await runtime.getRun(runId);
      if (run === undefined) throw new Error(`run ${runId}: not in the store`);
      if (run.status !== "running" || tries >= 800) break;
      await sleep(25);
    }
    say(JSON.stringify({ final: run, tries, firstTryAt }));
  }
} finally {
  await store.close();
}
