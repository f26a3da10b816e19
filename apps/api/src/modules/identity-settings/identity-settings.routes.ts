import { ZBreakGlassEvent, ZErrorEnvelope, ZIdentitySettings, ZUpdateIdentitySettingsRequest } from "@bridle/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { IdentitySettingsService } from "./identity-settings.service.ts";

const errors = { 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope };

/** `/api/v1/identity-settings`: SSO, role mapping, provisioning, sessions, break-glass account (permission `identity.manage`). */
export function identitySettingsRoutes(svc: IdentitySettingsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      "/identity-settings",
      {
        schema: {
          operationId: "getIdentitySettings",
          tags: ["identity"],
          summary: "Identity settings; the client secret is never returned (`clientSecretSet` says whether one is stored)",
          response: { 200: ZIdentitySettings, ...errors },
        },
      },
      async (request) => svc.get({ principal: principalOf(request), requestId: request.id }),
    );
    r.patch(
      "/identity-settings",
      {
        schema: {
          operationId: "updateIdentitySettings",
          tags: ["identity"],
          summary: "Changes identity settings (permission `identity.manage`); audited `identity_settings.update` without the secret",
          description:
            "`clientSecret` is write-only and stored AES-256-GCM encrypted with BRIDLE_ENCRYPTION_KEY; without that key it is refused (400). " +
            "While BRIDLE_OIDC_ISSUER is set (`managedBy: environment`), changing ssoEnabled, issuerUrl, clientId, clientSecret, scopes, " +
            "groupsClaim or roleMapping answers 409 (unchanged values are accepted and ignored). The bootstrap admin can be disabled " +
            "only while SSO is enabled and configured.",
          body: ZUpdateIdentitySettingsRequest,
          response: { 200: ZIdentitySettings, ...errors, 409: ZErrorEnvelope },
        },
      },
      async (request) => svc.update({ principal: principalOf(request), requestId: request.id }, request.body),
    );
    r.get(
      "/identity-settings/break-glass-events",
      {
        schema: {
          operationId: "listBreakGlassEvents",
          tags: ["identity"],
          summary: "Every use of the local bootstrap admin (sign-ins and refusals, sign-outs, API token uses), newest first",
          description: "Successful API token uses are recorded at most once a minute per token; refused ones every time.",
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: { 200: z.object({ items: z.array(ZBreakGlassEvent) }), ...errors },
        },
      },
      async (request) => svc.breakGlassEvents({ principal: principalOf(request), requestId: request.id }, request.query.limit),
    );
  };
}
