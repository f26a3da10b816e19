import { changesBetween, parseToolRef, type TBotSkills, type TSkill } from "@bridle/contracts";
import type { ZCreateSkillRequest, ZListSkillsQuery, ZSkillReviewRequest, ZUpdateSkillRequest } from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { SKILL_REVIEW_REFUSAL_TEXT, skillRegistryOf, skillReviewRefusal, skillState } from "@bridle/policy";
import type { z } from "zod";
import type { RequestCtx } from "../../lib/context.ts";
import { emit } from "../../lib/domain-events.ts";
import { AppError, fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { can, canReadBot } from "../../lib/permissions.ts";
import { refuseSecretFields } from "../../lib/secrets.ts";
import { isUuid } from "../../lib/sql.ts";
import { actorOf, denied, recordAudit, SYSTEM_ACTOR, type Actor } from "../audit/index.ts";
import { findBotRow } from "../bots/index.ts";
import { notify } from "../notifications/index.ts";
import { findPersonByEmail } from "../people/index.ts";
import * as repo from "./skills.repo.ts";

type CreateInput = z.output<typeof ZCreateSkillRequest>;
type UpdateInput = z.output<typeof ZUpdateSkillRequest>;
type ReviewInput = z.output<typeof ZSkillReviewRequest>;

/** The owner named by email: an active person (400 otherwise, on the `owner` field). */
async function activeOwner(db: DbOrTx, email: string) {
  const person = await findPersonByEmail(db, email);
  if (!person) throw invalidFields([fieldError("owner", "unknown_reference", `no person has the email ${email}`)]);
  if (person.status !== "active") throw invalidFields([fieldError("owner", "inactive_reference", `${person.email} is deactivated; a skill needs an active owner`)]);
  return person;
}

/**
 * Emits `skill.changed` for the bots whose allowed tools name this version (their
 * `unapproved_skill` finding is recomputed in this transaction). @returns how many bots use it
 */
async function afterRegistryChange(tx: DbOrTx, skill: { id: string; name: string; version: string }, change: "created" | "reviewed" | "reset"): Promise<number> {
  const botIds = await repo.botsUsing(tx, skill.name, skill.version);
  await emit(tx, { type: "skill.changed", skillId: skill.id, change, botIds });
  return botIds.length;
}

/** Tells security that a version waits for their review (a new one, or one whose source changed). */
async function askForReview(tx: DbOrTx, skill: { name: string; version: string; sourceRegistry: string; sourcePackage: string }, botsUsing: number, actor: Actor, why: string) {
  await notify(
    tx,
    {
      recipients: { roles: ["security"] },
      kind: "skill_review_needed",
      title: `${skill.name}@${skill.version} waits for security's review`,
      body: `${why} Source: ${skill.sourceRegistry} ${skill.sourcePackage}. ${botsUsing === 1 ? "1 bot lists" : `${botsUsing} bots list`} this version and keep a finding until it is approved.`,
      link: `/skills?status=pending&q=${encodeURIComponent(skill.name)}`,
    },
    actor,
  );
}

/** One entry of an organization file's `skills:` block (the demo's registry). */
export type SeedSkill = {
  name: string;
  version: string;
  source: { registry: "npm" | "clawhub" | "git"; package: string };
  owner: string;
  status: "pending" | "approved" | "rejected";
  reviewedBy?: string | undefined;
  notes?: string | null | undefined;
};

/**
 * Command for the bootstrap (an organization file's `skills:` block, loaded into an empty
 * database before its bots): writes the entries as the file states them, each audited as
 * `skill.create` by Bridle (`via: "seed"`). Owners and reviewers are named by email and must exist.
 */
export async function seedSkills(tx: DbOrTx, entries: readonly SeedSkill[], now = new Date()): Promise<number> {
  for (const e of entries) {
    const owner = await findPersonByEmail(tx, e.owner);
    if (!owner) throw new Error(`skills: no person has the email ${e.owner} (owner of ${e.name}@${e.version})`);
    const reviewer = e.reviewedBy ? await findPersonByEmail(tx, e.reviewedBy) : null;
    if (e.status !== "pending" && !reviewer) throw new Error(`skills: ${e.name}@${e.version} is ${e.status}; name its reviewer (reviewedBy) by an existing person's email`);
    const row = await repo.insertSkill(tx, {
      name: e.name,
      version: e.version,
      sourceRegistry: e.source.registry,
      sourcePackage: e.source.package,
      ownerId: owner.id,
      status: e.status,
      notes: e.notes ?? null,
      reviewedBy: e.status === "pending" ? null : reviewer!.id,
      reviewedAt: e.status === "pending" ? null : now,
    });
    if (!row) throw new Error(`skills: ${e.name}@${e.version} is listed twice`);
    await recordAudit(tx, {
      actor: SYSTEM_ACTOR,
      action: "skill.create",
      resourceType: "skill",
      resourceId: row.id,
      outcome: "success",
      details: { name: e.name, version: e.version, source: e.source, owner: owner.email, botsUsing: 0, via: "seed", status: e.status, ...(reviewer ? { reviewedBy: reviewer.email } : {}) },
    });
  }
  return entries.length;
}

/**
 * The skills and plugins registry. Every signed-in person reads it (an owner picks their bot's
 * tools from it); `skills.manage` (admins, security) registers versions and edits entries;
 * `skills.review` (security) approves or rejects a version, never one they registered or a skill
 * they own (`skillReviewRefusal`). Every write and refusal is audited; a write that can change a
 * version's status emits `skill.changed`, which recomputes the findings of the bots using it.
 */
export function createSkillsService(deps: { db: Db }) {
  const { db } = deps;

  const requirePermission = async (ctx: RequestCtx, permission: "skills.manage", attempt: { action: "skill.create" | "skill.update"; resourceId: string | null; what: string }) => {
    if (!can(ctx.principal, permission)) throw await denied(db, ctx, { ...attempt, resourceType: "skill" });
  };

  const one = async (id: string): Promise<TSkill> => {
    const [skill] = await repo.listSkills(db, { ids: [id], limit: 1, afterId: null });
    if (!skill) throw notFound("Skill");
    return skill;
  };

  /** Entries by name (newest version first), each with how many bots use it; filter by status or text. */
  async function list(q: z.output<typeof ZListSkillsQuery>) {
    const cursor = decodeCursor(q.cursor);
    if (cursor && !isUuid(cursor.id)) throw new AppError("validation_failed", "cursor is not valid; start again without it");
    const rows = await repo.listSkills(db, { status: q.status, q: q.q, limit: q.limit + 1, afterId: cursor?.id ?? null });
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor({ k: null, id: last.id }) : null };
  }

  async function get(id: string): Promise<TSkill> {
    return one(id);
  }

  /**
   * Registers one version of a skill, `pending` until security reviews it. Errors: 403 (audited)
   * without `skills.manage`; 400 a bad name, version or source, an unknown or deactivated owner,
   * notes or a source that look like a secret; 409 that name and version already registered.
   */
  async function create(ctx: RequestCtx, input: CreateInput): Promise<TSkill> {
    await requirePermission(ctx, "skills.manage", { action: "skill.create", resourceId: null, what: "register skills" });
    await refuseSecretFields({ notes: input.notes, source: input.source.package });
    const owner = await activeOwner(db, input.owner);
    const id = await db.transaction(async (tx) => {
      const row = await repo.insertSkill(tx, {
        name: input.name,
        version: input.version,
        sourceRegistry: input.source.registry,
        sourcePackage: input.source.package,
        ownerId: owner.id,
        notes: input.notes ?? null,
        createdBy: ctx.principal.personId,
      });
      if (!row) throw new AppError("conflict", `${input.name}@${input.version} is already in the registry; a new version is a new entry`);
      const botsUsing = await afterRegistryChange(tx, row, "created");
      await askForReview(tx, row, botsUsing, actorOf(ctx.principal), `${ctx.principal.email} registered it.`);
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "skill.create",
        resourceType: "skill",
        resourceId: row.id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { name: row.name, version: row.version, source: input.source, owner: owner.email, botsUsing },
      });
      return row.id;
    });
    return one(id);
  }

  /**
   * Changes an entry's source, owner or notes. A new source sends a reviewed entry back to
   * `pending` (what security reviewed is not what bots would now install). Errors: 403 (audited),
   * 404, 400 as for create.
   */
  async function update(ctx: RequestCtx, id: string, patch: UpdateInput): Promise<TSkill> {
    await requirePermission(ctx, "skills.manage", { action: "skill.update", resourceId: id, what: "change skills in the registry" });
    await refuseSecretFields({ notes: patch.notes, source: patch.source?.package });
    const owner = patch.owner === undefined ? undefined : await activeOwner(db, patch.owner);
    await db.transaction(async (tx) => {
      const before = await repo.findSkill(tx, id, { lock: true });
      if (!before) throw notFound("Skill");
      const beforeView = { source: { registry: before.sourceRegistry, package: before.sourcePackage }, ownerId: before.ownerId, notes: before.notes };
      const afterView = {
        source: patch.source ?? beforeView.source,
        ownerId: owner === undefined ? before.ownerId : owner.id,
        notes: patch.notes === undefined ? before.notes : patch.notes,
      };
      const changes = changesBetween<Record<string, unknown>>(beforeView, afterView);
      if (Object.keys(changes).length === 0) return;
      const statusReset = "source" in changes && before.status !== "pending";
      await repo.updateSkill(tx, id, {
        sourceRegistry: afterView.source.registry,
        sourcePackage: afterView.source.package,
        ownerId: afterView.ownerId,
        notes: afterView.notes,
        ...(statusReset ? { status: "pending", reviewedBy: null, reviewedAt: null, reviewNote: null } : {}),
      });
      if (statusReset) {
        const botsUsing = await afterRegistryChange(tx, before, "reset");
        await askForReview(tx, { ...before, sourceRegistry: afterView.source.registry, sourcePackage: afterView.source.package }, botsUsing, actorOf(ctx.principal), `${ctx.principal.email} changed its source, so it needs a new review.`);
      }
      if (changes.ownerId) changes.ownerId = { before: before.ownerId, after: afterView.ownerId };
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "skill.update",
        resourceType: "skill",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { name: before.name, version: before.version, changes, statusReset },
      });
    });
    return one(id);
  }

  /**
   * Security approves or rejects a version (rejecting an approved one revokes it: bots using it get
   * the finding). Errors: 403 (audited, with the reason) without `skills.review`, for the person
   * who registered the version or owns the skill; 404; 409 when it already has that status.
   */
  async function review(ctx: RequestCtx, id: string, body: ReviewInput): Promise<TSkill> {
    const current = await repo.findSkill(db, id);
    if (!current) throw notFound("Skill");
    const refusal = skillReviewRefusal({ personId: ctx.principal.personId, mayReview: can(ctx.principal, "skills.review") }, { createdById: current.createdBy, ownerId: current.ownerId });
    if (refusal) {
      await recordAudit(db, {
        actor: actorOf(ctx.principal),
        action: "skill.review",
        resourceType: "skill",
        resourceId: id,
        outcome: "denied",
        requestId: ctx.requestId,
        details: { roles: ctx.principal.roles, attempted: `${body.decision} ${current.name}@${current.version}`, reason: refusal },
      });
      throw new AppError("forbidden", SKILL_REVIEW_REFUSAL_TEXT[refusal], { reason: refusal });
    }
    const after = body.decision === "approve" ? "approved" : "rejected";
    await db.transaction(async (tx) => {
      const locked = await repo.findSkill(tx, id, { lock: true });
      if (!locked) throw notFound("Skill");
      if (locked.status === after) throw new AppError("conflict", `${locked.name}@${locked.version} is already ${after}`);
      await repo.updateSkill(tx, id, { status: after, reviewedBy: ctx.principal.personId, reviewedAt: new Date(), reviewNote: body.note ?? null });
      const botsUsing = await afterRegistryChange(tx, locked, "reviewed");
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "skill.review",
        resourceType: "skill",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { name: locked.name, version: locked.version, decision: body.decision, status: { before: locked.status, after }, note: body.note ?? null, botsUsing },
      });
    });
    return one(id);
  }

  /**
   * A bot's skills: each of its allowed tools (`runtimeProfile.allowedTools`, edited with
   * PATCH /bots/{id}) with how it stands against the registry. Errors: 404; 403 (audited) for a
   * bot the caller may not read.
   */
  async function botSkills(ctx: RequestCtx, botId: string): Promise<TBotSkills> {
    const bot = await findBotRow(db, botId);
    if (!bot) throw notFound("Bot");
    if (!canReadBot(ctx.principal, bot)) throw await denied(db, ctx, { action: "bot.read", resourceType: "bot", resourceId: botId, what: "read this bot" });
    const tools = ((bot.runtimeProfile as { allowedTools?: unknown }).allowedTools ?? []) as string[];
    const list = Array.isArray(tools) ? tools.filter((t): t is string => typeof t === "string" && t.trim() !== "") : [];
    const entries = await repo.entriesNamed(db, [...new Set(list.map((t) => parseToolRef(t).name))]);
    const registry = skillRegistryOf(entries);
    const idOf = new Map(entries.map((e) => [`${e.name}@${e.version}`, e.id]));
    return {
      botId,
      items: list.map((tool) => {
        const s = skillState(tool, registry);
        return { tool, name: s.name, version: s.version, state: s.state, skillId: s.version === null ? null : (idOf.get(`${s.name}@${s.version}`) ?? null) };
      }),
      editable: "runtimeProfile.allowedTools",
    };
  }

  return { list, get, create, update, review, botSkills };
}
export type SkillsService = ReturnType<typeof createSkillsService>;
