import { changesBetween } from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { stableJson } from "../../lib/json.ts";
import { recordAudit } from "../audit/index.ts";
import { ScimError, invalidValue, scimNotFound } from "./scim.errors.ts";
import { eqLookup, leavesOut, mentions, parseFilter, parsePaging, parseProjection, project } from "./scim.filter.ts";
import { listResponse, type ListQuery, type ScimCtx } from "./scim.list.ts";
import { displayNameOf, emailOf, readUser, userResource, type Email, type UserInput } from "./scim.mapping.ts";
import { applyUserOps, expandOps, readPatchBody } from "./scim.patch.ts";
import { deactivatePerson, directory as repo, personChanged, reactivatePerson } from "../people/index.ts";
import { scimActor, type ScimClient } from "./scim-tokens.service.ts";

type Projection = { attributes?: string | undefined; excludedAttributes?: string | undefined };

/** The person columns a SCIM User sets, and `active`. */
type Next = repo.PersonValues & { active: boolean };

const FIELDS = ["userName", "email", "externalId", "displayName", "givenName", "familyName", "title", "department", "emails", "managerId"] as const;

/**
 * SCIM Users (RFC 7644 §3) are Bridle people. Every write is one transaction with its audit events
 * (actor: the SCIM token). `active: false` and DELETE deprovision through deactivatePerson: sessions
 * end, personal API tokens are revoked, each bot they own is audited `bot.owner_deprovisioned`
 * and `person.deactivated` is emitted (the bots themselves are kept, show as orphaned, and
 * get only read-only actions on every replica). DELETE also hides the person from SCIM
 * while keeping the row, so audit events and bots keep their owner reference.
 */
