import {
  changesBetween,
  toFieldErrors,
  ZBotInput,
  type TBot,
  type TBotInputParsed,
  type TDirectTransferRequest,
  type TUpdateBotRequest,
  type ZListBotsQuery,
} from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import type { z } from "zod";
import { type RequestCtx } from "../../lib/context.ts";
import { AppError, fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { can, canManageBot, canReadBot } from "../../lib/permissions.ts";
import { findSecrets, refuseSecretFields, secretMessage, withoutEchoedSecrets } from "../../lib/secrets.ts";
import { emit } from "../../lib/domain-events.ts";
import { actorOf, denied, recordAudit, type Actor } from "../audit/index.ts";
import { expectedBotEmail } from "@bridle/policy";
import { loadPolicyInput } from "../policy-settings/index.ts";
import * as repo from "./bots.repo.ts";
import { botToInput, resolveBotInput } from "./bots.resolve.ts";
import { isUniqueViolation } from "../../lib/sql.ts";

/** A bot's scope in comparable form: what only an approval (or an admin/IT) may change. */
function scopeOf(b: Pick<TBotInputParsed, "grants" | "channels" | "internalDataAccess">) {
  const day = (v: string | null | undefined) => (v ? new Date(v).toISOString() : "");
  return {
    grants: b.grants.map((g) => `${g.system}|${g.scope}|${g.access}|${day(g.expiresAt)}`).sort().join(","),
    channels: [...new Set(b.channels)].sort().join(","),
    internalDataAccess: b.internalDataAccess,
  };
}

/** What an exception documents, without who recorded it and when (the server's record, not input). */
const exceptionKey = (e: TBotInputParsed["exception"]) =>
  e ? JSON.stringify([e.status, e.businessPurpose, [...e.allowedSystems].sort(), [...e.allowedChannels].sort(), e.dataClassification, e.approvalRequirements, e.expiresAt ? new Date(e.expiresAt).toISOString() : null]) : "none";

/**
 * An exception an admin records directly, with the facts of its recording: an approved exception
 * is approved by the admin making the request, now (DESIGN.md "Show what is true"); one recorded
 * in any other status has no approver. The request contract has no approvedBy / approvedAt.
 */
function recorded(e: TBotInputParsed["exception"], approver: string, now: Date): TBotInputParsed["exception"] {
  if (!e) return e;
  const approved = e.status === "approved";
  return { ...e, approvedBy: approved ? approver : null, approvedAt: approved ? now.toISOString() : null };
}

const exceptionDetails = (e: TBotInputParsed["exception"]) =>
  e === undefined ? {} : { exception: e ? { status: e.status, approvedBy: e.approvedBy ?? null, approvedAt: e.approvedAt ?? null } : null };

const transferHint =
  "The owner changes only through an ownership transfer: use Transfer ownership on the bot's page " +
  "(POST /api/v1/approval-requests with kind ownership_transfer; IT and admins may use POST /api/v1/bots/{id}/transfer)";

/**
 * The approvals module's command that cancels a bot's pending ownership transfer requests
 * (approvals/index.ts `cancelPendingTransfers`), passed in by the wiring: approvals depends on
 * bots, so bots does not import approvals.
 */
export type CancelPendingTransfers = (tx: DbOrTx, a: { botId: string; actor: Actor; requestId: string | null; reason: string }) => Promise<string[]>;

/**
 * The credentials module's command that writes a bot's credential references
 * (credentials/index.ts `replaceCredentialReferences`), passed in by the wiring: credentials
 * depends on bots, so bots does not import credentials.
 */
export type ReplaceCredentialReferences = (
  tx: DbOrTx,
  input: { botId: string; references: repo.ResolvedBot["credentialReferences"] },
) => Promise<{ added: number; removed: number }>;

export function createBotsService(deps: { db: Db; cancelPendingTransfers: CancelPendingTransfers; replaceCredentialReferences: ReplaceCredentialReferences }) {
  const { db, cancelPendingTransfers, replaceCredentialReferences } = deps;

  async function list(ctx: RequestCtx, q: z.output<typeof ZListBotsQuery>) {
    return repo.listBots(db, q, can(ctx.principal, "bots.read_all") ? null : ctx.principal.personId);
  }

  /** 404 for a bot that does not exist; 403 (audited) for one the principal may not read. */
  async function get(ctx: RequestCtx, id: string): Promise<TBot> {
    const bot = await repo.getBotDetail(db, id);
    if (!bot) throw notFound("Bot");
    if (!canReadBot(ctx.principal, bot))
      throw await denied(db, ctx, { action: "bot.read", resourceType: "bot", resourceId: id, what: "read this bot" });
    const { ownerId: _ownerId, ...rest } = bot;
    return rest;
  }

  /**
   * Registers a bot. Anyone may register a bot they own; admins and IT may register one for any
   * owner. Errors: 400 unknown owner/team/system or an inactive owner, 409 duplicate name, 403.
   */
  async function create(ctx: RequestCtx, input: TBotInputParsed): Promise<TBot> {
    if (!can(ctx.principal, "bots.write_all") && input.owner.toLowerCase() !== ctx.principal.email.toLowerCase())
      throw await denied(db, ctx, { action: "bot.create", resourceType: "bot", what: "register a bot for another owner" });
    await refuseSecretFields(input);
    // Scope comes through approvals (DESIGN.md "Approval request"): only admins and IT register a
    // bot with grants, channels or internal data access, and only admins record an exception.
    const empty = scopeOf({ grants: [], channels: [], internalDataAccess: "none" });
    const asked = scopeOf(input);
    if (!can(ctx.principal, "bots.write_all") && (asked.grants !== empty.grants || asked.channels !== empty.channels || asked.internalDataAccess !== "none"))
      throw await denied(db, ctx, {
        action: "bot.create",
        resourceType: "bot",
        what: "give a bot grants, channels or internal data access directly; register it without them, then use Request scope expansion",
      });
    if (input.exception && !can(ctx.principal, "policy.update"))
      throw await denied(db, ctx, { action: "bot.create", resourceType: "bot", what: "record a Golden Rule exception directly; request one for approval instead" });
    const now = new Date();
    const record: TBotInputParsed = { ...input, exception: recorded(input.exception, ctx.principal.email, now) };
    const id = await db
      .transaction(async (tx) => {
        const resolved = await resolveOrThrow(tx, record, true);
        // The name clash is the clearer message when the generated email would clash too.
        if ((await repo.botIdsByName(tx, [input.name])).size) throw new AppError("conflict", `A bot named ${input.name} already exists`);
        await checkIdentity(tx, resolved, null, { email: true, serviceAccounts: true });
        const id = await repo.writeBot(tx, resolved);
        await replaceCredentialReferences(tx, { botId: id, references: resolved.credentialReferences });
        await emit(tx, { type: "bot.created", botId: id });
        await recordAudit(tx, {
          actor: actorOf(ctx.principal),
          action: "bot.create",
          resourceType: "bot",
          resourceId: id,
          outcome: "success",
          requestId: ctx.requestId,
          details: { name: input.name, owner: input.owner, environment: input.environment, ...exceptionDetails(record.exception) },
        });
        return id;
      })
      .catch(rethrowConflict(input.name));
    return get(ctx, id);
  }

  /**
   * Changes a bot: the body's fields replace the stored ones (lists are replaced whole).
   * With `version`, fails with 409 when the bot changed since it was read.
   */
  async function update(ctx: RequestCtx, id: string, patch: TUpdateBotRequest): Promise<TBot> {
    const current = await repo.getBotDetail(db, id);
    if (!current) throw notFound("Bot");
    if (!canManageBot(ctx.principal, current))
      throw await denied(db, ctx, { action: "bot.update", resourceType: "bot", resourceId: id, what: "change this bot" });
    if (patch.version !== undefined && patch.version !== current.version)
      throw new AppError("conflict", "This bot was changed by someone else since you loaded it; reload and try again", {
        currentVersion: current.version,
      });
    const { version: _v, ...fields } = patch;
    if (fields.owner !== undefined && fields.owner.toLowerCase() !== current.owner?.email.toLowerCase())
      throw invalidFields([fieldError("owner", "invalid", transferHint)], transferHint);
    const base = botToInput(current);
    // Renaming a bot that had the standard email moves it to the new name's email.
    const domain = (await loadPolicyInput(db))?.policy.botEmailDomain ?? "example.com";
    const renamedEmail =
      fields.name && fields.name !== base.name && fields.email === undefined && base.email === expectedBotEmail(base.name, domain)
        ? { email: expectedBotEmail(fields.name, domain) }
        : {};
    // An exception sent unchanged is kept as it is, with its recorded approver and time.
    const exceptionChanged = "exception" in fields && exceptionKey(fields.exception ?? null) !== exceptionKey(base.exception ?? null);
    const merged = ZBotInput.safeParse({
      ...base,
      ...fields,
      ...renamedEmail,
      exception: exceptionChanged ? recorded(fields.exception ?? null, ctx.principal.email, new Date()) : undefined,
    });
    if (!merged.success) throw invalidFields(toFieldErrors(merged.error.issues));
    const next = merged.data;
    await refuseSecretFields(next);
    const before = scopeOf(base);
    const after = scopeOf(next);
    const scopeChanged = (Object.keys(before) as (keyof typeof before)[]).filter((k) => before[k] !== after[k]);
    if (scopeChanged.length && !can(ctx.principal, "bots.write_all"))
      throw await denied(db, ctx, {
        action: "bot.update",
        resourceType: "bot",
        resourceId: id,
        what: `change ${scopeChanged.join(", ")} directly; use Request scope expansion so security can approve it`,
      });
    if (exceptionChanged && !can(ctx.principal, "policy.update"))
      throw await denied(db, ctx, { action: "bot.update", resourceType: "bot", resourceId: id, what: "change a Golden Rule exception directly; request one for approval instead" });
    const changed = Object.keys(fields).filter((k) =>
      k === "exception"
        ? exceptionChanged
        : JSON.stringify((base as Record<string, unknown>)[k]) !== JSON.stringify((next as Record<string, unknown>)[k]),
    );
    await db
      .transaction(async (tx) => {
        const resolved = await resolveOrThrow(tx, next, false);
        await checkIdentity(tx, resolved, id, {
          email: fields.email !== undefined || fields.name !== undefined,
          serviceAccounts: fields.serviceAccounts !== undefined,
        });
        await repo.writeBot(tx, resolved, id);
        await replaceCredentialReferences(tx, { botId: id, references: resolved.credentialReferences });
        await emit(tx, { type: "bot.changed", botId: id, fields: changed });
        await recordAudit(tx, {
          actor: actorOf(ctx.principal),
          action: "bot.update",
          resourceType: "bot",
          resourceId: id,
          outcome: "success",
          requestId: ctx.requestId,
          details: {
            name: next.name,
            changes: changesBetween<Record<string, unknown>>(base, next, changed),
            ...(exceptionChanged ? exceptionDetails(next.exception) : {}),
          },
        });
      })
      .catch(rethrowConflict(next.name));
    return get(ctx, id);
  }

  /**
   * IT and admins (`bots.write_all`) give a bot to a new owner at once, with a note, instead of
   * opening an ownership transfer request (DESIGN.md "Offboarding": no orphaned agents). Audited
   * as `bot.ownership_transferred` with `direct: true` and the note; the bot's pending ownership
   * transfer requests are cancelled in the same transaction (they asked about the previous
   * owner's bot; approving one later would give it away again). Owners request a transfer
   * for IT to approve instead. Errors: 404; 403 (audited) without `bots.write_all`; 400 an
   * unknown or deactivated new owner, a bot mailbox, or the current owner; 409 an offboarded or
   * offboarding bot, or an owner changed meanwhile.
   */
  async function transfer(ctx: RequestCtx, id: string, body: TDirectTransferRequest): Promise<TBot> {
    const bot = await repo.getBotDetail(db, id);
    if (!bot) throw notFound("Bot");
    if (!can(ctx.principal, "bots.write_all"))
      throw await denied(db, ctx, {
        action: "bot.ownership_transferred",
        resourceType: "bot",
        resourceId: id,
        what: "transfer this bot directly; request an ownership transfer for IT to approve instead",
      });
    if (bot.status === "offboarded" || bot.status === "offboarding")
      throw new AppError("conflict", `${bot.name} is ${bot.status}; it takes no new owner`);
    const invalid = (message: string, path = "toEmail") => invalidFields([fieldError(path, "invalid", message)], message);
    // The note goes into the audit log, which must never hold a secret.
    const hit = (await findSecrets(body.note))[0];
    if (hit) throw invalid(`The note ${secretMessage(hit)}`, "note");
    const to = await repo.findPersonByEmail(db, body.toEmail);
    if (!to) throw invalid(`No person has the email ${body.toEmail}`);
    if (to.status !== "active") throw invalid(`${to.displayName} <${to.email}> is deactivated; a bot needs an active owner`);
    if (to.id === bot.ownerId) throw invalid(`${to.displayName} already owns ${bot.name}`);
    const domain = (await loadPolicyInput(db))?.policy.botEmailDomain ?? null;
    if ((domain && to.email.toLowerCase().endsWith(`.bot@${domain.toLowerCase()}`)) || (await repo.isBotEmail(db, to.email)))
      throw invalid(`${to.email} is a bot mailbox; a bot is owned by a person`);
    await db.transaction(async (tx) => {
      if (!(await repo.setOwner(tx, id, bot.ownerId, to.id)))
        throw new AppError("conflict", "This bot's owner was changed by someone else since you loaded it; reload and try again");
      const cancelled = await cancelPendingTransfers(tx, {
        botId: id,
        actor: actorOf(ctx.principal),
        requestId: ctx.requestId,
        reason: `the bot was transferred directly to ${to.email}`,
      });
      await emit(tx, { type: "bot.owner_changed", botId: id, fromOwnerId: bot.ownerId, toOwnerId: to.id });
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "bot.ownership_transferred",
        resourceType: "bot",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: {
          name: bot.name,
          from: bot.owner?.email ?? null,
          fromStatus: bot.owner?.status ?? null,
          to: to.email,
          direct: true,
          note: body.note,
          ...(cancelled.length ? { cancelledRequests: cancelled } : {}),
        },
      });
    });
    return get(ctx, id);
  }

  /**
   * Bot identity rules on registration and edits (DESIGN.md "Bot identity"): the email is
   * `<name>.bot@<domain>` (400 otherwise), and neither the email nor a service account is used by
   * another bot (409). Imports record reality instead, and findings flag it.
   */
  async function checkIdentity(
    tx: Parameters<Parameters<Db["transaction"]>[0]>[0],
    bot: repo.ResolvedBot,
    selfId: string | null,
    check: { email: boolean; serviceAccounts: boolean },
  ) {
    const domain = (await loadPolicyInput(tx))?.policy.botEmailDomain ?? "example.com";
    const expected = expectedBotEmail(bot.name, domain);
    if (check.email && bot.email !== expected)
      throw invalidFields([fieldError("email", "invalid", `must be ${expected} (<name>.bot@<domain>), or left empty`)]);
    const conflicts = await repo.findIdentityConflicts(
      tx,
      { email: check.email ? bot.email : "", serviceAccounts: check.serviceAccounts ? bot.serviceAccounts : [] },
      selfId,
    );
    if (conflicts.length)
      throw new AppError("conflict", `One identity per bot and environment: ${conflicts[0]}`, { conflicts });
  }

  async function resolveOrThrow(tx: Parameters<Parameters<Db["transaction"]>[0]>[0], input: TBotInputParsed, ownerMustBeActive: boolean) {
    const refs = await repo.loadRefs(tx);
    const policy = await loadPolicyInput(tx);
    const res = resolveBotInput(input, refs, policy?.policy.botEmailDomain ?? "example.com");
    // The messages quote what was typed (`unknown team <slug>`) unless it looks like a secret.
    if (!res.ok) throw invalidFields((await withoutEchoedSecrets(res.errors)).map((e) => fieldError(e.field, e.code, e.message)));
    if (ownerMustBeActive && refs.people.get(input.owner.toLowerCase())?.status !== "active")
      throw invalidFields([fieldError("owner", "inactive_reference", `${input.owner} is deactivated; a bot needs an active owner`)]);
    return res.bot;
  }

  const rethrowConflict = (name: string) => (e: unknown) => {
    if (isUniqueViolation(e)) throw new AppError("conflict", `A bot named ${name} already exists`);
    throw e;
  };

  return { list, get, create, update, transfer };
}
export type BotsService = ReturnType<typeof createBotsService>;
