import type { TFinding } from "@bridle/contracts";
import { makeFinding } from "./catalog.ts";
import type { BotFacts } from "./types.ts";
import { DAY_MS, isoDate } from "./util.ts";

/** The next access review is due one interval after the last review, or after creation if never reviewed. */
export function nextReviewDue(bot: Pick<BotFacts, "createdAt" | "lastReviewedAt">, intervalDays: number): Date {
  const base = bot.lastReviewedAt ?? bot.createdAt;
  return new Date(base.getTime() + intervalDays * DAY_MS);
}

/** Only bots that are running (or can be resumed) are reviewed; proposals and offboardings are not. */
export function checkReview(
  bot: Pick<BotFacts, "status" | "createdAt" | "lastReviewedAt">,
  intervalDays: number,
  now: Date,
): TFinding | null {
  if (bot.status !== "active" && bot.status !== "paused") return null;
  const due = nextReviewDue(bot, intervalDays);
  const lateMs = now.getTime() - due.getTime();
  if (!(lateMs > 0)) return null;
  const daysOverdue = Math.floor(lateMs / DAY_MS);
  const dueOn = isoDate(due);
  const lateness = daysOverdue === 0 ? "less than a day" : daysOverdue === 1 ? "1 day" : `${daysOverdue} days`;
  const last = bot.lastReviewedAt ? `last reviewed on ${isoDate(bot.lastReviewedAt)}` : "never reviewed";
  return makeFinding(
    "review_overdue",
    `The bot's access review was due on ${dueOn} and is ${lateness} overdue (${last}; reviews every ${intervalDays} days).`,
    { dueAt: due.toISOString(), daysOverdue },
  );
}
