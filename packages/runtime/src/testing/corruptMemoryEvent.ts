// Damages an event a memory store keeps, as a fault or another program would: for the conformance suite's
// corrupt-journal case (`runStoreConformance({ corrupt })`).
import { ConvergentError } from "@convergent/router";
import { memoryJournals } from "../memoryStore.js";
import type { Store } from "../store.js";

/**
 * Overwrites event `seq` of a run in a store made by `createMemoryStore`: its type, its schema version, or its data as
 * text (parsed when it is JSON, kept as the text when it is not).
 *
 * @example
 * ```ts
 * runStoreConformance({ name: "memory store", create: async () => createMemoryStore(), corrupt: corruptMemoryEvent });
 * ```
 */
export async function corruptMemoryEvent(store: Store, runId: string, seq: number, damage: { readonly type?: string; readonly version?: number; readonly data?: string }): Promise<void> {
  const journal = memoryJournals.get(store)?.get(runId);
  const event = journal?.[seq - 1];
  if (journal === undefined || event === undefined) throw new ConvergentError("NOT_FOUND", `corruptMemoryEvent: run ${runId} has no event ${seq} in this memory store`);
  let data: unknown = event.data;
  if (damage.data !== undefined) {
    try {
      data = JSON.parse(damage.data);
    } catch {
      data = damage.data;
    }
  }
  journal[seq - 1] = { ...event, ...(damage.type === undefined ? {} : { type: damage.type }), ...(damage.version === undefined ? {} : { version: damage.version }), data };
}