export function createScimUsersService(deps: { db: Db }) {
  const { db } = deps;

  async function resources(rows: repo.PersonRow[], baseUrl: string, withGroups: boolean) {
    const groups = withGroups ? await repo.teamsOfPeople(db, rows.map((r) => r.id)) : undefined;
    return rows.map((r) => userResource(r, groups ? (groups.get(r.id) ?? []) : undefined, baseUrl));
  }

  async function get(id: string, q: Projection, ctx: ScimCtx) {
    const p = parseProjection("User", q);
    const [row] = await repo.listPeople(db, { ids: [id] });
    if (!row) throw scimNotFound("User", id);
    const [resource] = await resources([row], ctx.baseUrl, !leavesOut(p, "groups"));
    return project(resource!, p);
  }

  /** Lists Users; a filter is evaluated in memory over SCIM resources, narrowed by SQL for `eq` lookups. */
  async function list(q: ListQuery, ctx: ScimCtx) {
    const paging = parsePaging(q);
    const p = parseProjection("User", q);
    const withGroups = !leavesOut(p, "groups");
    if (!q.filter) {
      const total = await repo.countPeople(db);
      const rows = paging.count ? await repo.listPeople(db, { page: { offset: paging.startIndex - 1, limit: paging.count } }) : [];
      return listResponse(total, paging, (await resources(rows, ctx.baseUrl, withGroups)).map((r) => project(r, p)));
    }
    const f = parseFilter("User", q.filter);
    const rows = await repo.listPeople(db, { lookup: eqLookup(f) ?? undefined });
    const needGroups = mentions(f, "groups");
    const candidates = await resources(rows, ctx.baseUrl, needGroups);
    const matched = rows.filter((_, i) => f.test(candidates[i]!));
    const pageRows = matched.slice(paging.startIndex - 1, paging.startIndex - 1 + paging.count);
    const out = await resources(pageRows, ctx.baseUrl, withGroups);
    return listResponse(matched.length, paging, out.map((r) => project(r, p)));
  }

  async function checkManager(tx: DbOrTx, managerId: string | null, selfId: string | null) {
    if (!managerId) return;
    if (managerId === selfId) throw invalidValue("A User cannot be their own manager");
    if (!(await repo.visiblePeopleIds(tx, [managerId])).length) throw invalidValue(`manager ${managerId} is not a SCIM User here`);
  }

  /** 409 uniqueness when another person (visible or not) has this userName or email (both unique case-insensitively). */
  async function checkUnique(tx: DbOrTx, next: { userName: string; email: string }, selfId: string) {
    const clash = (await repo.findPeopleByIdentity(tx, next)).find((c) => c.id !== selfId);
    if (clash) throw uniqueness(clash, next);
  }

  const uniqueness = (clash: { userName: string | null }, next: { userName: string; email: string }) =>
    new ScimError(
      409,
      clash.userName?.toLowerCase() === next.userName.toLowerCase()
        ? `userName ${next.userName} is already taken`
        : `The email ${next.email} already belongs to another person`,
      "uniqueness",
    );

  /** The complete next state from a User document; `base` fills what a PUT does not assert. */
  function nextState(input: UserInput, base: Next | null): Next {
    const userName = input.userName;
    if (!userName) throw invalidValue("userName is required");
    const keep = <T>(v: T | null | undefined, old: T | null): T | null => (v === undefined ? old : v);
    const emails: Email[] = input.emails === undefined ? ((base?.emails as Email[] | undefined) ?? []) : (input.emails ?? []);
    const named = {
      displayName: keep(input.displayName, null),
      formatted: keep(input.formatted, null),
      givenName: keep(input.givenName, base?.givenName ?? null),
      familyName: keep(input.familyName, base?.familyName ?? null),
    };
    return {
      userName,
      email: emailOf(emails, userName),
      externalId: keep(input.externalId, base?.externalId ?? null),
      // A PUT without displayName keeps the current one; otherwise it comes from the name parts.
      displayName: input.displayName === undefined && base && input.formatted === undefined ? base.displayName : displayNameOf(named, userName),
      givenName: named.givenName,
      familyName: named.familyName,
      title: keep(input.title, base?.title ?? null),
      department: keep(input.department, base?.department ?? null),
      emails,
      managerId: keep(input.managerId, base?.managerId ?? null),
      active: input.active ?? base?.active ?? true,
    };
  }

  /** Creates a User (201); a person SCIM deleted earlier with this userName or email is revived. */
  async function create(client: ScimClient, body: unknown, ctx: ScimCtx) {
    const next = nextState(readUser(body), null);
    const actor = scimActor(client);
    const id = await db.transaction(async (tx) => {
      await checkManager(tx, next.managerId, null);
      const clash = await repo.findPeopleByIdentity(tx, next);
      const live = clash.find((c) => c.source !== repo.SCIM_DELETED || c.isBootstrapAdmin);
      if (live) throw uniqueness(live, next);
      if (clash.length > 1) throw uniqueness(clash[0]!, next);
      const { active, ...values } = next;
      let id: string;
      if (clash[0]) {
        id = clash[0].id;
        await repo.updatePerson(tx, id, { ...values, source: "scim" });
        if (active) await reactivatePerson(tx, id, { actor, requestId: ctx.requestId });
      } else id = await repo.insertPerson(tx, next);
      await recordAudit(tx, {
        actor,
        action: "person.create",
        resourceType: "person",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { userName: next.userName, email: next.email, externalId: next.externalId, active, source: "scim", ...(clash[0] ? { revived: true } : {}) },
      });
      return id;
    });
    return get(id, {}, ctx);
  }

  /**
   * Writes the next state of a User in one transaction: attributes, then (de)provisioning when
   * `active` changed. `compute` gets the current SCIM User and returns the next state.
   */
  async function write(client: ScimClient, id: string, q: Projection, ctx: ScimCtx, compute: (current: Record<string, unknown>, base: Next) => Next) {
    const actor = scimActor(client);
    await db.transaction(async (tx) => {
      if (!(await repo.lockPerson(tx, id))) throw scimNotFound("User", id);
      const [row] = await repo.listPeople(tx, { ids: [id] });
      const current = userResource(row!, undefined, ctx.baseUrl);
      const base: Next = { ...row!, userName: row!.userName ?? row!.email, emails: current.emails, active: row!.status === "active" };
      const next = compute(current, base);
      // stableJson: jsonb hands emails back with its own key order.
      const changed = FIELDS.filter((k) => stableJson(next[k]) !== stableJson(base[k]));
      if (changed.includes("userName") || changed.includes("email")) await checkUnique(tx, next, id);
      if (changed.includes("managerId")) await checkManager(tx, next.managerId, id);
      if (changed.length) {
        await repo.updatePerson(tx, id, Object.fromEntries(changed.map((k) => [k, next[k]])));
        await recordAudit(tx, {
          actor,
          action: "person.update",
          resourceType: "person",
          resourceId: id,
          outcome: "success",
          requestId: ctx.requestId,
          details: { userName: next.userName, changes: changesBetween<Record<string, unknown>>(base, next, changed) },
        });
        if (changed.includes("email") || changed.includes("displayName")) await personChanged(tx, id);
      }
      if (next.active !== base.active) {
        if (next.active) await reactivatePerson(tx, id, { actor, requestId: ctx.requestId });
        else await deactivatePerson(tx, id, { actor, requestId: ctx.requestId, reason: `deprovisioned by SCIM (${actor.label})` });
      }
    });
    return get(id, q, ctx);
  }

  /**
   * PUT (RFC 7644 §3.5.1): replaces the attributes sent. Attributes left out are taken as not
   * asserted and kept (the RFC allows either), so a provider that does not map `manager` cannot
   * wipe it; send null to clear one. userName is required.
   */
  const replace = (client: ScimClient, id: string, body: unknown, ctx: ScimCtx) =>
    write(client, id, {}, ctx, (_current, base) => nextState(readUser(body), base));

  /** PATCH (RFC 7644 §3.5.2), answered with the whole User (200). See scim.patch.ts for the dialects. */
  function patch(client: ScimClient, id: string, body: unknown, q: Projection, ctx: ScimCtx) {
    const ops = expandOps("User", readPatchBody(body));
    return write(client, id, q, ctx, (current, base) => {
      const input = readUser(applyUserOps(current, ops));
      // The patched document is complete: an attribute missing from it was removed.
      const removed = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
      return nextState(
        {
          ...input,
          externalId: removed(input.externalId),
          formatted: removed(input.formatted),
          givenName: removed(input.givenName),
          familyName: removed(input.familyName),
          title: removed(input.title),
          department: removed(input.department),
          emails: removed(input.emails),
          managerId: removed(input.managerId),
        },
        base,
      );
    });
  }

  /** DELETE: deprovisions the person and hides them from SCIM; GET answers 404 afterwards. */
  async function remove(client: ScimClient, id: string, ctx: ScimCtx) {
    const actor = scimActor(client);
    await db.transaction(async (tx) => {
      if (!(await repo.lockPerson(tx, id))) throw scimNotFound("User", id);
      const bots = await deactivatePerson(tx, id, { actor, requestId: ctx.requestId, reason: `deleted by SCIM (${actor.label})` });
      await repo.markPersonDeleted(tx, id);
      await recordAudit(tx, {
        actor,
        action: "person.delete",
        resourceType: "person",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { kept: "the person stays, deactivated, as the owner of record of their bots", botsOrphaned: bots.length },
      });
    });
  }

  return { get, list, create, replace, patch, remove };
}
export type ScimUsersService = ReturnType<typeof createScimUsersService>;
