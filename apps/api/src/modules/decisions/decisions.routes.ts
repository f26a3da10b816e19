import { ZDecision, ZDecisionRequest, ZErrorEnvelope } from "@bridle/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { decisionDuration } from "../../lib/metrics.ts";
import type { Jwks } from "../../lib/signing.ts";
import { botCallerOf } from "./bot-auth.ts";
import type { DecisionsService } from "./decisions.service.ts";

/**
 * `POST /decisions`: an agent runtime asks whether its bot may act. Bot runtime token only
 * (registered in the runtime scope, see bot-auth.ts); people get 401.
 */
export function decisionsRoutes(svc: DecisionsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      "/decisions",
      {
        config: { callers: "bot" },
        // The answer is built field by field by the service (typed TDecision, the signed payload
        // plus its signature), so it is written with plain JSON.stringify instead of re-checked by
        // zod on every decision (the response schema still documents it in OpenAPI;
        // decisions.int.test.ts parses answers with ZDecision).
        serializerCompiler: () => (data) => JSON.stringify(data),
        schema: {
          operationId: "decide",
          tags: ["decisions"],
          summary: "May this bot take this action? allow, deny or require_approval, signed (bot runtime token)",
          description:
            "Evaluated against the org policy, the bot's status, channels, grants and Golden Rule exception, and the gated-action rules. " +
            "A gated action in `require_approval` mode opens one approval request per `requestId` (retries return the same one); " +
            "once approved, the same `requestId` with the same parameters is allowed once. Every decision is recorded and audited before it is answered. " +
            "`signature` is a compact JWS (EdDSA / Ed25519, header `typ: bridle-decision+jws`) whose payload is the other fields; verify it with `/.well-known/jwks.json`.",
          security: [{ bearer: [] }],
          body: ZDecisionRequest,
          response: { 200: ZDecision, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 503: ZErrorEnvelope },
        },
      },
      async (request) => {
        const started = performance.now();
        const answer = await svc.evaluate(botCallerOf(request), request.body, request.id);
        decisionDuration.observe({ verdict: answer.decision }, (performance.now() - started) / 1000);
        return answer;
      },
    );
  };
}

const ZJwks = z
  .object({
    keys: z.array(
      z.object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: z.string(), kid: z.string(), alg: z.literal("EdDSA"), use: z.literal("sig") }),
    ),
  })
  .meta({ id: "Jwks" });

/** `GET /.well-known/jwks.json`: the public keys that verify decision signatures. Public, no auth. */
export function jwksRoute(jwks: () => Jwks) {
  return async (app: FastifyInstance) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      "/.well-known/jwks.json",
      {
        schema: {
          operationId: "getJwks",
          tags: ["decisions"],
          summary: "Public keys (JWKS) that verify decision signatures offline",
          security: [],
          response: { 200: ZJwks, 503: ZErrorEnvelope },
        },
      },
      async (_request, reply) => {
        reply.header("cache-control", "public, max-age=300");
        return jwks();
      },
    );
  };
}
