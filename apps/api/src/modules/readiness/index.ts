import { ZErrorEnvelope, ZReadiness } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { can } from "../../lib/permissions.ts";
import { principalOf } from "../../plugins/auth.ts";
import { denied } from "../audit/index.ts";
import { createReadinessService, type ReadinessProviders } from "./readiness.service.ts";

/**
 * The readiness module's door. It owns no table: a read model over the findings stored on each
 * bot and other modules' tables (readiness.repo.ts), computed on each request.
 * - routes: `readinessModule` (`GET /readiness`);
 * - for the wiring: `ReadinessProviders` / `ReadinessProbe`, how the alerts and incidents modules
 *   report their own control (absent, the control reads `not_applicable`).
 */
export { createReadinessService, READINESS_EXAMPLES, type ReadinessProbe, type ReadinessProviders, type ReadinessService } from "./readiness.service.ts";

/**
 * `GET /readiness`: is this organisation ready for broad production use of agents? One line per
 * control, from the org's data now. Register under /api/v1. For those who read every bot and
 * finding (`bots.read_all`: admins, security, IT, auditors), since it names failing bots; others
 * get 403, audited.
 */
export function readinessModule(deps: { db: Db; providers?: ReadinessProviders }) {
  const svc = createReadinessService(deps);
  return async (app: FastifyInstance) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      "/readiness",
      {
        schema: {
          operationId: "getReadiness",
          tags: ["readiness"],
          summary:
            "The readiness overview: per control (runtime profile, own identity, named owner, credentials in a vault and rotated, gated actions defined and enforced, the Golden Rule, current reviews, no orphans, alerts, incident process), " +
            "its status (`pass`, `warn`, `fail`, `not_applicable`), counts, up to 5 examples and console links to what fails it; an overall verdict and a score in percent (`bots.read_all`)",
          response: { 200: ZReadiness, 401: ZErrorEnvelope, 403: ZErrorEnvelope },
        },
      },
      async (request) => {
        const ctx = { principal: principalOf(request), requestId: request.id };
        if (!can(ctx.principal, "bots.read_all"))
          throw await denied(deps.db, ctx, { action: "access.denied", resourceType: "readiness", what: "read the readiness overview" });
        return svc.overview();
      },
    );
  };
}
