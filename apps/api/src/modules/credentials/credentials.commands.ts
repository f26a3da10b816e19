import type { TCredentialReference, TRotationDueReason } from "@bridle/contracts";
import type { DbOrTx } from "@bridle/db";
import { emit } from "../../lib/domain-events.ts";
import { recordAudit, type Actor } from "../audit/index.ts";
import { findBotRow } from "../bots/index.ts";
import * as repo from "./credentials.repo.ts";

/**
 * Commands other modules call inside their own transaction. The credentials module owns
 * `credential_references`; nothing outside it writes them.
 *
 * `revokeCredentialReferencesOf` and `markRotationDue` are changes of their own: each records its
 * typed audit event (`credential_reference.revoke`, `credential_reference.rotation_due`) and emits
 * `credential_reference.changed` in the caller's transaction. `replaceCredentialReferences` is one
 * step of a bot write that the caller audits (`bot.create`, `bot.update`, `inventory.import`), so
 * it records nothing itself.
 */

/** A credential reference a command changed or listed, with the bot it belongs to. */
export type BotCredentialReference = TCredentialReference & { botId: string; bot: string };

const named = (r: TCredentialReference) => ({ id: r.id, system: r.system, reference: r.reference });

/**
 * The bot's credential references (active, due for rotation and revoked), ordered by system key
 * then reference. Works with the pool or inside a transaction; an unknown bot has none.
 */
export async function credentialReferencesOf(db: DbOrTx, botId: string): Promise<TCredentialReference[]> {
  return (await repo.referencesOfBots(db, [botId])).map((r) => r.ref);
}

/**
 * Revokes every credential reference of the bot that is not revoked yet (offboarding, a suspected
 * leak): status `revoked`, `revokedAt` now, `revokedBy` the actor. Idempotent: a second call
 * revokes nothing more and records nothing.
 * Audit: one `credential_reference.revoke` event (resource the bot, details the bot, the reason and
 * the references revoked by this call), only when this call revoked something.
 * With `emit: false` (offboarding) the caller emits one event naming the bot for
 * everything it changed in the transaction (`bot.changed`), instead of `credential_reference.changed`.
 * @param reason why, in a person's words (shown in the audit log; never a secret)
 * @returns (an unknown bot has none: `[]`) every revoked reference of the bot after the call (those revoked earlier too, so a
 *   rerun can still list each one for rotation in its vault), each with `revokedNow` true when
 *   this call revoked it
 */
export async function revokeCredentialReferencesOf(
  tx: DbOrTx,
  input: { botId: string; reason: string; emit?: boolean },
  actor: Actor,
): Promise<(BotCredentialReference & { revokedNow: boolean })[]> {
  return revoke(tx, input, actor);
}

/**
 * Revokes one credential reference of the bot (the leak playbook's first step), as
 * `revokeCredentialReferencesOf` does for all of them: idempotent, audited only when it revoked.
 * @returns the reference after the call ([] when the bot has no such reference)
 */
export async function revokeCredentialReference(
  tx: DbOrTx,
  input: { botId: string; referenceId: string; reason: string },
  actor: Actor,
): Promise<(BotCredentialReference & { revokedNow: boolean })[]> {
  return revoke(tx, input, actor);
}

async function revoke(
  tx: DbOrTx,
  input: { botId: string; reason: string; referenceId?: string; emit?: boolean },
  actor: Actor,
): Promise<(BotCredentialReference & { revokedNow: boolean })[]> {
  const bot = await findBotRow(tx, input.botId);
  if (!bot) return [];
  const before = (await repo.referencesOfBots(tx, [input.botId], { lock: true })).filter((r) => !input.referenceId || r.ref.id === input.referenceId);
  const toRevoke = before.filter((r) => r.ref.status !== "revoked");
  if (toRevoke.length) {
    const now = new Date();
    await repo.setRevoked(
      tx,
      toRevoke.map((r) => r.ref.id),
      now,
      actor,
    );
    if (input.emit !== false) await emit(tx, { type: "credential_reference.changed", botIds: [input.botId] });
    await recordAudit(tx, {
      actor,
      action: "credential_reference.revoke",
      resourceType: input.referenceId ? "credential_reference" : "bot",
      resourceId: input.referenceId ?? input.botId,
      outcome: "success",
      details: { botId: input.botId, bot: bot.name, reason: input.reason, references: toRevoke.map((r) => named(r.ref)) },
    });
  }
  const now = new Set(toRevoke.map((r) => r.ref.id));
  const after = (await repo.referencesOfBots(tx, [input.botId])).filter((r) => !input.referenceId || r.ref.id === input.referenceId);
  return after.filter((r) => r.ref.status === "revoked").map((r) => ({ ...r.ref, botId: r.botId, bot: r.botName, revokedNow: now.has(r.ref.id) }));
}

