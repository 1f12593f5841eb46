// What every command receives from `main`: where to report its exit code.

/** Shared state of one CLI invocation. */
export interface CliContext {
  /** Raises the exit code of the invocation (it never goes back down: a bad line stays a failure). */
  fail(code: number): void;
}

/** Creates a context and a reader of the exit code it collected. */
export function createContext(): { readonly context: CliContext; exitCode(): number } {
  let code = 0;
  return {
    context: { fail: (c) => void (code = Math.max(code, c)) },
    exitCode: () => code,
  };
}
