import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { findingsRoutes } from "./findings.routes.ts";
import { createFindingsService } from "./findings.service.ts";

/**
 * The findings module's door. It owns no table: findings are derived data, stored on each bot
 * through the bots module's `storeFindings`.
 * - routes: `findingsModule` (`/findings`, wired with its service);
 * - subscriber: `registerFindingsSubscriber`: findings follow from domain events
 *   (findings.subscriber.ts), per affected bot and its identity sharers;
 * - commands: `recomputeFindings(tx, now?)`, every rule over the whole inventory inside the
 *   caller's transaction (startup, the scheduled job), and `recomputeFindingsFor(tx, botIds)`.
 */
export { findingsRoutes } from "./findings.routes.ts";
export { createFindingsService, recomputeFindings, recomputeFindingsFor, type FindingsService } from "./findings.service.ts";
export { registerFindingsSubscriber } from "./findings.subscriber.ts";

/** The findings routes, wired with their service. Register under /api/v1. */
export function findingsModule(deps: { db: Db }): (app: FastifyInstance) => Promise<void> {
  return findingsRoutes(createFindingsService(deps));
}
