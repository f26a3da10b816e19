import type { TCreateTeamRequest, TUpdateTeamRequest } from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { type RequestCtx } from "../../lib/context.ts";
import { AppError, fieldError, notFound } from "../../lib/errors.ts";
import { refuseSecretFields } from "../../lib/secrets.ts";
import { can } from "../../lib/permissions.ts";
import { actorOf, denied, recordAudit } from "../audit/index.ts";
import { slugify } from "./slug.ts";
import * as repo from "./teams.repo.ts";

const SCIM_ON =
  "Teams are managed by your identity provider while SCIM provisioning is on; change them there (or turn SCIM provisioning off in Settings)";
const PROVISIONED = "This team was provisioned by your identity provider over SCIM; change it there";

/**
 * Team management in Bridle for organizations without SCIM (README "Teams"): admins and IT
 * (`people.manage`) create, rename and delete empty teams. While SCIM provisioning is on every
 * team is the identity provider's (409 `conflict`), and a team SCIM provisioned stays the
 * provider's even after SCIM is turned off. Writes and denied attempts are audited.
 */
export function createTeamsService(deps: { db: Db }) {
  const { db } = deps;

  const requireManage = async (ctx: RequestCtx, action: "team.create" | "team.update" | "team.delete", id: string | null, what: string) => {
    if (!can(ctx.principal, "people.manage")) throw await denied(db, ctx, { action, resourceType: "team", resourceId: id, what });
  };

  /** The team, locked, when Bridle may change it; 404 or 409 otherwise. */
  async function writable(tx: DbOrTx, id: string) {
    const scimEnabled = await repo.scimEnabledLocked(tx);
    const team = await repo.lockTeamRow(tx, id);
    if (!team || team.source === "scim-deleted") throw notFound("Team");
    if (scimEnabled) throw new AppError("conflict", SCIM_ON);
    if (repo.teamManagedBy(team.source, false) === "identity_provider") throw new AppError("conflict", PROVISIONED);
    return team;
  }

  const nameTaken = (name: string) =>
    new AppError("conflict", `A team named ${name} already exists`, { fields: [fieldError("name", "duplicate", "already in use")] });

  /**
   * Creates a team. `slug` (how bots and imports name the team) is made from the name when
   * absent, with `-2`, `-3`... if taken; a slug or name (case-insensitive) in use answers 409.
   * @returns the new team's id
   */
  async function create(ctx: RequestCtx, input: TCreateTeamRequest): Promise<string> {
    await requireManage(ctx, "team.create", null, "create teams");
    await refuseSecretFields(input);
    return db.transaction(async (tx) => {
      if (await repo.scimEnabledLocked(tx)) throw new AppError("conflict", SCIM_ON);
      const clash = await repo.findClash(tx, { slug: input.slug, name: input.name });
      if (clash && clash.name.toLowerCase() === input.name.toLowerCase()) throw nameTaken(clash.name);
      if (clash)
        throw new AppError("conflict", `The slug ${input.slug} is used by the team ${clash.name}`, { fields: [fieldError("slug", "duplicate", "already in use")] });
      let slug = input.slug;
      if (!slug) {
        const base = slugify(input.name);
        const taken = await repo.slugsTaken(tx, base);
        slug = base;
        for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
      }
      const id = await repo.insertTeam(tx, { slug, name: input.name });
      if (!id) throw new AppError("conflict", `The slug ${slug} was taken meanwhile; try again`, { fields: [fieldError("slug", "duplicate", "already in use")] });
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "team.create",
        resourceType: "team",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { slug, name: input.name, via: "console" },
      });
      return id;
    });
  }

  /** Renames a team; the slug stays (bots and imports use it). */
  async function update(ctx: RequestCtx, id: string, patch: TUpdateTeamRequest): Promise<void> {
    await requireManage(ctx, "team.update", id, "rename teams");
    await refuseSecretFields(patch);
    await db.transaction(async (tx) => {
      const team = await writable(tx, id);
      if (team.name === patch.name) return;
      const clash = await repo.findClash(tx, { name: patch.name }, id);
      if (clash) throw nameTaken(clash.name);
      await repo.renameTeam(tx, id, patch.name);
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "team.update",
        resourceType: "team",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { slug: team.slug, changes: { name: { before: team.name, after: patch.name } } },
      });
    });
  }

  /** Deletes a team with no bots and no members; 409 naming the counts otherwise. */
  async function remove(ctx: RequestCtx, id: string): Promise<void> {
    await requireManage(ctx, "team.delete", id, "delete teams");
    await db.transaction(async (tx) => {
      const team = await writable(tx, id);
      const usage = await repo.teamUsage(tx, id);
      if (usage.bots || usage.members) {
        const parts = [
          usage.bots ? `${usage.bots} bot${usage.bots === 1 ? "" : "s"}` : null,
          usage.members ? `${usage.members} member${usage.members === 1 ? "" : "s"}` : null,
        ].filter(Boolean);
        throw new AppError("conflict", `${team.name} still has ${parts.join(" and ")}; move them to another team first`, { usage });
      }
      await repo.deleteTeam(tx, id);
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "team.delete",
        resourceType: "team",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { slug: team.slug, name: team.name },
      });
    });
  }

  return { create, update, remove };
}
export type TeamsService = ReturnType<typeof createTeamsService>;

export { countTeams } from "./teams.repo.ts";
