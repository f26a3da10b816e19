import {
  changesBetween,
  parseVaultReference,
  type TCreateCredentialReference,
  type TCredentialReferenceDetail,
  type TMarkRotated,
  type TRotationItem,
  type TRotationQuery,
  type TUpdateCredentialReference,
} from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { rotationDueAt, rotationState } from "@bridle/policy";
import { sql } from "drizzle-orm";
import type { RequestCtx } from "../../lib/context.ts";
import { emit } from "../../lib/domain-events.ts";
import { AppError, fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { can, canManageBot, canReadBot } from "../../lib/permissions.ts";
import { findSecrets, secretMessage } from "../../lib/secrets.ts";
import { isUuid } from "../../lib/sql.ts";
import { actorOf, denied, recordAudit, type AuditAction } from "../audit/index.ts";
import { findBotRow, markBotChanged, type BotRow } from "../bots/index.ts";
import * as repo from "./credentials.repo.ts";

/** A row of `repo.detailRows` as the contracts show it, its rotation computed at `now`. */
export function toDetail(d: repo.DetailRow, now: Date): TCredentialReferenceDetail {
  const base = repo.toCredentialReference(d.c, d.systemKey);
  const facts = { ...d.c, status: base.status, rotationDueReason: base.rotationDueReason };
  const due = rotationDueAt(facts);
  return {
    ...base,
    botId: d.botId,
    systemName: d.systemName,
    // Stored references were validated on the way in; an unparsable legacy one shows as "other".
    vault: parseVaultReference(d.c.reference) ?? { kind: "other", name: "" },
    serviceAccount: d.serviceAccount,
    owner: d.owner ? { ...d.owner, status: d.owner.status as "active" | "deactivated" } : null,
    ownerIsBotOwner: d.c.ownerId === null,
    lastRotatedBy: d.c.lastRotatedByType
      ? { type: d.c.lastRotatedByType as "person", id: d.c.lastRotatedById, label: d.c.lastRotatedByLabel }
      : null,
    rotationDueAt: due?.toISOString() ?? null,
    rotationState: rotationState(facts, now),
    openLeakPlaybookId: d.openLeakPlaybookId,
  };
}

const LIVE = new Set(["proposed", "active", "paused"]);
/** What a reference records, for `credential_reference.create` / `.delete` details (a pointer, never a secret). */
const recordOf = (d: TCredentialReferenceDetail) => ({
  id: d.id,
  system: d.system,
  vault: d.vault.kind,
  reference: d.reference,
  owner: d.ownerIsBotOwner ? null : (d.owner?.email ?? null),
  rotationIntervalDays: d.rotationIntervalDays,
  lastRotatedAt: d.lastRotatedAt,
  status: d.status,
});

/** A date input (`YYYY-MM-DD` or a timestamp) that must not be in the future. */
function pastDate(field: string, v: string, now: Date): Date {
  const d = new Date(v);
  if (d.getTime() > now.getTime() + 60_000) throw invalidFields([fieldError(field, "invalid", "must not be in the future")]);
  return d;
}

/**
 * Credential references as their own resource: the list per bot, add, edit, remove, "mark
 * rotated", and the Rotation page. Who may: read, the bot's owner and `bots.read_all` (admin,
 * security, IT, auditor); write, the bot's owner and `bots.write_all` (admin, IT). Every write is
 * audited in its transaction and emits `credential_reference.changed` (findings, the decision
 * snapshot); refusals are audited. Bridle stores where a secret lives, never the secret: a field
 * that looks like one is refused before anything else (`refuseSecrets`), audited without it.
 */
export function createCredentialsService(deps: { db: Db }) {
  const { db } = deps;

  async function readableBot(ctx: RequestCtx, botId: string): Promise<BotRow> {
    const bot = isUuid(botId) ? await findBotRow(db, botId) : null;
    if (!bot) throw notFound("Bot");
    if (!canReadBot(ctx.principal, bot))
      throw await denied(db, ctx, { action: "access.denied", resourceType: "bot", resourceId: botId, what: "read this bot's credential references" });
    return bot;
  }

  async function manageableBot(ctx: RequestCtx, botId: string, action: AuditAction, what: string): Promise<BotRow> {
    const bot = isUuid(botId) ? await findBotRow(db, botId) : null;
    if (!bot) throw notFound("Bot");
    if (!canManageBot(ctx.principal, bot)) throw await denied(db, ctx, { action, resourceType: "bot", resourceId: botId, what });
    return bot;
  }

  async function detailOf(dbx: DbOrTx, id: string): Promise<TCredentialReferenceDetail> {
    const [row] = await repo.detailRows(dbx, sql`c.id = ${id}`);
    if (!row) throw notFound("Credential reference");
    return toDetail(row, new Date());
  }

  /**
   * Refuses a request body with a field that looks like a secret (secretlint's recommended rules,
   * lib/secrets.ts): 400 `validation_failed`, one `looks_like_secret` error per field naming the
   * field and the rule, never the value; the attempt is audited (`credential_reference.secret_refused`,
   * outcome denied) with the fields and rules only. Runs before validation, so a secret pasted into
   * a field that would also fail its format is still recorded as what it is.
   */
  async function refuseSecrets(ctx: RequestCtx, botId: string | null, body: unknown): Promise<void> {
    if (typeof body !== "object" || body === null) return;
    const fields = Object.entries(body as Record<string, unknown>)
      .filter(([, v]) => typeof v === "string" && v.length > 0)
      .map(([k, v]) => [k, (v as string).replace(/\r\n|\r|\n/g, " ")] as const);
    if (!fields.length) return;
    const hits = await findSecrets(fields.map(([k, v]) => `${k}\t${v}`).join("\n"));
    if (!hits.length) return;
    const named = hits.map((h) => ({ field: fields[h.line - 1]?.[0] ?? "", rule: h.rule, kind: h.kind }));
    await recordAudit(db, {
      actor: actorOf(ctx.principal),
      action: "credential_reference.secret_refused",
      resourceType: "bot",
      resourceId: botId,
      outcome: "denied",
      requestId: ctx.requestId,
      details: { botId: botId ?? "", fields: named },
    });
    throw invalidFields(hits.map((h, i) => fieldError(named[i]!.field, "looks_like_secret", secretMessage(h))));
  }

  /** The bot's credential references (revoked ones too). Errors: 404, 403 (audited). */
  async function list(ctx: RequestCtx, botId: string): Promise<TCredentialReferenceDetail[]> {
    await readableBot(ctx, botId);
    const now = new Date();
    return (await repo.detailRows(db, sql`c.bot_id = ${botId}`)).map((d) => toDetail(d, now));
  }

  async function ownerIdOf(email: string | null | undefined): Promise<string | null> {
    if (!email) return null;
    const person = await repo.personByEmail(db, email);
    if (!person) throw invalidFields([fieldError("owner", "unknown_reference", `no person has the email ${email}`)]);
    if (person.status !== "active") throw invalidFields([fieldError("owner", "inactive_reference", `${person.displayName} is deactivated; choose an active person`)]);
    return person.id;
  }

  async function systemIdOf(key: string): Promise<string> {
    const id = await repo.systemIdByKey(db, key);
    if (!id) throw invalidFields([fieldError("system", "unknown_reference", `${key} is not a connected system`)]);
    return id;
  }

  const notLive = (bot: BotRow) => new AppError("conflict", `${bot.name} is ${bot.status}; its credential references no longer change`);

  /**
   * Adds a credential reference to the bot. Errors: 400 (a field, an unknown system or owner, a
   * reference not of its vault's form, a last rotation in the future), 403 (audited), 404, 409 the
   * bot already has this reference, or is offboarding or offboarded.
   */
  async function create(ctx: RequestCtx, botId: string, input: TCreateCredentialReference): Promise<TCredentialReferenceDetail> {
    const bot = await manageableBot(ctx, botId, "credential_reference.create", "add credential references to this bot");
    if (!LIVE.has(bot.status)) throw notLive(bot);
    const now = new Date();
    const systemId = await systemIdOf(input.system);
    const ownerId = await ownerIdOf(input.owner);
    const lastRotatedAt = input.lastRotatedAt ? pastDate("lastRotatedAt", input.lastRotatedAt, now) : null;
    const reference = input.reference.trim();
    return db.transaction(async (tx) => {
      if (await repo.hasDuplicate(tx, { botId, systemId, reference }))
        throw new AppError("conflict", `${bot.name} already has this ${input.system} credential reference`);
      const row = await repo.insertReference(tx, { botId, systemId, reference, ownerId, rotationIntervalDays: input.rotationIntervalDays ?? null, lastRotatedAt });
      await markBotChanged(tx, botId, now);
      await emit(tx, { type: "credential_reference.changed", botIds: [botId] });
      const detail = await detailOf(tx, row.id);
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "credential_reference.create",
        resourceType: "credential_reference",
        resourceId: row.id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { botId, bot: bot.name, after: recordOf(detail) },
      });
      return detail;
    });
  }

  /**
   * Changes a reference's system, vault and reference, owner or rotation interval. Errors as
   * `create`, and 404 for a reference of another bot, 409 for a revoked one (add a new one).
   */
  async function update(ctx: RequestCtx, botId: string, id: string, input: TUpdateCredentialReference): Promise<TCredentialReferenceDetail> {
    const bot = await manageableBot(ctx, botId, "credential_reference.update", "change this bot's credential references");
    if (!LIVE.has(bot.status)) throw notLive(bot);
    const systemId = input.system !== undefined ? await systemIdOf(input.system) : undefined;
    const ownerId = input.owner !== undefined ? await ownerIdOf(input.owner) : undefined;
    return db.transaction(async (tx) => {
      const current = await repo.lockReference(tx, botId, id);
      if (!current) throw notFound("Credential reference");
      if (current.status === "revoked") throw new AppError("conflict", "This credential reference is revoked; add a new one instead of changing it");
      const before = await detailOf(tx, id);
      const reference = input.reference?.trim();
      if ((systemId !== undefined || reference !== undefined) && (await repo.hasDuplicate(tx, { botId, systemId: systemId ?? current.systemId, reference: reference ?? current.reference, exceptId: id })))
        throw new AppError("conflict", `${bot.name} already has this credential reference`);
      await repo.updateReference(tx, id, {
        ...(systemId !== undefined ? { systemId } : {}),
        ...(reference !== undefined ? { reference } : {}),
        ...(ownerId !== undefined ? { ownerId } : {}),
        ...(input.rotationIntervalDays !== undefined ? { rotationIntervalDays: input.rotationIntervalDays } : {}),
      });
      const after = await detailOf(tx, id);
      const changes = changesBetween(recordOf(before), recordOf(after));
      if (Object.keys(changes).length) {
        await markBotChanged(tx, botId, new Date());
        await emit(tx, { type: "credential_reference.changed", botIds: [botId] });
        await recordAudit(tx, {
          actor: actorOf(ctx.principal),
          action: "credential_reference.update",
          resourceType: "credential_reference",
          resourceId: id,
          outcome: "success",
          requestId: ctx.requestId,
          details: { botId, bot: bot.name, reference: { id, system: after.system, reference: after.reference }, changes },
        });
      }
      return after;
    });
  }

  /** Removes a reference. Errors: 403 (audited), 404, 409 while a leak playbook is open on it. */
  async function remove(ctx: RequestCtx, botId: string, id: string): Promise<void> {
    const bot = await manageableBot(ctx, botId, "credential_reference.delete", "remove this bot's credential references");
    await db.transaction(async (tx) => {
      const current = await repo.lockReference(tx, botId, id);
      if (!current) throw notFound("Credential reference");
      const before = await detailOf(tx, id);
      if (before.openLeakPlaybookId) throw new AppError("conflict", "A leak playbook is open on this credential reference; close it before removing the reference");
      await repo.deleteReference(tx, id);
      await markBotChanged(tx, botId, new Date());
      await emit(tx, { type: "credential_reference.changed", botIds: [botId] });
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "credential_reference.delete",
        resourceType: "credential_reference",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { botId, bot: bot.name, before: recordOf(before) },
      });
    });
  }

  /**
   * "Mark rotated": the secret was rotated in its vault at `rotatedAt` (default now), recorded
   * with who did it. A reference due for rotation becomes active again; so does a revoked one
   * (the leaked or exposed secret behind it was replaced) unless its bot is offboarding or
   * offboarded, where it stays revoked and only the rotation is recorded.
   * Errors: 400 a rotation in the future or before the reference was added, 403 (audited), 404.
   */
  async function markRotated(ctx: RequestCtx, botId: string, id: string, input: TMarkRotated): Promise<TCredentialReferenceDetail> {
    const bot = await manageableBot(ctx, botId, "credential_reference.rotated", "mark this bot's credential references rotated");
    const now = new Date();
    const rotatedAt = input.rotatedAt ? pastDate("rotatedAt", input.rotatedAt, now) : now;
    return db.transaction(async (tx) => {
      const current = await repo.lockReference(tx, botId, id);
      if (!current) throw notFound("Credential reference");
      if (rotatedAt < new Date(current.createdAt.getTime() - 86_400_000) && input.rotatedAt)
        throw invalidFields([fieldError("rotatedAt", "invalid", "must not be before the reference was added")]);
      const reactivate = current.status !== "revoked" || LIVE.has(bot.status);
      const by = actorOf(ctx.principal);
      await repo.updateReference(tx, id, {
        lastRotatedAt: rotatedAt,
        lastRotatedByType: by.type,
        lastRotatedById: by.id,
        lastRotatedByLabel: by.label,
        ...(reactivate
          ? { status: "active", rotationDueSince: null, rotationDueReason: null, revokedAt: null, revokedByType: null, revokedById: null, revokedByLabel: null }
          : {}),
      });
      await markBotChanged(tx, botId, now);
      await emit(tx, { type: "credential_reference.changed", botIds: [botId] });
      const after = await detailOf(tx, id);
      await recordAudit(tx, {
        actor: by,
        action: "credential_reference.rotated",
        resourceType: "credential_reference",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: {
          botId,
          bot: bot.name,
          reference: { id, system: after.system, reference: after.reference },
          rotatedAt: rotatedAt.toISOString(),
          note: input.note ?? null,
          statusBefore: current.status,
        },
      });
      return after;
    });
  }

  /**
   * The Rotation page: references due or overdue for rotation (ROTATION_STATES), soonest due
   * first, keyset-paginated on (due date, id). People with `bots.read_all` see every bot's; others
   * the references of bots they own or that they are responsible for. `counts` are over every
   * filter but `state`.
   */
  async function rotation(ctx: RequestCtx, q: TRotationQuery): Promise<{ items: TRotationItem[]; nextCursor: string | null; counts: { due: number; overdue: number } }> {
    const now = new Date();
    const visibleTo = can(ctx.principal, "bots.read_all") ? null : ctx.principal.personId;
    const rows = await repo.rotationCandidates(db, { visibleTo, botId: q.bot, team: q.team });
    const all = rows
      .map((d) => ({ ...toDetail(d, now), bot: { id: d.botId, name: d.botName }, team: d.team }))
      .filter((d) => (d.rotationState === "due" || d.rotationState === "overdue") && (!q.vaultKind || d.vault.kind === q.vaultKind) && (!q.vault || d.vault.name === q.vault));
    const counts = { due: all.filter((d) => d.rotationState === "due").length, overdue: all.filter((d) => d.rotationState === "overdue").length };
    const wanted = all
      .filter((d) => q.state === "due_or_overdue" || d.rotationState === q.state)
      .sort((a, b) => a.rotationDueAt!.localeCompare(b.rotationDueAt!) || a.id.localeCompare(b.id));
    const cursor = decodeCursor(q.cursor);
    const after = cursor ? wanted.filter((d) => d.rotationDueAt! > String(cursor.k) || (d.rotationDueAt === cursor.k && d.id > cursor.id)) : wanted;
    const items = after.slice(0, q.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: after.length > q.limit && last ? encodeCursor({ k: last.rotationDueAt, id: last.id }) : null, counts };
  }

  return { refuseSecrets, list, create, update, remove, markRotated, rotation };
}
export type CredentialsService = ReturnType<typeof createCredentialsService>;
