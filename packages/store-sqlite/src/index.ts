// @convergent/store-sqlite: Convergent's embedded store, one SQLite file shared by the processes of one machine.

export { createSqliteStore } from "./sqliteStore.js";
export type { SqliteStoreOptions } from "./sqliteStore.js";
export { schemaVersion } from "./schema.js";
