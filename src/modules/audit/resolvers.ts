export { AuditResolver } from "./audit.resolver";
