// Parsers for option values: a bad value is a usage error that names the option (exit code 2).
import { InvalidArgumentError } from "commander";

/**
 * A commander argument parser for whole numbers ≥ `min` (`1_000_000` and `1e6` are accepted);
 * anything else makes commander report `option '--max-changed <n>' argument 'abc' is invalid`.
 */
export function wholeNumber(min = 0): (value: string) => number {
  return (value: string) => {
    const text = value.trim().replaceAll("_", "");
    const n = text === "" ? Number.NaN : Number(text);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}.`);
    return n;
  };
}
