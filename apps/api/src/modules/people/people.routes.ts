import {
  changesBetween,
  ZErrorEnvelope,
  ZListPeopleQuery,
  ZPerson,
  ZPersonDetail,
  ZTeamDetail,
  ZTeamList,
  ZUpdatePersonRequest,
  page,
} from "@bridle/contracts";
import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { loadIdentitySettings } from "../identity-settings/index.ts";
import { AppError, notFound } from "../../lib/errors.ts";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { can } from "../../lib/permissions.ts";
import { principalOf } from "../../plugins/auth.ts";
import { actorOf, denied, recordAudit } from "../audit/index.ts";
import * as repo from "./people.repo.ts";

const ZId = z.object({ id: z.uuid() });

/**
 * People and teams. Every signed-in person may list them (an owner picks a bot's owner and team);
 * changing roles needs `identity.manage` (admins). Provisioning itself comes from SCIM.
 */
export function peopleRoutes(deps: { db: Db }) {
  const { db } = deps;
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      "/people",
      {
        schema: {
          operationId: "listPeople",
          tags: ["people"],
          summary: "People ordered by email; filter by status, role, team; `q` searches name and email",
          description:
            "Every signed-in person may list the directory. Without `people.read_all`, roles, manager, last sign-in and bots owned are left empty (and `source` is `directory`).",
          querystring: ZListPeopleQuery,
          response: { 200: page(ZPerson), 400: ZErrorEnvelope, 401: ZErrorEnvelope },
        },
      },
      async (request) => {
        const q = request.query;
        const principal = principalOf(request);
        // Filtering by role would reveal who holds which role: that needs people.read_all too.
        if (q.role && !can(principal, "people.read_all"))
          throw await denied(db, { principal, requestId: request.id }, { action: "person.read", resourceType: "person", what: "filter people by role" });
        const c = decodeCursor(q.cursor);
        const rows = await repo.listPeople(db, { ...q, after: c && typeof c.k === "string" ? c.k : null });
        // The directory (name, email, status, team) is for everyone, e.g. to pick a new owner;
        // roles, manager, sign-ins and bot counts need `people.read_all`.
        const full = can(principalOf(request), "people.read_all");
        const items = rows
          .slice(0, q.limit)
          .map((p) => (full ? p : { ...p, roles: [], manager: null, lastSignInAt: null, botsOwned: 0, source: "directory" }));
        const last = items[items.length - 1];
        return { items, nextCursor: rows.length > items.length && last ? encodeCursor({ k: last.email.toLowerCase(), id: last.id }) : null };
      },
    );
    r.get(
      "/people/:id",
      {
        schema: {
          operationId: "getPerson",
          tags: ["people"],
          summary: "A person with their teams, manager, bots and sign-in history (yourself, or anyone with `people.read_all`)",
          params: ZId,
          response: { 200: ZPersonDetail, 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope },
        },
      },
      async (request) => {
        const ctx = { principal: principalOf(request), requestId: request.id };
        const person = await repo.getPersonDetail(db, request.params.id);
        if (!person) throw notFound("Person");
        if (person.id !== ctx.principal.personId && !can(ctx.principal, "people.read_all"))
          throw await denied(db, ctx, { action: "person.read", resourceType: "person", resourceId: person.id, what: "read other people's details" });
        return person;
      },
    );
    r.patch(
      "/people/:id",
      {
        schema: {
          operationId: "updatePerson",
          tags: ["people"],
          summary: "Set a person's Bridle roles (admins). With SSO role mapping, the next sign-in applies the mapping again",
          params: ZId,
          body: ZUpdatePersonRequest,
          response: { 200: ZPersonDetail, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope },
        },
      },
      async (request) => {
        const ctx = { principal: principalOf(request), requestId: request.id };
        const id = request.params.id;
        if (!can(ctx.principal, "identity.manage"))
          throw await denied(db, ctx, { action: "person.update", resourceType: "person", resourceId: id, what: "change roles" });
        const roles = [...new Set(request.body.roles)];
        await db.transaction(async (tx) => {
          const before = await repo.getPersonDetail(tx, id);
          if (!before) throw notFound("Person");
          if (before.isBootstrapAdmin && !roles.includes("admin"))
            throw new AppError("validation_failed", "The bootstrap admin is the break-glass account and keeps the admin role; disable it in Settings instead");
          await repo.setRoles(tx, id, roles);
          await recordAudit(tx, {
            actor: actorOf(ctx.principal),
            action: "person.update",
            resourceType: "person",
            resourceId: id,
            outcome: "success",
            requestId: ctx.requestId,
            details: { email: before.email, changes: changesBetween({ roles: before.roles }, { roles }) },
          });
        });
        return (await repo.getPersonDetail(db, id))!;
      },
    );
    r.get(
      "/teams",
      {
        schema: {
          operationId: "listTeams",
          tags: ["people"],
          summary: "Teams with their active members and bots, and who manages each (Bridle, or the identity provider over SCIM)",
          response: { 200: ZTeamList, 401: ZErrorEnvelope },
        },
      },
      async () => {
        const { scimEnabled } = await loadIdentitySettings(db);
        return { items: await repo.listTeams(db, scimEnabled), scimEnabled };
      },
    );
    r.get(
      "/teams/:id",
      {
        schema: {
          operationId: "getTeam",
          tags: ["people"],
          summary: "A team and its members",
          params: ZId,
          response: { 200: ZTeamDetail, 401: ZErrorEnvelope, 404: ZErrorEnvelope },
        },
      },
      async (request) => {
        const team = await repo.getTeamDetail(db, request.params.id, (await loadIdentitySettings(db)).scimEnabled);
        if (!team) throw notFound("Team");
        return team;
      },
    );
  };
}
