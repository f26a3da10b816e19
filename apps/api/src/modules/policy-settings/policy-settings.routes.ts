import { ZErrorEnvelope, ZPolicyResponse, ZUpdateOrgPolicyRequest } from "@bridle/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { PolicySettingsService } from "./policy-settings.service.ts";

export function policySettingsRoutes(svc: PolicySettingsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      "/policy",
      {
        schema: {
          operationId: "getPolicy",
          tags: ["policy"],
          summary: "Org policy (naming rule, bot email domain, channels, review interval) and the connected systems' classifications",
          response: { 200: ZPolicyResponse, 401: ZErrorEnvelope },
        },
      },
      async () => svc.get(),
    );
    r.patch(
      "/policy",
      {
        schema: {
          operationId: "updatePolicy",
          tags: ["policy"],
          summary: "Change org policy (admin); findings are recomputed at once. `recomputed` = bots whose findings changed",
          body: ZUpdateOrgPolicyRequest,
          response: {
            200: ZPolicyResponse.extend({ recomputed: z.number().int() }),
            400: ZErrorEnvelope,
            401: ZErrorEnvelope,
            403: ZErrorEnvelope,
          },
        },
      },
      async (request) => svc.update({ principal: principalOf(request), requestId: request.id }, request.body),
    );
  };
}
