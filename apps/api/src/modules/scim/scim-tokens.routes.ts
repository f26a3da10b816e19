import { ZCreateScimTokenRequest, ZCreatedScimToken, ZErrorEnvelope, ZScimToken } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import { createScimTokensService } from "./scim-tokens.service.ts";

/** Admin API for SCIM tokens (permission `identity.manage`), under /api/v1. */
export function scimTokenRoutes(deps: { db: Db }) {
  const svc = createScimTokensService(deps);
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });
    r.get(
      "/scim-tokens",
      {
        schema: {
          operationId: "listScimTokens",
          tags: ["identity"],
          summary: "SCIM tokens, newest first, revoked ones included (admin; values are never shown again)",
          response: { 200: z.object({ items: z.array(ZScimToken) }), 401: ZErrorEnvelope, 403: ZErrorEnvelope },
        },
      },
      async (request) => ({ items: await svc.list(ctx(request)) }),
    );
    r.post(
      "/scim-tokens",
      {
        schema: {
          operationId: "createScimToken",
          tags: ["identity"],
          summary: "Create a SCIM token for an identity provider (admin); the value is in this answer only",
          body: ZCreateScimTokenRequest,
          response: { 201: ZCreatedScimToken, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope },
        },
      },
      async (request, reply) => reply.code(201).send(await svc.create(ctx(request), request.body)),
    );
    r.delete(
      "/scim-tokens/:id",
      {
        schema: {
          operationId: "revokeScimToken",
          tags: ["identity"],
          summary: "Revoke a SCIM token at once (admin); /scim/v2 answers 401 to it from then on",
          params: z.object({ id: z.uuid() }),
          response: { 204: z.null(), 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope },
        },
      },
      async (request, reply) => {
        await svc.revoke(ctx(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
