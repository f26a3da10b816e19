import type { TReviewSchedule } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import { emit } from "../../lib/domain-events.ts";
import { recordAudit, SYSTEM_ACTOR } from "../audit/index.ts";
import { notify } from "../notifications/index.ts";
import { loadReviewSettings } from "../policy-settings/index.ts";
import { startCampaign } from "./access-reviews.commands.ts";
import * as repo from "./access-reviews.repo.ts";

const DAY_MS = 86_400_000;

/**
 * The schedule's period containing `now` (UTC): `2026-Q4` (quarterly) or `2026-11` (monthly), and
 * when it began; null when the schedule is off. A scheduled campaign starts on the first day of
 * its period (or on the job's first run after it).
 */
export function reviewPeriod(schedule: TReviewSchedule, now: Date): { key: string; start: Date } | null {
  if (schedule === "off") return null;
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  if (schedule === "monthly") return { key: `${y}-${String(m + 1).padStart(2, "0")}`, start: new Date(Date.UTC(y, m, 1)) };
  const q = Math.floor(m / 3);
  return { key: `${y}-Q${q + 1}`, start: new Date(Date.UTC(y, q * 3, 1)) };
}

/** What one run of the review job did. */
export type ReviewJobReport = { campaignStarted: string | null; remindedWeek: number; remindedDay: number; paused: number };

/**
 * The access reviews' background job (apps/api/src/jobs runs it daily and at startup; safe to run
 * on several replicas at once, and more often):
 * 1. **Schedule:** with `reviewSchedule` not `off`, starts the period's campaign of all bots if it
 *    has none yet and some live bot was registered before the period began (due `reviewDueDays` later, looking back `reviewLookbackDays`; the unique period
 *    makes a second replica's attempt a no-op). Actor: Bridle (`system`).
 * 2. **Reminders:** each pending item is reminded once 7 days before its due date and once 1 day
 *    before (notify: the owner, or the admins for an orphan), within the same run at most one of the two per item.
 * 3. **Overdue:** with `reviewOverdueFailClosed` on, each pending item past its due date is paused
 *    (`access_review.overdue_pause`, one per item; `access_review.changed` refreshes the decision
 *    snapshot, which then denies the bot's gated actions naming the review).
 */
export async function runAccessReviewJob(db: Db, now: Date = new Date()): Promise<ReviewJobReport> {
  const report: ReviewJobReport = { campaignStarted: null, remindedWeek: 0, remindedDay: 0, paused: 0 };
  const settings = await loadReviewSettings(db);
  if (!settings) return report;

  const period = reviewPeriod(settings.reviewSchedule, now);
  // Only bots that were there before the period began are due: a new organization (or one that
  // registers its first bots mid-quarter) gets its first scheduled campaign next period.
  if (period && !(await repo.hasPeriod(db, period.key)) && (await repo.hasBotsCreatedBefore(db, period.start))) {
    const c = await db.transaction((tx) =>
      startCampaign(
        tx,
        {
          name: `Scheduled access review ${period.key}`,
          scope: "all",
          teamId: null,
          teamName: null,
          trigger: "schedule",
          period: period.key,
          dueAt: new Date(now.getTime() + settings.reviewDueDays * DAY_MS),
          lookbackDays: settings.reviewLookbackDays,
        },
        SYSTEM_ACTOR,
        now,
      ),
    );
    report.campaignStarted = c?.id ?? null;
  }

  await db.transaction(async (tx) => {
    // The 1-day reminder first: an item already inside the last day gets only that one.
    for (const which of ["day", "week"] as const) {
      const items = await repo.itemsToRemind(tx, { now, withinMs: (which === "day" ? 1 : 7) * DAY_MS, which });
      for (const it of items) {
        const left = which === "day" ? "tomorrow" : "in a week";
        await notify(
          tx,
          {
            recipients: it.i.reviewerId ? { personIds: [it.i.reviewerId] } : { roles: ["admin"] },
            kind: "access_review_reminder",
            title: `Access review of ${it.i.botName} is due ${left}`,
            body: `${it.campaign}: keep, reduce or offboard ${it.i.botName} by ${it.dueAt.toISOString().slice(0, 10)}. Missed, its gated actions may be paused.`,
            link: `/reviews/items/${it.i.id}`,
            botId: it.i.botId,
          },
          SYSTEM_ACTOR,
        );
      }
      const ids = items.map((i) => i.i.id);
      // An item reminded a day before needs no week reminder any more.
      await repo.markReminded(tx, ids, which, now);
      if (which === "day") await repo.markReminded(tx, items.filter((i) => i.i.remindedWeekAt === null).map((i) => i.i.id), "week", now);
      if (which === "day") report.remindedDay = ids.length;
      else report.remindedWeek = ids.length;
    }
  });

  if (settings.reviewOverdueFailClosed)
    await db.transaction(async (tx) => {
      const overdue = await repo.overdueUnpaused(tx, now);
      if (overdue.length === 0) return;
      await repo.markPaused(
        tx,
        overdue.map((o) => o.i.id),
        now,
      );
      for (const o of overdue)
        await recordAudit(tx, {
          actor: SYSTEM_ACTOR,
          action: "access_review.overdue_pause",
          resourceType: "bot",
          resourceId: o.i.botId,
          outcome: "success",
          details: { campaignId: o.i.campaignId, itemId: o.i.id, botId: o.i.botId, bot: o.i.botName, dueAt: o.dueAt.toISOString() },
        });
      await emit(tx, { type: "access_review.changed", botIds: overdue.map((o) => o.i.botId) });
      report.paused = overdue.length;
    });
  return report;
}
