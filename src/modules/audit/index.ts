/* The audit log of mutations (who did what, arguments redacted), and its Apollo plugin. GraphQL: ./resolvers.ts. */
export { AuditEntry, AppSecret } from "./audit.entity";
export { AuditService, AUDIT_LIMITS, redact, type AuditRecord } from "./audit.service";
export { auditPlugin, auditRejectedMutation } from "./audit.plugin";
