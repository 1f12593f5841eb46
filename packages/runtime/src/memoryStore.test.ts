// The in-memory store: the shared conformance suite (on a manual clock and on the system clock) and what is
// particular to keeping everything in maps.
import { isConvergentError } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "./memoryStore.js";
import { events, makeTask, manualClock, runStart } from "./testing/fixtures.js";
import { corruptMemoryEvent } from "./testing/corruptMemoryEvent.js";
import { runStoreConformance } from "./testing/storeConformance.js";

runStoreConformance({
  name: "memory store",
  create: async (options) => createMemoryStore(options?.clock === undefined ? {} : { clock: options.clock }),
  corrupt: corruptMemoryEvent,
});

// The same suite on the store's own clock exercises the suite's path for stores that cannot take a clock.
runStoreConformance({
  name: "memory store on the system clock",
  create: async () => createMemoryStore(),
});

describe("createMemoryStore", () => {
  it("keeps each instance's data to itself", async () => {
    const a = createMemoryStore();
    const b = createMemoryStore();
    await a.append("run-1", 0, runStart(makeTask("t-1")));
    expect(await b.readRun("run-1")).toEqual([]);
    expect(await b.listRuns()).toEqual([]);
    await b.append("run-1", 0, runStart(makeTask("t-other")));
    expect((await a.getRun("run-1"))?.taskId).toBe("t-1");
  });

  it("hands out copies of journals, so a caller cannot change the store by mutating them", async () => {
    const store = createMemoryStore({ clock: manualClock() });
    await store.append("run-1", 0, runStart(makeTask("t-1")));
    const journal = (await store.readRun("run-1")) as unknown[];
    journal.push({ seq: 99 });
    journal.length = 0;
    expect((await store.readRun("run-1")).map((e) => e.seq)).toEqual([1, 2]);
    await store.append("run-1", 2, [events.attemptStarted(1)]);
  });

  it("refuses to be used after close() with an INTERNAL error", async () => {
    const store = createMemoryStore();
    await store.close();
    const error = await store.readRun("run-1").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConvergentError(error) && error.code).toBe("INTERNAL");
  });
});
