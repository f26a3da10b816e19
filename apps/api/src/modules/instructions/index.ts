import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { instructionsRoutes, instructionsRuntimeRoutes } from "./instructions.routes.ts";
import { createInstructionsService } from "./instructions.service.ts";

/**
 * The instructions module's door. It owns `instruction_files` and `instruction_versions`: each
 * bot's persistent instruction files as versions (content, SHA-256, who, when, review).
 * - routes: `createInstructionsModule(...).routes` for the human `/api/v1` scope (files,
 *   history, one version, review setting, reviews) and `.runtimeRoutes` for the decisions
 *   module's runtime scope (bot tokens or people: the set current now or at T, uploads);
 * - no commands yet. Writes emit `instructions.changed`.
 */
export { createInstructionsService, type InstructionsCaller, type InstructionsService } from "./instructions.service.ts";

export function createInstructionsModule(deps: { db: Db }): { routes: (app: FastifyInstance) => Promise<void>; runtimeRoutes: (app: FastifyInstance) => Promise<void> } {
  const svc = createInstructionsService(deps);
  return { routes: instructionsRoutes(svc), runtimeRoutes: instructionsRuntimeRoutes(svc) };
}
