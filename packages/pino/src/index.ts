// @convergent/pino: Convergent's Logger on pino, and the audit trail read back from its JSON lines.

export { createPinoLogger, defaultRedactPaths, defaultSecretFields } from "./pinoLogger.js";
export type { PinoLogger, PinoLoggerOptions, RedactOption } from "./pinoLogger.js";
export { readAudit, auditTrail } from "./audit.js";
export type { AuditEntry, AuditLog, AuditPolicy, AuditRecord, AuditTrail, SkippedLine } from "./audit.js";
