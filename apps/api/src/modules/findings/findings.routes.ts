import { ZErrorEnvelope, ZFindingPage, ZFindingsOverview, ZListFindingsQuery } from "@bridle/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { principalOf } from "../../plugins/auth.ts";
import type { FindingsService } from "./findings.service.ts";

/** Findings: permission `bots.read_all` sees every bot; everyone else their own bots. */
export function findingsRoutes(svc: FindingsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      "/findings",
      {
        schema: {
          operationId: "listFindings",
          tags: ["findings"],
          summary: "Every finding, one row each, ordered by bot name; filter by `kind`",
          querystring: ZListFindingsQuery,
          response: { 200: ZFindingPage, 400: ZErrorEnvelope, 401: ZErrorEnvelope },
        },
      },
      async (request) => svc.list(principalOf(request), request.query),
    );
    r.get(
      "/findings/overview",
      {
        schema: {
          operationId: "getFindingsOverview",
          tags: ["findings"],
          summary: "How many bots have each kind of finding",
          response: { 200: ZFindingsOverview, 401: ZErrorEnvelope },
        },
      },
      async (request) => svc.overview(principalOf(request)),
    );
  };
}
