// The runtime's Logger port on pino: one JSON line per event with stable field names, secrets redacted,
// pretty output only when asked for.
import { ConvergentError } from "@convergent/router";
import type { Clock, LogFields, Logger } from "@convergent/runtime";
import PinoPretty from "pino-pretty";
import pino, { type DestinationStream, type LevelWithSilent, type Logger as Pino, type LoggerOptions } from "pino";

/**
 * Field names redacted by default, at the top level of a record and one level down (`apiKey` and
 * `*.apiKey`): the usual names of credentials that might reach a log through task inputs or agent options.
 */
export const defaultSecretFields: readonly string[] = [
  "apiKey",
  "api_key",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "password",
  "secret",
  "clientSecret",
  "client_secret",
  "authorization",
  "Authorization",
  "cookie",
];

/** pino redact paths for {@link defaultSecretFields}: `apiKey`, `*.apiKey`, … */
export const defaultRedactPaths: readonly string[] = defaultSecretFields.flatMap((name) => [name, `*.${name}`]);

/** What {@link createPinoLogger} redacts: pino's redact paths, or its options object. `false` redacts nothing. */
export type RedactOption = readonly string[] | { readonly paths: readonly string[]; readonly censor?: string; readonly remove?: boolean } | false;

/** Options of {@link createPinoLogger}. */
export interface PinoLoggerOptions {
  /**
   * An existing pino logger to write through (a child of it is used). `destination`, `format` and `clock` do
   * not apply then — that logger's own setup decides them; `level`, `redact` and `base` do.
   */
  readonly pino?: Pino;
  /**
   * Where lines go: a stream (anything with `write(line)`), a file descriptor (1 = stdout, 2 = stderr) or a
   * file path (created with its directory). Standard output by default. Descriptors and files are written
   * synchronously, so no audit line is lost when the process dies.
   */
  readonly destination?: DestinationStream | number | string;
  /** Lowest level written: `info` by default. The runtime logs at `info`, `warn` and `error`. */
  readonly level?: LevelWithSilent;
  /** Secrets to redact, as pino redact paths; {@link defaultRedactPaths} by default. Given paths replace the defaults. */
  readonly redact?: RedactOption;
  /** `json` (default): one pino JSON line per event. `pretty`: pino-pretty's human-readable lines, for a terminal. */
  readonly format?: "json" | "pretty";
  /** Fields added to every record (service name, deployment…). pino's `pid` and `hostname` by default. */
  readonly base?: Readonly<Record<string, unknown>>;
  /** Colors in pretty output; pino-pretty's detection by default. */
  readonly colorize?: boolean;
  /** Where record times come from (epoch ms); the system clock by default. Inject a manual clock in tests. */
  readonly clock?: Clock;
}

/** A runtime {@link Logger} that writes through pino; `pino` is the logger underneath, `flush` empties its buffers. */
export interface PinoLogger extends Logger {
  readonly pino: Pino;
  flush(): void;
}

const redactOf = (redact: RedactOption | undefined): LoggerOptions["redact"] => {
  if (redact === false) return undefined;
  if (redact === undefined) return [...defaultRedactPaths];
  if (Array.isArray(redact)) return [...(redact as readonly string[])];
  const options = redact as Exclude<RedactOption, false | readonly string[]>;
  return { paths: [...options.paths], ...(options.censor === undefined ? {} : { censor: options.censor }), ...(options.remove === undefined ? {} : { remove: options.remove }) };
};

const sink = (destination: PinoLoggerOptions["destination"]): DestinationStream => {
  if (destination === undefined) return pino.destination({ dest: 1, sync: true });
  if (typeof destination === "number") return pino.destination({ dest: destination, sync: true });
  if (typeof destination === "string") return pino.destination({ dest: destination, sync: true, mkdir: true });
  return destination;
};

/**
 * A runtime {@link Logger} on pino. Each record carries `event` (the runtime's event name, also pino's
 * `msg`) and the runtime's fields under their own names — `runId`, `taskId`, `checkpointId`, `reviewer`,
 * `route`, … — at the level the runtime chose (`info`, `warn`, `error`). Lines are pino JSON that
 * {@link readAudit} reads back.
 *
 * @example
 * ```ts
 * import { createRouter } from "@convergent/router";
 * import { createMemoryStore, createRuntime } from "@convergent/runtime";
 * import { createPinoLogger } from "@convergent/pino";
 *
 * const logger = createPinoLogger({ destination: ".convergent/audit.log", base: { service: "billing" } });
 * const runtime = createRuntime({ router: createRouter(), store: createMemoryStore(), logger });
 * ```
 */
export function createPinoLogger(options: PinoLoggerOptions = {}): PinoLogger {
  const redact = redactOf(options.redact);
  let logger: Pino;
  if (options.pino !== undefined) {
    const conflicting = (["destination", "format", "clock"] as const).filter((key) => options[key] !== undefined);
    if (conflicting.length > 0) {
      throw new ConvergentError(
        "INVALID_INPUT",
        `createPinoLogger: ${conflicting.join(", ")} cannot be applied to an existing pino logger; configure them on that logger, or pass them without \`pino\``,
      );
    }
    logger = options.pino.child({ ...options.base }, { ...(options.level === undefined ? {} : { level: options.level }), ...(redact === undefined ? {} : { redact }) });
  } else {
    const clock = options.clock;
    const pinoOptions: LoggerOptions = {
      level: options.level ?? "info",
      ...(redact === undefined ? {} : { redact }),
      ...(options.base === undefined ? {} : { base: { ...options.base } }),
      ...(clock === undefined ? {} : { timestamp: () => `,"time":${clock.now()}` }),
    };
    const out = sink(options.destination);
    if (options.format === "pretty") {
      // prettyFactory formats each line synchronously, so pretty output keeps the order and durability of JSON lines.
      const prettify = PinoPretty.prettyFactory({ ignore: "pid,hostname", ...(options.colorize === undefined ? {} : { colorize: options.colorize }) });
      logger = pino(pinoOptions, { write: (line: string) => out.write(prettify(line)) });
    } else {
      logger = pino(pinoOptions, out);
    }
  }
  // `event` goes last so a field called `event` cannot hide the real event name.
  const write = (level: "info" | "warn" | "error") => (event: string, fields: LogFields = {}) => {
    logger[level]({ ...fields, event }, event);
  };
  return { pino: logger, info: write("info"), warn: write("warn"), error: write("error"), flush: () => logger.flush() };
}
