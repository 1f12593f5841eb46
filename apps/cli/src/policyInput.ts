// The `--policy P` option: a policy file, or the router's built-in default policy when none is given.
import { type Policy, defaultPolicy, loadPolicy } from "@convergent/router";

/**
 * Loads the policy named by `--policy`, or the built-in default. A missing or invalid file throws the
 * router's ConvergentError, which the CLI prints as `file:line: path: message` lines (exit code 1).
 */
export async function policyFromOption(path: string | undefined): Promise<Policy> {
  return path === undefined ? defaultPolicy() : loadPolicy(path);
}
