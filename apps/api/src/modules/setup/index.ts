import { ZErrorEnvelope, ZSetupStatus } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { IdentitySettingsService } from "../sso/identity-settings.service.ts";
import { createSetupService } from "./setup.service.ts";

/** `GET /setup`: the first-run checklist. Register under /api/v1. */
export function setupModule(deps: { db: Db; settings: Pick<IdentitySettingsService, "effective"> }) {
  const svc = createSetupService(deps);
  return async (app: FastifyInstance) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      "/setup",
      {
        schema: {
          operationId: "getSetupStatus",
          tags: ["setup"],
          summary: "The first-run checklist: SSO, SCIM or teams, connected systems, channel allowlist, first bot; each step done or not, from the org's state now",
          response: { 200: ZSetupStatus, 401: ZErrorEnvelope },
        },
      },
      async () => svc.status(),
    );
  };
}
