import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { systemsRoutes } from "./systems.routes.ts";
import { createSystemsService } from "./systems.service.ts";

/**
 * The systems module's door. It owns `connected_systems`.
 * Commands other modules call inside their own transaction (the import, org policy, the first-run
 * checklist, the bootstrap seed).
 */
export { countSystems, listSystems, setSystemClassification, upsertSystems } from "./systems.service.ts";
export { seedSystems } from "./systems.repo.ts";

/** The connected system catalog's routes, wired with their service. Register under /api/v1. */
export function systemsModule(deps: { db: Db }): (app: FastifyInstance) => Promise<void> {
  return systemsRoutes(createSystemsService(deps));
}
