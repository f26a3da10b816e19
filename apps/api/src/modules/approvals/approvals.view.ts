import { parseApprovalPayload, type TApprovalPayloadOf, type TApprovalRequest, type TRole, type TSystemClassification } from "@bridle/contracts";
import type { DbOrTx } from "@bridle/db";
import { toIso } from "../../lib/sql.ts";
import { assess, assessInputOf, type Assessment, type BotScope } from "@bridle/policy";
import * as repo from "./approvals.repo.ts";

/** The request's status as a reader should see it: a pending request past its expiry is expired. */
export function displayStatus(status: string, expiresAt: Date, now: Date): TApprovalRequest["status"] {
  return (status === "pending" && expiresAt.getTime() <= now.getTime() ? "expired" : status) as TApprovalRequest["status"];
}

const unreadable: Assessment = {
  effect: { summary: "This request's payload could not be read", changes: [] },
  reasons: [{ code: "payload_unreadable", message: "The stored request does not match its kind; deny it", rule: "BR-APPROVAL" }],
  goldenRule: { internalData: false, externalCommunication: false, violation: false },
  becomesExceptionRequest: false,
};

/**
 * The one builder of the approval request as every reader sees it (ZApprovalRequest): the
 * approver's inbox, the console, the runtime long-polling its gated action. Many requests (the
 * inbox) cost a fixed number of queries. Each view has the requester (a person, or the bot itself
 * for a gated action), the bot's current scope, what approval would change and the policy's
 * reasons (computed now by `assess`, against the bot as it is now), and the history of reviews.
 */
export async function buildViews(db: DbOrTx, rows: readonly repo.RequestListRow[], now = new Date()): Promise<TApprovalRequest[]> {
  if (!rows.length) return [];
  // Each payload is parsed once, by its kind (the contracts' one parser); null when it does not match.
  const parsed = new Map<string, TApprovalPayloadOf | null>(rows.map((r) => [r.id, parseApprovalPayload(r.kind, r.payload)]));
  const transferEmails = [...parsed.values()].flatMap((p) => (p?.kind === "ownership_transfer" ? [p.payload.toEmail] : []));
  const [reviews, scopes, systems, people] = [
    await repo.reviewsFor(
      db,
      rows.map((r) => r.id),
    ),
    await repo.loadBotScopes(
      db,
      rows.map((r) => r.bot_id),
    ),
    await repo.loadSystems(db),
    await repo.findPeopleByEmail(db, transferEmails),
  ];
  const classifications = new Map<string, TSystemClassification>([...systems].map(([k, v]) => [k, v.classification]));
  return rows.map((r) => {
    const scope: BotScope = scopes.get(r.bot_id) ?? { name: r.bot_name, ownerEmail: r.owner_email, internalDataAccess: "none", channels: [], grants: [], exception: null };
    const p = parsed.get(r.id);
    const a = p ? assess(scope, assessInputOf(p, { approverRole: r.approver_role, approvalsRequired: r.approvals_required, people }), { systems: classifications, now }) : unreadable;
    const mine = reviews.filter((v) => v.requestId === r.id);
    return {
      id: r.id,
      kind: r.kind as TApprovalRequest["kind"],
      status: displayStatus(r.status, new Date(toIso(r.expires_at)!), now),
      bot: { id: r.bot_id, name: r.bot_name, environment: r.bot_environment, team: r.team_name, owner: r.owner_email },
      requester: r.requester_bot_id
        ? { type: "bot" as const, id: r.requester_bot_id, label: r.requester_bot_name ?? "(removed bot)" }
        : { type: "person" as const, id: r.requester_person_id, label: r.requester_email ?? "(removed person)" },
      justification: r.justification,
      payload: r.payload,
      approverRole: r.approver_role as TRole,
      approvalsRequired: r.approvals_required,
      approvals: mine.filter((v) => v.decision === "approve").length,
      reviews: mine.map((v) => ({
        reviewer: { id: v.reviewerId, email: v.email, displayName: v.displayName },
        decision: v.decision as "approve" | "deny",
        note: v.note,
        at: toIso(v.at)!,
      })),
      effect: a.effect,
      reasons: a.reasons,
      currentScope: {
        grants: scope.grants.map((g) => ({ system: g.system, scope: g.scope, access: g.access, expiresAt: g.expiresAt ? g.expiresAt.toISOString() : null })),
        channels: [...scope.channels],
        internalDataAccess: scope.internalDataAccess,
      },
      runtimeRequestId: r.runtime_request_id,
      createdAt: toIso(r.created_at)!,
      expiresAt: toIso(r.expires_at)!,
      decidedAt: toIso(r.decided_at),
      consumedAt: toIso(r.consumed_at),
    };
  });
}

/** One approval request in the ZApprovalRequest shape (see `buildViews`); null when there is none. */
export async function getApprovalRequestView(db: DbOrTx, id: string, now = new Date()): Promise<TApprovalRequest | null> {
  const row = await repo.getRequestRow(db, id);
  if (!row) return null;
  const [view] = await buildViews(db, [row], now);
  return view ?? null;
}
