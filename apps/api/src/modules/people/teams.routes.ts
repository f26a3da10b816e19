import { ZCreateTeamRequest, ZErrorEnvelope, ZTeamDetail, ZUpdateTeamRequest } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { loadIdentitySettings } from "../identity-settings/index.ts";
import { principalOf } from "../../plugins/auth.ts";
import * as repo from "./people.repo.ts";
import type { TeamsService } from "./teams.service.ts";

const ZId = z.object({ id: z.uuid() });
const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });
const SCIM_NOTE = "While SCIM provisioning is on, or for a team SCIM provisioned, answers 409 `conflict`: the identity provider manages it.";

/** Team management for admins and IT (`people.manage`) while teams do not come from SCIM. */
export function teamsRoutes(deps: { db: Db; svc: TeamsService }) {
  const { db, svc } = deps;
  const detail = async (id: string) => (await repo.getTeamDetail(db, id, (await loadIdentitySettings(db)).scimEnabled))!;
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      "/teams",
      {
        schema: {
          operationId: "createTeam",
          tags: ["people"],
          summary: "Create a team (admins, IT)",
          description: `The slug is made from the name unless given; a name or slug in use answers 409. ${SCIM_NOTE}`,
          body: ZCreateTeamRequest,
          response: { 201: ZTeamDetail, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope, 409: ZErrorEnvelope },
        },
      },
      async (request, reply) => reply.code(201).send(await detail(await svc.create(ctx(request), request.body))),
    );
    r.patch(
      "/teams/:id",
      {
        schema: {
          operationId: "updateTeam",
          tags: ["people"],
          summary: "Rename a team (admins, IT); the slug stays",
          description: SCIM_NOTE,
          params: ZId,
          body: ZUpdateTeamRequest,
          response: { 200: ZTeamDetail, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope, 409: ZErrorEnvelope },
        },
      },
      async (request) => {
        await svc.update(ctx(request), request.params.id, request.body);
        return detail(request.params.id);
      },
    );
    r.delete(
      "/teams/:id",
      {
        schema: {
          operationId: "deleteTeam",
          tags: ["people"],
          summary: "Delete a team with no bots and no members (admins, IT)",
          description: `A team with bots or members answers 409 with \`details.usage\`. ${SCIM_NOTE}`,
          params: ZId,
          response: { 204: z.null(), 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope, 409: ZErrorEnvelope },
        },
      },
      async (request, reply) => {
        await svc.remove(ctx(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
