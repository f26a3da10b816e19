import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { skillsRoutes } from "./skills.routes.ts";
import { createSkillsService } from "./skills.service.ts";

/**
 * The skills module's door. It owns `skills` (the skills and plugins registry); a bot's allowed
 * tools stay in its runtime profile (bots module) and refer to entries by `name@version`.
 * - routes: `skillsModule` (`/skills`, `/bots/{id}/skills`);
 * - commands: `seedSkills` (the bootstrap: an organization file's `skills:` block).
 * Writes that can change a version's status emit `skill.changed` naming the bots that use it;
 * the findings subscriber recomputes their `unapproved_skill` finding in the same transaction.
 */
export { createSkillsService, seedSkills, type SeedSkill, type SkillsService } from "./skills.service.ts";
export { skillsRoutes } from "./skills.routes.ts";

/** The skills routes, wired with their service. Register under /api/v1 (human auth). */
export function skillsModule(deps: { db: Db }): (app: FastifyInstance) => Promise<void> {
  return skillsRoutes(createSkillsService(deps));
}
