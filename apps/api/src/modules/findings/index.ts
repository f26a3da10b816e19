/**
 * The findings module's door. It owns no table: findings are derived data, stored on each bot
 * through the bots module's `storeFindings`.
 * - routes: `findingsRoutes` (`/findings`), wired with `createFindingsService`;
 * - command: `recomputeFindings(tx, now?)`, which runs every rule over the inventory inside the
 *   caller's transaction.
 */
export { findingsRoutes } from "./findings.routes.ts";
export { createFindingsService, recomputeFindings, type FindingsService } from "./findings.service.ts";
