// Writing to stdout: buffered for big outputs, colours only on a terminal, and quiet when the reader goes away.
import { once } from "node:events";
import pc from "picocolors";

/** The colour functions of picocolors (identity functions when colours are off). */
export type Colors = ReturnType<typeof pc.createColors>;

/** True when text written to `stream` should carry colours: a terminal, and neither NO_COLOR nor TERM=dumb. */
export function colorEnabled(stream: { readonly isTTY?: boolean }): boolean {
  const env = process.env;
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  if (env["FORCE_COLOR"] !== undefined && env["FORCE_COLOR"] !== "0" && env["FORCE_COLOR"] !== "") return true;
  return stream.isTTY === true && env["TERM"] !== "dumb";
}

/** Colours for text written to `stream`. */
export function colorsFor(stream: { readonly isTTY?: boolean }): Colors {
  return pc.createColors(colorEnabled(stream));
}

/** Text output that collects small writes into large ones. */
export interface Output {
  /** Writes text (add the newline yourself). */
  write(text: string): void;
  /** Writes whatever is buffered and waits until the stream has taken it. */
  flush(): Promise<void>;
}

const bufferLimit = 64 * 1024;

/**
 * Creates an output on `stream`. With `buffered` (the default), writes made while one chunk of input is
 * processed are gathered and written together once the event loop turns (or at 64 KiB): a million decision
 * lines become a few thousand writes, and a task piped in on its own is still answered at once.
 */
export function createOutput(stream: NodeJS.WritableStream, options: { readonly buffered?: boolean } = {}): Output {
  const buffered = options.buffered ?? true;
  let pending = "";
  let scheduled = false;
  const writePending = () => {
    scheduled = false;
    if (pending === "") return true;
    const text = pending;
    pending = "";
    return stream.write(text);
  };
  return {
    write(text) {
      if (!buffered) {
        stream.write(text);
        return;
      }
      pending += text;
      if (pending.length >= bufferLimit) writePending();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(writePending);
      }
    },
    async flush() {
      if (!writePending()) await once(stream, "drain");
    },
  };
}

let guarded = false;

/**
 * Makes a closed stdout (`convergent route --json big.jsonl | head`) end the process quietly instead of
 * with an EPIPE stack trace.
 */
export function exitQuietlyOnEpipe(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") process.exit(0);
    process.stderr.write(`convergent: cannot write to stdout: ${error.message}\n`);
    process.exit(1);
  });
}
