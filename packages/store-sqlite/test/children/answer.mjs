// A child process that answers one checkpoint, as a reviewer in another terminal would: it reads the
// journal, reports the seq it read, waits for "go" on stdin (so every racer reads before any appends),
// then appends its answer at that seq and reports whether it landed.
// Usage: node answer.mjs DB_PATH RUN_ID CHECKPOINT_ID REVIEWER_ID
import { createInterface } from "node:readline";
import { createSqliteStore } from "../../dist/index.js";

const [path, runId, checkpointId, reviewerId] = process.argv.slice(2);
const store = createSqliteStore({ path });
const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

const info = await store.getCheckpoint(checkpointId);
const seq = (await store.readRun(runId)).length;
say({ ready: true, seq, status: info?.status ?? null });

const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === "go") break;
lines.close();

try {
  await store.append(runId, seq, [
    {
      type: "checkpoint.answered",
      data: {
        checkpointId,
        answer: { type: "answer", value: `done by ${reviewerId}` },
        reviewer: { id: reviewerId, roles: ["finance"] },
        idempotencyKey: `answer-${reviewerId}`,
      },
    },
  ]);
  say({ ok: true });
} catch (error) {
  say({ ok: false, code: error?.code ?? null, message: String(error?.message ?? error) });
} finally {
  await store.close();
}
