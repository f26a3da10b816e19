import { changesBetween } from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { recordAudit } from "../audit/index.ts";
import { ScimError, invalidValue, scimNotFound } from "./scim.errors.ts";
import { eqLookup, leavesOut, mentions, parseFilter, parsePaging, parseProjection, project } from "./scim.filter.ts";
import { listResponse, type ListQuery, type ScimCtx } from "./scim.list.ts";
import { field, groupResource, isObject, memberIdsOf } from "./scim.mapping.ts";
import { expandOps, planGroupPatch, readPatchBody, type GroupState } from "./scim.patch.ts";
import { directory as repo, slugify } from "../people/index.ts";
import { scimActor, type ScimClient } from "./scim-tokens.service.ts";

type Projection = { attributes?: string | undefined; excludedAttributes?: string | undefined };

/**
 * SCIM Groups are Bridle teams; group membership is team membership (a member without a primary
 * team gets this one). A new team's slug comes from its displayName and is unique; a rename keeps
 * the slug, which bot filters and imports use. displayName is unique case-insensitively, as
 * Entra ID requires to match groups.
 */
export function createScimGroupsService(deps: { db: Db }) {
  const { db } = deps;

  async function resources(rows: repo.TeamRow[], baseUrl: string, withMembers: boolean) {
    const members = withMembers ? await repo.membersOfTeams(db, rows.map((r) => r.id)) : undefined;
    return rows.map((r) => groupResource(r, members ? (members.get(r.id) ?? []) : undefined, baseUrl));
  }

  async function get(id: string, q: Projection, ctx: ScimCtx) {
    const p = parseProjection("Group", q);
    const [row] = await repo.listTeams(db, { ids: [id] });
    if (!row) throw scimNotFound("Group", id);
    const [resource] = await resources([row], ctx.baseUrl, !leavesOut(p, "members"));
    return project(resource!, p);
  }

  async function list(q: ListQuery, ctx: ScimCtx) {
    const paging = parsePaging(q);
    const p = parseProjection("Group", q);
    const withMembers = !leavesOut(p, "members");
    if (!q.filter) {
      const total = await repo.countTeams(db);
      const rows = paging.count ? await repo.listTeams(db, { page: { offset: paging.startIndex - 1, limit: paging.count } }) : [];
      return listResponse(total, paging, (await resources(rows, ctx.baseUrl, withMembers)).map((r) => project(r, p)));
    }
    const f = parseFilter("Group", q.filter);
    const rows = await repo.listTeams(db, { lookup: eqLookup(f) ?? undefined });
    const candidates = await resources(rows, ctx.baseUrl, mentions(f, "members"));
    const matched = rows.filter((_, i) => f.test(candidates[i]!));
    const pageRows = matched.slice(paging.startIndex - 1, paging.startIndex - 1 + paging.count);
    const out = await resources(pageRows, ctx.baseUrl, withMembers);
    return listResponse(matched.length, paging, out.map((r) => project(r, p)));
  }

  function readGroup(body: unknown): { displayName: string; externalId: string | null; members: string[] | undefined } {
    if (!isObject(body)) throw invalidValue("The body must be a SCIM Group object");
    const displayName = field(body, "displayName");
    if (typeof displayName !== "string" || !displayName.trim()) throw invalidValue("displayName is required");
    if (displayName.trim().length > 200) throw invalidValue("displayName is longer than 200 characters");
    const externalId = field(body, "externalId");
    if (externalId !== undefined && externalId !== null && typeof externalId !== "string") throw invalidValue("externalId must be a string");
    const members = field(body, "members");
    return {
      displayName: displayName.trim(),
      externalId: typeof externalId === "string" && externalId.trim() ? externalId.trim() : null,
      members: members === undefined ? undefined : memberIdsOf(members),
    };
  }

  async function freeSlug(tx: DbOrTx, name: string) {
    const base = slugify(name);
    const taken = await repo.slugsLike(tx, base);
    let slug = base;
    for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
    return slug;
  }

  /** Sets a team's members to `next`: unknown people are refused (400), the rest joined or removed. */
  async function setMembers(tx: DbOrTx, teamId: string, current: string[], next: string[]) {
    const added = next.filter((m) => !current.includes(m));
    const known = new Set(await repo.visiblePeopleIds(tx, added));
    const unknown = added.filter((m) => !known.has(m));
    if (unknown.length) throw invalidValue(`Unknown members (not SCIM Users here): ${unknown.join(", ")}`);
    const removed = current.filter((m) => !next.includes(m));
    return { added: await repo.addMembers(tx, teamId, added), removed: await repo.removeMembers(tx, teamId, removed) };
  }

  /** Creates a Group (201); a team SCIM deleted earlier under this displayName is revived. */
  async function create(client: ScimClient, body: unknown, ctx: ScimCtx) {
    const input = readGroup(body);
    const actor = scimActor(client);
    const id = await db.transaction(async (tx) => {
      const same = await repo.findTeamsByName(tx, input.displayName);
      if (same.some((t) => t.source !== repo.SCIM_DELETED)) throw new ScimError(409, `A Group named ${input.displayName} already exists`, "uniqueness");
      const revived = same[0];
      let id: string;
      let slug: string | null = null;
      if (revived) {
        id = revived.id;
        await repo.updateTeam(tx, id, { name: input.displayName, externalId: input.externalId, source: "scim" });
      } else {
        slug = await freeSlug(tx, input.displayName);
        id = await repo.insertTeam(tx, { slug, name: input.displayName, externalId: input.externalId });
      }
      const m = await setMembers(tx, id, [], input.members ?? []);
      await recordAudit(tx, {
        actor,
        action: "team.create",
        resourceType: "team",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { displayName: input.displayName, slug, externalId: input.externalId, members: m.added.length, ...(revived ? { revived: true } : {}) },
      });
      return id;
    });
    return get(id, {}, ctx);
  }

  /** Writes a Group's next state (name, externalId, members) and its audit event in one transaction. */
  async function write(client: ScimClient, id: string, ctx: ScimCtx, compute: (current: GroupState) => GroupState) {
    const actor = scimActor(client);
    await db.transaction(async (tx) => {
      if (!(await repo.lockTeam(tx, id))) throw scimNotFound("Group", id);
      const [team] = await repo.listTeams(tx, { ids: [id] });
      const current: GroupState = { displayName: team!.name, externalId: team!.externalId, members: await repo.memberIds(tx, id) };
      const next = compute(current);
      const changed: string[] = [];
      if (next.displayName !== current.displayName) {
        if ((await repo.findTeamsByName(tx, next.displayName, id)).some((t) => t.source !== repo.SCIM_DELETED))
          throw new ScimError(409, `A Group named ${next.displayName} already exists`, "uniqueness");
        changed.push("displayName");
      }
      if (next.externalId !== current.externalId) changed.push("externalId");
      const m = await setMembers(tx, id, current.members, next.members);
      if (!changed.length && !m.added.length && !m.removed.length) return;
      await repo.updateTeam(tx, id, { name: next.displayName, externalId: next.externalId });
      await recordAudit(tx, {
        actor,
        action: "team.update",
        resourceType: "team",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: {
          displayName: next.displayName,
          changes: changesBetween<Record<string, unknown>>(current, next, changed),
          membersAdded: m.added,
          membersRemoved: m.removed,
        },
      });
    });
  }

  /** PUT (RFC 7644 §3.5.1): displayName and externalId as sent; members replaced when sent. */
  async function replace(client: ScimClient, id: string, body: unknown, ctx: ScimCtx) {
    const input = readGroup(body);
    await write(client, id, ctx, (current) => ({ displayName: input.displayName, externalId: input.externalId, members: input.members ?? current.members }));
    return get(id, {}, ctx);
  }

  /**
   * PATCH (RFC 7644 §3.5.2). Answers 204 (both Okta and Entra ID accept it, and a big group's
   * members need not travel back), or the Group when `attributes`/`excludedAttributes` ask for it.
   */
  async function patch(client: ScimClient, id: string, body: unknown, q: Projection, ctx: ScimCtx) {
    const ops = expandOps("Group", readPatchBody(body));
    await write(client, id, ctx, (current) => planGroupPatch(current, ops));
    return q.attributes || q.excludedAttributes ? get(id, q, ctx) : null;
  }

  /** DELETE: the team goes, or, when bots belong to it, is emptied and hidden from SCIM so the bots keep it. */
  async function remove(client: ScimClient, id: string, ctx: ScimCtx) {
    const actor = scimActor(client);
    await db.transaction(async (tx) => {
      if (!(await repo.lockTeam(tx, id))) throw scimNotFound("Group", id);
      const [team] = await repo.listTeams(tx, { ids: [id] });
      const outcome = await repo.deleteTeam(tx, id);
      await recordAudit(tx, {
        actor,
        action: "team.delete",
        resourceType: "team",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { displayName: team!.name, slug: team!.slug, kept: outcome === "hidden" ? "bots still belong to the team" : null },
      });
    });
  }

  return { get, list, create, replace, patch, remove };
}
export type ScimGroupsService = ReturnType<typeof createScimGroupsService>;
