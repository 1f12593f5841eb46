// The journal is a contract across versions: journals this code wrote on 2026-12-04 are kept as a fixture (never
// regenerate it — add a new one beside it when the schema changes) and every later version must read them back.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkStoredJournal, eventDataSchemas } from "../src/eventSchemas.js";
import type { NewRunEvent, RunEvent } from "../src/events.js";
import { createMemoryStore } from "../src/memoryStore.js";
import { foldRun } from "../src/runState.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/journals-2026-12.json", import.meta.url), "utf8")) as {
  journals: Record<string, RunEvent[]>;
};
const journals = Object.entries(fixture.journals);

/** How each fixture run ended, as the code that wrote it left it. */
const ended: Record<string, { status: string; route: string; output: unknown; result: string | null }> = {
  "run-fx-auto": { status: "succeeded", route: "autonomous", output: { guess: 42 }, result: "succeeded" },
  "run-fx-review": { status: "succeeded", route: "supervised", output: { guess: 42 }, result: "approved" },
  "run-fx-escalate": { status: "succeeded", route: "autonomous", output: { guess: 42 }, result: "overridden" },
  "run-fx-shadow": { status: "succeeded", route: "human", output: { guess: 42 }, result: "succeeded" },
  "run-fx-expire": { status: "failed", route: "supervised", output: null, result: "failed" },
  "run-fx-direction": { status: "succeeded", route: "autonomous", output: { guess: 42 }, result: "succeeded" },
  "run-fx-flaky": { status: "succeeded", route: "autonomous", output: { guess: 42 }, result: "succeeded" },
};

describe("journals written on 2026-12-04 (fixture)", () => {
  it("hold every event type there is", () => {
    const types = new Set(journals.flatMap(([, events]) => events.map((e) => e.type)));
    expect([...types].sort()).toEqual(Object.keys(eventDataSchemas).sort());
  });

  it("pass the schema check and fold to how each run ended", () => {
    for (const [runId, events] of journals) {
      const checked = checkStoredJournal(runId, events);
      expect(checked).toEqual(events);
      const state = foldRun(checked);
      expect({ status: state.completed?.status, route: state.decision?.route, output: state.completed?.output ?? null, result: state.completed?.outcome?.result ?? null }).toEqual(ended[runId]);
    }
    expect(foldRun(fixture.journals["run-fx-shadow"]!).shadow).toMatchObject({ ended: { status: "passed" }, judged: { agrees: true } });
  });

  it("are taken by a store and read back as they were written", async () => {
    const store = createMemoryStore();
    for (const [runId, events] of journals) {
      await store.append(runId, 0, events.map(({ type, data }) => ({ type, data }) as NewRunEvent));
      expect((await store.readRun(runId)).map(({ type, data }) => ({ type, data }))).toEqual(events.map(({ type, data }) => ({ type, data })));
    }
  });
});
