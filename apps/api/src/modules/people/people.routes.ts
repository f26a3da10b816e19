import { ZErrorEnvelope, ZPageQuery, ZPerson, ZTeam, page } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import * as repo from "./people.repo.ts";

/**
 * People and teams, readable by every signed-in person (an owner picks a bot's owner and team
 * from them). Provisioning comes with SCIM.
 */
export function peopleRoutes(deps: { db: Db }) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      "/people",
      {
        schema: {
          operationId: "listPeople",
          tags: ["people"],
          summary: "People ordered by email; `q` searches name and email",
          querystring: ZPageQuery.extend({ q: z.string().trim().max(200).optional() }),
          response: { 200: page(ZPerson), 400: ZErrorEnvelope, 401: ZErrorEnvelope },
        },
      },
      async (request) => {
        const c = decodeCursor(request.query.cursor);
        const rows = await repo.listPeople(deps.db, {
          limit: request.query.limit,
          after: c && typeof c.k === "string" ? c.k : null,
          q: request.query.q,
        });
        const items = rows.slice(0, request.query.limit);
        const last = items[items.length - 1];
        return {
          items,
          nextCursor: rows.length > items.length && last ? encodeCursor({ k: last.email.toLowerCase(), id: last.id }) : null,
        };
      },
    );
    r.get(
      "/teams",
      {
        schema: {
          operationId: "listTeams",
          tags: ["people"],
          summary: "Teams with their active members and bots",
          response: { 200: z.object({ items: z.array(ZTeam) }), 401: ZErrorEnvelope },
        },
      },
      async () => ({ items: await repo.listTeams(deps.db) }),
    );
  };
}
