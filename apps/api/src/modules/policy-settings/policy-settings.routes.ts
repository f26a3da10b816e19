import { ZErrorEnvelope, ZPolicyResponse, ZPolicyVersionDetail, ZPolicyVersionSummary, ZUpdateOrgPolicyRequest } from "@bridle/contracts";
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
    r.get(
      "/policy/versions",
      {
        schema: {
          operationId: "listPolicyVersions",
          tags: ["policy"],
          summary: "Every kept version of the org policy, newest first: who saved it, when, and how (update, rollback, baseline)",
          response: { 200: z.object({ items: z.array(ZPolicyVersionSummary) }), 401: ZErrorEnvelope },
        },
      },
      async () => svc.versions(),
    );
    r.get(
      "/policy/versions/:version",
      {
        schema: {
          operationId: "getPolicyVersion",
          tags: ["policy"],
          summary: "One version of the org policy in full, with its diff against the version kept before it",
          params: z.object({ version: z.coerce.number().int().min(1).max(2_147_483_647) }),
          response: { 200: ZPolicyVersionDetail, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 404: ZErrorEnvelope },
        },
      },
      async (request) => svc.version(request.params.version),
    );
    r.post(
      "/policy/versions/:version/rollback",
      {
        schema: {
          operationId: "rollbackPolicy",
          tags: ["policy"],
          summary: "Roll the org policy back to a version's content (admin): one action, a new version, findings recomputed, audited as `policy.rollback`",
          params: z.object({ version: z.coerce.number().int().min(1).max(2_147_483_647) }),
          response: { 200: ZPolicyResponse.extend({ recomputed: z.number().int() }), 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope },
        },
      },
      async (request) => svc.rollback({ principal: principalOf(request), requestId: request.id }, request.params.version),
    );
  };
}
