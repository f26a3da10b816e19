import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { gatedActionsRoutes } from "./gated-actions.routes.ts";
import { createGatedActionsService } from "./gated-actions.service.ts";

/** The gated-action policy routes, wired with their service. Register under /api/v1. */
export function gatedActionsModule(deps: { db: Db }): (app: FastifyInstance) => Promise<void> {
  return gatedActionsRoutes(createGatedActionsService(deps));
}
