import { ZApiToken, ZCreateApiTokenRequest, ZCreatedApiToken, ZErrorEnvelope } from "@bridle/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { TokensService } from "./tokens.service.ts";

/** The signed-in person's own API tokens (every person; no extra permission). */
export function tokensRoutes(svc: TokensService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: { id: string }) => ({ principal: principalOf(request as never), requestId: request.id });
    r.get(
      "/tokens",
      {
        schema: {
          operationId: "listApiTokens",
          tags: ["tokens"],
          summary: "Your personal API tokens (values are never shown again)",
          response: { 200: z.object({ items: z.array(ZApiToken) }), 401: ZErrorEnvelope },
        },
      },
      async (request) => ({ items: await svc.list(ctx(request)) }),
    );
    r.post(
      "/tokens",
      {
        schema: {
          operationId: "createApiToken",
          tags: ["tokens"],
          summary: "Create a personal API token scoped to some of your permissions; the value is in this answer only",
          body: ZCreateApiTokenRequest,
          response: { 201: ZCreatedApiToken, 400: ZErrorEnvelope, 401: ZErrorEnvelope },
        },
      },
      async (request, reply) => reply.code(201).send(await svc.create(ctx(request), request.body)),
    );
    r.delete(
      "/tokens/:id",
      {
        schema: {
          operationId: "revokeApiToken",
          tags: ["tokens"],
          summary: "Revoke one of your tokens at once",
          params: z.object({ id: z.uuid() }),
          response: { 204: z.null(), 401: ZErrorEnvelope, 404: ZErrorEnvelope },
        },
      },
      async (request, reply) => {
        await svc.revoke(ctx(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
