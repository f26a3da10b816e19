import { ROTATION_DUE_REASON_LABELS, type TRotationDueReason } from "@bridle/contracts";
import type { DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";
import { subscribe, type DomainEvent } from "../../lib/domain-events.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/index.ts";
import { notify } from "../notifications/index.ts";
import { markDue, markRotationDue } from "./credentials.commands.ts";
import * as repo from "./credentials.repo.ts";

/**
 * When credential references become due for rotation without anyone asking (DESIGN.md
 * "Credential reference"): their bot changed owner or scope (domain events, in the transaction of
 * that change), or their rotation interval passed (the daily job, `flipIntervalDue`). Each time,
 * the people responsible (each reference's owner, else the bot's owner) are notified.
 */

/** The reason an event makes a bot's references due for rotation, per bot; empty for events that do not. */
export function rotationTriggers(event: DomainEvent): { botIds: readonly string[]; reason: TRotationDueReason }[] {
  switch (event.type) {
    case "bot.owner_changed":
      return [{ botIds: [event.botId], reason: "owner_changed" }];
    case "approval.applied":
      if (event.kind === "ownership_transfer") return [{ botIds: [event.botId], reason: "owner_changed" }];
      if (event.kind === "scope_expansion") return [{ botIds: [event.botId], reason: "scope_changed" }];
      return [];
    case "bot.changed":
      return event.fields.some((f) => f === "grants" || f === "channels") ? [{ botIds: [event.botId], reason: "scope_changed" }] : [];
    case "bots.changed":
      return event.fields.some((f) => f === "grants" || f === "channels") ? [{ botIds: event.botIds, reason: "scope_changed" }] : [];
    case "inventory.imported":
      return [
        ...(event.ownerChanged?.length ? [{ botIds: event.ownerChanged, reason: "owner_changed" as const }] : []),
        ...(event.scopeChanged?.length ? [{ botIds: event.scopeChanged, reason: "scope_changed" as const }] : []),
      ];
    default:
      return [];
  }
}

/** Tells the people responsible for these references (by bot) that they are due for rotation, and why. */
export async function notifyRotationDue(tx: DbOrTx, referenceIds: readonly string[], reason: TRotationDueReason, actor: Actor): Promise<void> {
  if (!referenceIds.length) return;
  const rows = await repo.detailRows(tx, sql`c.id in (select jsonb_array_elements_text(${JSON.stringify(referenceIds)}::jsonb)::uuid)`);
  const byBot = new Map<string, repo.DetailRow[]>();
  for (const r of rows) byBot.set(r.botId, [...(byBot.get(r.botId) ?? []), r]);
  for (const [botId, refs] of byBot) {
    const personIds = [...new Set(refs.flatMap((r) => [r.botOwnerId, r.owner?.id].filter((x): x is string => !!x)))];
    const n = refs.length;
    await notify(
      tx,
      {
        recipients: { personIds },
        kind: "rotation_due",
        title: `${n === 1 ? "A credential" : `${n} credentials`} of ${refs[0]!.botName} ${n === 1 ? "is" : "are"} due for rotation`,
        body:
          `Due for rotation because ${ROTATION_DUE_REASON_LABELS[reason]}:\n` +
          refs.map((r) => `- ${r.systemKey}: ${r.c.reference}`).join("\n") +
          `\nRotate each secret in its vault, then mark it rotated on the bot's page.`,
        link: `/bots/${botId}`,
        botId,
      },
      actor,
    );
  }
}

/**
 * In the transaction of a change: references of bots that changed owner or scope become due, and
 * their people are told. Registered before the findings subscriber, which then recomputes those
 * bots for the same event and sees the references due: no event of its own is needed.
 */
async function onEvent(tx: DbOrTx, event: DomainEvent) {
  for (const t of rotationTriggers(event)) {
    const marked = await markDue(tx, { botIds: t.botIds, reason: t.reason }, SYSTEM_ACTOR, { emit: false });
    await notifyRotationDue(
      tx,
      marked.map((r) => r.id),
      t.reason,
      SYSTEM_ACTOR,
    );
  }
}

/** Registers the credentials module's domain-event subscriber (at startup; idempotent). */
export function registerCredentialsSubscriber(): void {
  subscribe("credentials", onEvent);
}

/**
 * The daily job: every active reference whose rotation interval has passed at `now` (of an
 * active or paused bot) becomes `rotation_due` (reason `interval`, audited per bot as
 * `credential_reference.rotation_due` by Bridle), and the people responsible are notified.
 * Idempotent: a reference already due is left alone, so a rerun notifies nobody twice.
 * @returns how many references it marked
 */
export async function flipIntervalDue(tx: DbOrTx, now: Date): Promise<number> {
  const due = await repo.intervalPassed(tx, now);
  if (!due.length) return 0;
  const marked = await markRotationDue(tx, { botIds: [...new Set(due.map((d) => d.bot_id))], referenceIds: due.map((d) => d.id), reason: "interval" }, SYSTEM_ACTOR);
  await notifyRotationDue(
    tx,
    marked.map((r) => r.id),
    "interval",
    SYSTEM_ACTOR,
  );
  return marked.length;
}
