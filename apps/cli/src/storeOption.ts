// The `--store URL` option: `memory:`, `sqlite:PATH` (the default, .convergent/convergent.db) or `postgres://…`.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Store, createMemoryStore } from "@convergent/runtime";
import { createSqliteStore } from "@convergent/store-sqlite";
import { CliError, describeFsError, exitCodes } from "./errors.js";

/** The store URL used when `--store` is left out (relative to the working directory). */
export const defaultStoreUrl = "sqlite:.convergent/convergent.db";

/** What a store URL names. */
export type StoreLocation = { readonly kind: "memory" } | { readonly kind: "sqlite"; readonly path: string } | { readonly kind: "postgres"; readonly url: string };

/** Parses a store URL; a malformed one is a usage error (exit code 2) that shows the accepted forms. */
export function parseStoreUrl(url: string): StoreLocation {
  if (url === "memory:" || url === "memory") return { kind: "memory" };
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
    if (path === "") throw new CliError(`--store ${url}: a sqlite store needs a file path, e.g. sqlite:.convergent/convergent.db`, { exitCode: exitCodes.usage });
    return { kind: "sqlite", path };
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return { kind: "postgres", url };
  throw new CliError(`--store ${url}: expected memory:, sqlite:PATH or postgres://…`, { exitCode: exitCodes.usage });
}

/** Opens the store a URL names (creating the SQLite file and its folder when needed). */
export async function openStore(url: string | undefined): Promise<Store> {
  const location = parseStoreUrl(url ?? defaultStoreUrl);
  switch (location.kind) {
    case "memory":
      return createMemoryStore();
    case "sqlite": {
      const path = resolve(location.path);
      try {
        mkdirSync(dirname(path), { recursive: true });
        return createSqliteStore({ path });
      } catch (cause) {
        throw new CliError(`--store sqlite:${location.path}: cannot open the store: ${describeFsError(cause)}`, { cause });
      }
    }
    case "postgres":
      // The URL may hold a password: it is not repeated in the message.
      throw new CliError("--store postgres://…: PostgreSQL stores come with @convergent/store-postgres, which is not part of this build yet; use sqlite:PATH");
  }
}