/**
 * Revokes these credential references of the bot (an access review's "reduce"): like
 * `revokeCredentialReferencesOf`, limited to `referenceIds` (ids not of the bot, or revoked
 * already, are ignored). Audit: one `credential_reference.revoke` event when it revoked something.
 * @returns the references this call revoked
 */
export async function revokeCredentialReferences(
  tx: DbOrTx,
  input: { botId: string; referenceIds: readonly string[]; reason: string },
  actor: Actor,
): Promise<BotCredentialReference[]> {
  const bot = await findBotRow(tx, input.botId);
  if (!bot || input.referenceIds.length === 0) return [];
  const wanted = new Set(input.referenceIds);
  const toRevoke = (await repo.referencesOfBots(tx, [input.botId], { lock: true })).filter((r) => wanted.has(r.ref.id) && r.ref.status !== "revoked");
  if (toRevoke.length === 0) return [];
  await repo.setRevoked(
    tx,
    toRevoke.map((r) => r.ref.id),
    new Date(),
    actor,
  );
  await emit(tx, { type: "credential_reference.changed", botIds: [input.botId] });
  await recordAudit(tx, {
    actor,
    action: "credential_reference.revoke",
    resourceType: "bot",
    resourceId: input.botId,
    outcome: "success",
    details: { botId: input.botId, bot: bot.name, reason: input.reason, references: toRevoke.map((r) => named(r.ref)) },
  });
  const revoked = new Set(toRevoke.map((r) => r.ref.id));
  return (await repo.referencesOfBots(tx, [input.botId])).filter((r) => revoked.has(r.ref.id)).map((r) => ({ ...r.ref, botId: r.botId, bot: r.botName }));
}

/**
 * Marks every active credential reference of these bots (or, with `referenceIds`, only those of
 * them) due for rotation, since now, for `reason`. A reference already due keeps the date and
 * reason it first became due; a revoked one stays revoked. Idempotent.
 * Audit: one `credential_reference.rotation_due` event per bot that had a reference marked (resource
 * the bot, details the reason and those references); nothing when nothing changed.
 * @returns the references this call marked, with their bots
 */
export async function markRotationDue(
  tx: DbOrTx,
  input: { botIds: readonly string[]; reason: TRotationDueReason; referenceIds?: readonly string[] },
  actor: Actor,
): Promise<BotCredentialReference[]> {
  return markDue(tx, input, actor, { emit: true });
}

/**
 * `markRotationDue`, with or without its `credential_reference.changed` event: the credentials
 * subscriber marks references due inside another event's transaction, before the findings
 * subscriber runs for that same event, so a second recompute would find nothing new.
 */
export async function markDue(
  tx: DbOrTx,
  input: { botIds: readonly string[]; reason: TRotationDueReason; referenceIds?: readonly string[] },
  actor: Actor,
  opts: { emit: boolean },
): Promise<BotCredentialReference[]> {
  const botIds = [...new Set(input.botIds)];
  const only = input.referenceIds ? new Set(input.referenceIds) : null;
  const active = (await repo.referencesOfBots(tx, botIds, { lock: true })).filter((r) => r.ref.status === "active" && (!only || only.has(r.ref.id)));
  if (active.length === 0) return [];
  const now = new Date();
  await repo.setRotationDue(
    tx,
    active.map((r) => r.ref.id),
    now,
    input.reason,
  );
  const byBot = new Map<string, typeof active>();
  for (const r of active) byBot.set(r.botId, [...(byBot.get(r.botId) ?? []), r]);
  if (opts.emit) await emit(tx, { type: "credential_reference.changed", botIds: [...byBot.keys()] });
  for (const [botId, refs] of byBot)
    await recordAudit(tx, {
      actor,
      action: "credential_reference.rotation_due",
      resourceType: "bot",
      resourceId: botId,
      outcome: "success",
      details: { botId, bot: refs[0]!.botName, reason: input.reason, references: refs.map((r) => named(r.ref)) },
    });
  const iso = now.toISOString();
  return active.map((r) => ({ ...r.ref, status: "rotation_due", rotationDueSince: iso, rotationDueReason: input.reason, botId: r.botId, bot: r.botName }));
}

/** A bot's credential references as a bot write gives them: connected system ids resolved. */
export type CredentialReferenceWrite = repo.DesiredReference;

/**
 * Makes the bot's credential references exactly `references` (a bot registered, edited, or
 * imported), matched by system and reference: one that stays keeps its id, creation date and
 * status; the rest are removed or added as `active`. One step of the caller's audited bot write:
 * records no audit event and emits no domain event of its own (the caller's `bot.created`,
 * `bot.changed` or `inventory.imported` covers it).
 * @returns how many references were added and removed
 */
export async function replaceCredentialReferences(
  tx: DbOrTx,
  input: { botId: string; references: readonly CredentialReferenceWrite[] },
): Promise<{ added: number; removed: number }> {
  return repo.replaceReferences(tx, input.botId, input.references);
}
