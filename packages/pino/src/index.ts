// @convergent/pino: Convergent's Logger on pino, and the audit trail read back from its JSON lines or built from a run's journal.

export { createPinoLogger, defaultRedactPaths, defaultSecretFields } from "./pinoLogger.js";
export type { PinoLogger, PinoLoggerOptions, RedactOption } from "./pinoLogger.js";
export { readAudit, auditTrail } from "./audit.js";
export { journalAuditTrail } from "./journalAudit.js";
export type { AuditEntry, AuditLog, AuditPolicy, AuditRecord, AuditTrail, SkippedLine } from "./audit.js";
