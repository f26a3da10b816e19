import { ZErrorEnvelope, ZSetupStatus } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { IdentitySettingsService } from "../identity-settings/index.ts";
import { can } from "../../lib/permissions.ts";
import { principalOf } from "../../plugins/auth.ts";
import { createSetupService } from "./setup.service.ts";
import { denied } from "../audit/index.ts";

/** Who sets an organization up, as the console's Get started page: admins and IT. */
const SETS_UP = ["policy.update", "people.manage", "systems.manage"] as const;

/**
 * `GET /setup`: the first-run checklist. Register under /api/v1. Only for those who set the
 * organization up (`policy.update`, `people.manage` or `systems.manage`): it names the identity
 * provider and counts every bot, which others do not read. Others get 403, audited.
 */
export function setupModule(deps: { db: Db; settings: Pick<IdentitySettingsService, "effective"> }) {
  const svc = createSetupService(deps);
  return async (app: FastifyInstance) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      "/setup",
      {
        schema: {
          operationId: "getSetupStatus",
          tags: ["setup"],
          summary: "The first-run checklist: SSO, SCIM or teams, connected systems, channel allowlist, first bot; each step done or not, from the org's state now (admins and IT: `policy.update`, `people.manage` or `systems.manage`)",
          response: { 200: ZSetupStatus, 401: ZErrorEnvelope, 403: ZErrorEnvelope },
        },
      },
      async (request) => {
        const ctx = { principal: principalOf(request), requestId: request.id };
        if (!SETS_UP.some((p) => can(ctx.principal, p)))
          throw await denied(deps.db, ctx, { action: "access.denied", resourceType: "setup", what: "read the first-run checklist" });
        return svc.status();
      },
    );
  };
}
