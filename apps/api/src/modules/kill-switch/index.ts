/**
 * The kill-switch module's door. It owns `kill_switches` and `kill_switch_settings`: nothing
 * outside this module writes them (the decision snapshot reads the engaged switches, see
 * docs/ARCHITECTURE.md "Exceptions").
 * - routes: `killSwitchModule` (`/kill-switch...`, and `/runbook`, the on-call runbook generated
 *   from data), wired with `createKillSwitchService` and `createRunbookService`.
 */
import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { killSwitchRoutes } from "./kill-switch.routes.ts";
import { createKillSwitchService } from "./kill-switch.service.ts";
import { createRunbookService } from "./runbook.service.ts";

export { createKillSwitchService, type KillSwitchService } from "./kill-switch.service.ts";

/** The kill switch routes, wired with their service. Register under /api/v1. */
export function killSwitchModule(deps: { db: Db; publicUrl: string | undefined }): (app: FastifyInstance) => Promise<void> {
  return killSwitchRoutes(createKillSwitchService(deps), createRunbookService(deps));
}
