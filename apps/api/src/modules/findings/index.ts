import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { findingsRoutes } from "./findings.routes.ts";
import { createFindingsService } from "./findings.service.ts";

/**
 * Findings follow from domain events (findings.subscriber.ts); the whole-inventory recompute is
 * for startup and the scheduled job, the incremental one for benches and tests that measure it.
 */
export { recomputeFindings, recomputeFindingsFor } from "./findings.service.ts";
export { registerFindingsSubscriber } from "./findings.subscriber.ts";

/** The findings routes, wired with their service. Register under /api/v1. */
export function findingsModule(deps: { db: Db }): (app: FastifyInstance) => Promise<void> {
  return findingsRoutes(createFindingsService(deps));
}
