import { ZBotToken, ZCreateBotTokenRequest, ZCreatedBotToken, ZErrorEnvelope } from "@bridle/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { BotTokensService } from "./bot-tokens.service.ts";

const errors = { 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope };

/**
 * A bot's runtime tokens (human auth). Permission: the bot's owner, or `bots.write_all` (admin, IT).
 */
export function botTokensRoutes(svc: BotTokensService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: { id: string }) => ({ principal: principalOf(request as never), requestId: request.id });
    r.get(
      "/bots/:id/tokens",
      {
        schema: {
          operationId: "listBotTokens",
          tags: ["bot-tokens"],
          summary: "A bot's runtime tokens, revoked and expired ones included (values are never shown again)",
          params: z.object({ id: z.uuid() }),
          response: { 200: z.object({ items: z.array(ZBotToken) }), ...errors },
        },
      },
      async (request) => ({ items: await svc.list(ctx(request), request.params.id) }),
    );
    r.post(
      "/bots/:id/tokens",
      {
        schema: {
          operationId: "createBotToken",
          tags: ["bot-tokens"],
          summary: "Create a runtime token for the bot (`brdl_bot_...`); the value is in this answer only",
          params: z.object({ id: z.uuid() }),
          body: ZCreateBotTokenRequest,
          response: { 201: ZCreatedBotToken, 400: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await svc.create(ctx(request), request.params.id, request.body)),
    );
    r.delete(
      "/bots/:id/tokens/:tokenId",
      {
        schema: {
          operationId: "revokeBotToken",
          tags: ["bot-tokens"],
          summary: "Revoke a runtime token at once: its next decision request gets 401",
          params: z.object({ id: z.uuid(), tokenId: z.uuid() }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await svc.revoke(ctx(request), request.params.id, request.params.tokenId);
        return reply.code(204).send(null);
      },
    );
  };
}
