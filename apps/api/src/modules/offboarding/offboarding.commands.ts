import type { TOffboardingTrigger } from "@bridle/contracts";
import type { DbOrTx } from "@bridle/db";
import { AppError } from "../../lib/errors.ts";
import { recordAudit, type Actor } from "../audit/index.ts";
import * as repo from "./offboarding.repo.ts";

/**
 * Commands other modules call inside their own transaction. The offboarding module owns
 * `offboarding_cases` and `offboarding_steps`; nothing outside it writes them.
 */

/** An offboarding case as the commands return it. */
export type OffboardingCase = {
  id: string;
  botId: string;
  trigger: TOffboardingTrigger;
  reason: string;
  status: "open" | "closed";
  formerOwnerId: string | null;
  proposedOwnerId: string | null;
  orphanedSince: string | null;
  openedAt: string;
};

const toCase = (r: repo.CaseRow): OffboardingCase => ({
  id: r.id,
  botId: r.botId,
  trigger: r.trigger as TOffboardingTrigger,
  reason: r.reason,
  status: r.status as OffboardingCase["status"],
  formerOwnerId: r.formerOwnerId,
  proposedOwnerId: r.proposedOwnerId,
  orphanedSince: r.orphanedSince?.toISOString() ?? null,
  openedAt: r.openedAt.toISOString(),
});

/**
 * Opens one case per bot that has none open, in one pass (a departure with many bots). Bots that
 * do not exist or are already offboarded are skipped. Each case records the bot's owner at opening
 * (`formerOwnerId`), that owner's manager as the proposed new owner (when active and not the owner
 * themselves), and, when the bot has no active owner, since when it is orphaned (the owner's
 * deactivation time, else now; or `orphanedSince` when given: the orphan job counts an orphan it
 * finds from then). Audit: one `offboarding.case_open` per case opened.
 * @returns every bot's open case (opened now or before), and which were opened by this call
 */
export async function openCases(
  tx: DbOrTx,
  input: { botIds: readonly string[]; trigger: TOffboardingTrigger; reason: string; orphanedSince?: Date },
  actor: Actor,
): Promise<{ cases: OffboardingCase[]; opened: string[] }> {
  const botIds = [...new Set(input.botIds)];
  const found = (await repo.botsWithOwners(tx, botIds)).filter((b) => b.status !== "offboarded");
  const existing = await repo.openCasesOf(
    tx,
    found.map((b) => b.id),
  );
  const hasCase = new Set(existing.map((c) => c.botId));
  const now = new Date();
  const wanted = found
    .filter((b) => !hasCase.has(b.id))
    .map((b): repo.NewCase => {
      const ownerActive = b.ownerId !== null && b.ownerStatus === "active";
      const managerActive = b.managerId !== null && b.managerStatus === "active" && b.managerId !== b.ownerId;
      return {
        botId: b.id,
        trigger: input.trigger,
        reason: input.reason,
        formerOwnerId: b.ownerId,
        proposedOwnerId: managerActive ? b.managerId : null,
        orphanedSince: ownerActive ? null : (input.orphanedSince ?? b.ownerDeactivatedAt ?? now),
      };
    });
  const inserted = await repo.insertOpenCases(tx, wanted, actor, now);
  const byBot = new Map(found.map((b) => [b.id, b]));
  for (const c of inserted) {
    const b = byBot.get(c.botId)!;
    await recordAudit(tx, {
      actor,
      action: "offboarding.case_open",
      resourceType: "bot",
      resourceId: c.botId,
      outcome: "success",
      details: {
        caseId: c.id,
        botId: c.botId,
        bot: b.name,
        trigger: input.trigger,
        reason: input.reason,
        formerOwner: b.ownerEmail ?? null,
        proposedOwner: c.proposedOwnerId ? (b.managerEmail ?? null) : null,
      },
    });
  }
  // A concurrent opening may have won a bot between the read and the insert: read those back.
  const missing = found.filter((b) => !hasCase.has(b.id) && !inserted.some((c) => c.botId === b.id)).map((b) => b.id);
  const raced = await repo.openCasesOf(tx, missing);
  return { cases: [...existing, ...inserted, ...raced].map(toCase), opened: inserted.map((c) => c.id) };
}

/**
 * Opens an offboarding case for a bot (a departure, an access review's "offboard", IT by hand),
 * inside the caller's transaction. Idempotent: a bot has at most one open case; asking again
 * returns the open one (`opened: false`) and records nothing.
 *
 * Permissions are the caller's: the `person.deactivated` subscriber (actor: system), the access
 * reviews module (the item's owner, after its own check) and this module's routes (IT, admins, or
 * the bot's owner) each check who may ask before calling.
 * Audit: `offboarding.case_open` (resource the bot) when a case is opened.
 * @param input.reason why, in a person's words (shown on the case and in the audit log)
 * @throws AppError `not_found` when there is no such bot; `conflict` when the bot is already offboarded
 */
export async function openOffboardingCase(
  tx: DbOrTx,
  input: { botId: string; trigger: TOffboardingTrigger; reason: string },
  actor: Actor,
): Promise<OffboardingCase & { opened: boolean }> {
  const { cases, opened } = await openCases(tx, { botIds: [input.botId], trigger: input.trigger, reason: input.reason }, actor);
  const c = cases[0];
  if (!c) {
    const [bot] = await repo.botsWithOwners(tx, [input.botId]);
    if (!bot) throw new AppError("not_found", "Bot not found");
    throw new AppError("conflict", `${bot.name} is already offboarded`);
  }
  return { ...c, opened: opened.includes(c.id) };
}
