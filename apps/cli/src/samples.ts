// The sample tasks and team policy shipped with the CLI (apps/cli/samples), found relative to this module.
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The shipped samples folder; `dist/samples.js` and `src/samples.ts` both sit one level below the package. */
const samplesDir = new URL("../samples/", import.meta.url);

/** Absolute path of a shipped sample file (`tasks.jsonl`, `policy.yaml`), wherever the CLI is run from. */
export function samplePath(name: string): string {
  return fileURLToPath(new URL(name, samplesDir));
}

/** A path as short as it can be shown: relative to the working directory when that is shorter. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== "" && rel.length < path.length ? rel : path;
}
