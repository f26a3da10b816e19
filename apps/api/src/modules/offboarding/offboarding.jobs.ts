import type { Db } from "@bridle/db";
import { emit } from "../../lib/domain-events.ts";
import { recordAudit, SYSTEM_ACTOR } from "../audit/index.ts";
import { lockBotForChange, setBotStatus } from "../bots/index.ts";
import { notifyMany } from "../notifications/index.ts";
import { loadOrphanDeadlineDays } from "../policy-settings/index.ts";
import { openCases } from "./offboarding.commands.ts";
import * as repo from "./offboarding.repo.ts";

const DAY_MS = 86_400_000;
/** How long before the org's orphan deadline the manager and IT are warned. */
export const ORPHAN_WARN_BEFORE_MS = DAY_MS;

export type OrphanJobReport = { opened: number; warned: number; paused: number };

/**
 * The orphan job (hourly, apps/api/src/jobs): no orphaned agents.
 * 1. Opens a case for every orphan (a bot not offboarded whose owner is missing or inactive) that
 *    has none, so each one is tracked; its deadline counts from `now`.
 * 2. Warns, once, the former owner's manager (the proposed owner) and IT (`orphan_pause_warning`)
 *    when an open orphan case is within ORPHAN_WARN_BEFORE_MS of its deadline (`orphanedSince` +
 *    the org's `orphanDeadlineDays`). Audit: `offboarding.orphan_warn`.
 * 3. Pauses, once, an orphan past its deadline whose case is still open (bot status `paused`, so
 *    every decision is denied; `bot.changed` refreshes findings and every replica's snapshot), one
 *    transaction per bot. Audit: `offboarding.orphan_pause`. Accepting a transfer resumes it.
 * Idempotent: each warning and pause happens at most once per case.
 */
export async function runOrphanJob(db: Db, now: Date): Promise<OrphanJobReport> {
  const untracked = await repo.orphanBots(db, { withoutOpenCase: true });
  let opened = 0;
  if (untracked.length)
    opened = (
      await db.transaction((tx) =>
        // The deadline counts from now, when Bridle starts tracking it: a bot orphaned long before
        // (before this job ran) gets the whole deadline, and its warning, before it is paused.
        openCases(tx, { botIds: untracked.map((b) => b.id), trigger: "owner_departed", reason: "The bot has no active owner", orphanedSince: now }, SYSTEM_ACTOR),
      )
    ).opened.length;

  const days = await loadOrphanDeadlineDays(db);
  const cases = await repo.openOrphanCases(db);
  const deadlineOf = (since: Date) => new Date(since.getTime() + days * DAY_MS);
  const toWarn = cases.filter((c) => !c.orphanWarnedAt && now.getTime() >= deadlineOf(c.orphanedSince!).getTime() - ORPHAN_WARN_BEFORE_MS);
  if (toWarn.length)
    await db.transaction(async (tx) => {
      const results = await notifyMany(
        tx,
        toWarn.map((c) => ({
          recipients: { personIds: c.proposedOwnerId ? [c.proposedOwnerId] : [], roles: ["it" as const] },
          kind: "orphan_pause_warning" as const,
          title: `${c.botName} has no active owner and will be paused on ${deadlineOf(c.orphanedSince!).toISOString().slice(0, 16).replace("T", " ")} UTC`,
          body: `${c.botName} has had no active owner since ${c.orphanedSince!.toISOString().slice(0, 10)}. Transfer it to a new owner or offboard it before the org's ${days}-day deadline, or Bridle pauses it.`,
          link: `/offboarding/${c.id}`,
          botId: c.botId,
        })),
        SYSTEM_ACTOR,
      );
      await repo.markOrphanHandled(
        tx,
        toWarn.map((c) => c.id),
        "warned",
        now,
      );
      for (const [i, c] of toWarn.entries())
        await recordAudit(tx, {
          actor: SYSTEM_ACTOR,
          action: "offboarding.orphan_warn",
          resourceType: "bot",
          resourceId: c.botId,
          outcome: "success",
          details: { caseId: c.id, botId: c.botId, bot: c.botName, deadline: deadlineOf(c.orphanedSince!).toISOString(), notified: results[i]!.recipientIds.length },
        });
    });

  let paused = 0;
  for (const c of cases.filter((c) => !c.orphanPausedAt && now.getTime() >= deadlineOf(c.orphanedSince!).getTime())) {
    await db.transaction(async (tx) => {
      const bot = await lockBotForChange(tx, c.botId);
      if (!bot || bot.status === "offboarded") return;
      const before = bot.status === "active" ? await setBotStatus(tx, { botId: c.botId, status: "paused", now }) : bot.status;
      if (bot.status === "active") await emit(tx, { type: "bot.changed", botId: c.botId, fields: ["status"] });
      await repo.markOrphanHandled(tx, [c.id], "paused", now);
      await recordAudit(tx, {
        actor: SYSTEM_ACTOR,
        action: "offboarding.orphan_pause",
        resourceType: "bot",
        resourceId: c.botId,
        outcome: "success",
        details: { caseId: c.id, botId: c.botId, bot: c.botName, deadline: deadlineOf(c.orphanedSince!).toISOString(), statusBefore: before ?? bot.status },
      });
      paused++;
    });
  }
  return { opened, warned: toWarn.length, paused };
}
