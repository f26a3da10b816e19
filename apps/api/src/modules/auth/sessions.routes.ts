import { ZErrorEnvelope, ZSession } from "@bridle/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { SessionsService } from "./sessions.service.ts";

const errors = { 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope };

/** `/api/v1/sessions`: list and end console sessions (own; anyone's with `sessions.manage`). */
export function sessionsRoutes(svc: SessionsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      "/sessions",
      {
        schema: {
          operationId: "listSessions",
          tags: ["auth"],
          summary: "Your live console sessions, newest first; `all=true` lists everyone's (permission `sessions.manage`)",
          querystring: z.object({ all: z.enum(["true", "false"]).default("false").transform((v) => v === "true") }),
          response: { 200: z.object({ items: z.array(ZSession) }), ...errors },
        },
      },
      async (request) => svc.list({ principal: principalOf(request), requestId: request.id }, request.query),
    );
    r.delete(
      "/sessions/:id",
      {
        schema: {
          operationId: "revokeSession",
          tags: ["auth"],
          summary: "Ends a session at once: your own, or anyone's with `sessions.manage`. Audited `session.revoke`",
          params: z.object({ id: z.uuid() }),
          response: { 204: z.null(), ...errors, 404: ZErrorEnvelope },
        },
      },
      async (request, reply) => {
        await svc.revoke({ principal: principalOf(request), requestId: request.id }, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
