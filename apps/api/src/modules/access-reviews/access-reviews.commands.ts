import type { DbOrTx } from "@bridle/db";
import { recordAudit, type Actor } from "../audit/index.ts";
import { notify } from "../notifications/index.ts";
import * as repo from "./access-reviews.repo.ts";

export type Reviewed = repo.Reviewed;

export const grantLabel = (g: { system: string; scope: string; access: string }) => `${g.system}:${g.scope} (${g.access})`;

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Starts a campaign inside the caller's transaction (the admin's request, or the schedule job):
 * one item per live bot (`active` or `paused`) of the scope, assigned to its owner; a bot with no
 * active owner (an orphan) is assigned to the admins (`assignedTo: "admins"`, no reviewer), who
 * decide it (keep, reduce, or offboard). Each item keeps the bot's grants, channels and credential
 * references at the start, as the evidence pack's "at review time" until it is decided.
 * Notifies each owner once (their items) and the admins once (the orphans).
 * Audit: `access_review.campaign_start` (resource the campaign). Permissions are the caller's.
 * @returns the campaign, or null when `period` already has one (the schedule ran elsewhere first)
 */
export async function startCampaign(
  tx: DbOrTx,
  input: { name: string; scope: "all" | "team"; teamId: string | null; teamName: string | null; trigger: "manual" | "schedule"; period: string | null; dueAt: Date; lookbackDays: number },
  actor: Actor,
  now: Date = new Date(),
): Promise<repo.CampaignRow | null> {
  const campaign = await repo.insertCampaign(tx, { ...input, at: now, by: actor });
  if (!campaign) return null;
  const live = await repo.liveBotsInScope(tx, input.scope === "team" ? input.teamId : null);
  const state = await repo.reviewStateOf(
    tx,
    live.map((b) => b.id),
  );
  const items = await repo.insertItems(
    tx,
    live.map((b) => {
      const owned = b.ownerId !== null && b.ownerStatus === "active";
      return {
        campaignId: campaign.id,
        botId: b.id,
        botName: b.name,
        reviewerId: owned ? b.ownerId : null,
        assignedTo: owned ? "owner" : "admins",
        ownerEmail: b.ownerEmail ?? null,
        reviewed: state.get(b.id) ?? { grants: [], channels: [], credentialReferences: [] },
      };
    }),
  );
  const byReviewer = new Map<string, number>();
  let orphans = 0;
  for (const i of items) {
    if (i.reviewerId) byReviewer.set(i.reviewerId, (byReviewer.get(i.reviewerId) ?? 0) + 1);
    else orphans++;
  }
  const due = day(input.dueAt);
  for (const [personId, n] of byReviewer)
    await notify(
      tx,
      {
        recipients: { personIds: [personId] },
        kind: "access_review_assigned",
        title: `Access review: ${n === 1 ? "one bot" : `${n} bots`} to re-certify by ${due}`,
        body: `${input.name}: keep, reduce or offboard each bot you own by ${due}. A review missed past its due date may pause the bot's gated actions.`,
        link: "/reviews",
      },
      actor,
    );
  if (orphans)
    await notify(
      tx,
      {
        recipients: { roles: ["admin"] },
        kind: "access_review_assigned",
        title: `Access review: ${orphans === 1 ? "one orphaned bot" : `${orphans} orphaned bots`} to re-certify by ${due}`,
        body: `${input.name}: these bots have no active owner, so admins decide them (keep, reduce or offboard) by ${due}.`,
        link: "/reviews",
      },
      actor,
    );
  await recordAudit(tx, {
    actor,
    action: "access_review.campaign_start",
    resourceType: "access_review_campaign",
    resourceId: campaign.id,
    outcome: "success",
    details: {
      campaignId: campaign.id,
      name: campaign.name,
      scope: input.scope,
      team: input.teamName,
      trigger: input.trigger,
      dueAt: input.dueAt.toISOString(),
      lookbackDays: input.lookbackDays,
      items: items.length,
      orphans,
    },
  });
  return campaign;
}
