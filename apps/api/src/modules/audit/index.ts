/** The audit module: its routes (reading the log); writers use `recordAudit` from the repo for now. */
export { auditRoutes } from "./audit.routes.ts";
