import {
  ZBotSkills,
  ZCreateSkillRequest,
  ZErrorEnvelope,
  ZListSkillsQuery,
  ZSkill,
  ZSkillPage,
  ZSkillReviewRequest,
  ZUpdateSkillRequest,
} from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { SkillsService } from "./skills.service.ts";

const ZId = z.object({ id: z.uuid() });
const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });
const errors = { 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope };

/**
 * `/skills`: the skills and plugins registry. Reads for every signed-in person; registering and
 * editing need `skills.manage` (admins, security); reviewing needs `skills.review` (security).
 * `/bots/{id}/skills`: a bot's allowed tools against the registry (who may read the bot).
 */
export function skillsRoutes(svc: SkillsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      "/skills",
      {
        schema: {
          operationId: "listSkills",
          tags: ["skills"],
          summary: "The skills registry: every registered version by name (newest first), its review status and how many bots use it",
          querystring: ZListSkillsQuery,
          response: { 200: ZSkillPage, 400: ZErrorEnvelope, 401: ZErrorEnvelope },
        },
      },
      async (request) => svc.list(request.query),
    );
    r.get(
      "/skills/:id",
      {
        schema: {
          operationId: "getSkill",
          tags: ["skills"],
          summary: "One registry entry (one version of a skill)",
          params: ZId,
          response: { 200: ZSkill, 401: ZErrorEnvelope, 404: ZErrorEnvelope },
        },
      },
      async (request) => svc.get(request.params.id),
    );
    r.post(
      "/skills",
      {
        schema: {
          operationId: "createSkill",
          tags: ["skills"],
          summary: "Register one version of a skill (admins, security); it waits for security's review",
          description:
            "The version is exact (semver, no range or tag); the source fits its registry (npm package name, ClawHub or git URL). " +
            "400 `validation_failed` names the field (a value that looks like a secret is refused, never echoed); 409 `conflict` when the name and version are registered already. " +
            "Bots whose allowed tools name this version have their findings recomputed.",
          body: ZCreateSkillRequest,
          response: { 201: ZSkill, 400: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await svc.create(ctx(request), request.body)),
    );
    r.patch(
      "/skills/:id",
      {
        schema: {
          operationId: "updateSkill",
          tags: ["skills"],
          summary: "Change an entry's source, owner or notes (admins, security); a new source sends it back to review",
          params: ZId,
          body: ZUpdateSkillRequest,
          response: { 200: ZSkill, 400: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.update(ctx(request), request.params.id, request.body),
    );
    r.post(
      "/skills/:id/review",
      {
        schema: {
          operationId: "reviewSkill",
          tags: ["skills"],
          summary: "Approve or reject a skill version (security; not the person who registered it nor the skill's owner)",
          description:
            "Approving lets bots use the version: their `unapproved_skill` finding clears. Rejecting (also an approved version, to revoke it) raises it. " +
            "403 `forbidden` with `details.reason` (`not_reviewer`, `own_entry`, `own_skill`), audited; 409 when it already has that status.",
          params: ZId,
          body: ZSkillReviewRequest,
          response: { 200: ZSkill, 400: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.review(ctx(request), request.params.id, request.body),
    );
    r.get(
      "/bots/:id/skills",
      {
        schema: {
          operationId: "listBotSkills",
          tags: ["skills"],
          summary: "A bot's allowed tools and skills, each with its standing in the registry (approved, pending, rejected, unregistered, unpinned)",
          description: "The list is the bot's `runtimeProfile.allowedTools` (`name@version`), changed with PATCH /bots/{id} by its owner, admins and IT.",
          params: ZId,
          response: { 200: ZBotSkills, ...errors },
        },
      },
      async (request) => svc.botSkills(ctx(request), request.params.id),
    );
  };
}
