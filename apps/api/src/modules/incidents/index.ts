import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { incidentsRoutes } from "./incidents.routes.ts";
import { createIncidentsService } from "./incidents.service.ts";

/**
 * The incidents module's door. It owns `incidents`, `incident_bots` and `incident_evidence`:
 * nothing outside this module writes them.
 * - routes: `incidentsModule` (`/incidents`, `/incidents/{id}`, `/incidents/{id}/evidence`,
 *   `/incidents/{id}/summary`);
 * - query: `declaredSince(db, since)`: incidents and drills declared since then (the readiness
 *   overview's "an incident process exists");
 * - no commands. It reads the bots (`getBotDetail`) and the audit log (`auditFootprint`,
 *   `auditEventsByIds`) through those modules' queries to compute an incident's blast radius and
 *   show its evidence, and records its own `incident.*` audit events.
 */
export function incidentsModule(deps: { db: Db }): (app: FastifyInstance) => Promise<void> {
  return incidentsRoutes(createIncidentsService(deps));
}
export { BLAST_RADIUS_LOOKBACK_HOURS } from "./incidents.service.ts";
export { declaredSince } from "./incidents.repo.ts";
