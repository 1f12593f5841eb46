// The logger port: structured events with stable field names (runId, taskId, checkpointId, reviewer, route, event).

/** Fields of a log record. */
export type LogFields = Readonly<Record<string, unknown>>;

/** Where the runtime reports what it does; the pino adapter implements it. */
export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** A record kept by {@link createMemoryLogger}. */
export interface LogRecord {
  readonly level: "info" | "warn" | "error";
  readonly event: string;
  readonly fields: LogFields;
}

/** A logger that keeps records in memory (tests, embedding without a log sink). */
export function createMemoryLogger(): Logger & { readonly records: readonly LogRecord[] } {
  const records: LogRecord[] = [];
  const log = (level: LogRecord["level"]) => (event: string, fields: LogFields = {}) => {
    records.push({ level, event, fields });
  };
  return { records, info: log("info"), warn: log("warn"), error: log("error") };
}
