import {
  ZGatedActionPayload,
  ZGoldenRuleExceptionPayload,
  ZOwnershipTransferPayload,
  ZScopeExpansionPayload,
  type TApprovalRequest,
  type TDataAccessLevel,
  type TExceptionStatus,
  type TGrantAccess,
  type TRole,
} from "@bridle/contracts";
import { type DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";
import { rowsOf, toDate, toIso } from "../../lib/sql.ts";
import { assess, type AssessInput, type BotScope } from "../approvals/approvals.effect.ts";
import { loadSystems } from "./snapshot.repo.ts";

/**
 * The approval request as every reader sees it (ZApprovalRequest): the runtime long-polling its
 * gated action, the approver's inbox, the console. Shared with the approvals module.
 */

type RequestRow = {
  id: string;
  kind: TApprovalRequest["kind"];
  status: TApprovalRequest["status"];
  bot_id: string;
  requester_person_id: string | null;
  requester_bot_id: string | null;
  payload: Record<string, unknown>;
  justification: string | null;
  approver_role: TRole;
  approvals_required: number;
  runtime_request_id: string | null;
  created_at: unknown;
  expires_at: unknown;
  decided_at: unknown;
  consumed_at: unknown;
  bot_name: string;
  bot_environment: string;
  bot_owner_id: string | null;
  bot_internal_data_access: TDataAccessLevel;
  bot_channels: string[];
  team_name: string | null;
  owner_email: string | null;
  requester_email: string | null;
  requester_bot_name: string | null;
  exc_status: TExceptionStatus | null;
  exc_expires_at: unknown;
  exc_allowed_systems: string[] | null;
  exc_allowed_channels: string[] | null;
};

/** A pending request past its expiry reads as `expired` even before the expiry job records it. */
const effectiveStatus = (status: TApprovalRequest["status"], expiresAt: Date | null, now: Date): TApprovalRequest["status"] =>
  status === "pending" && expiresAt !== null && expiresAt.getTime() <= now.getTime() ? "expired" : status;

export type ApprovalAccess = {
  id: string;
  botId: string;
  botOwnerId: string | null;
  requesterPersonId: string | null;
  requesterBotId: string | null;
  status: TApprovalRequest["status"];
  expiresAt: Date;
};

/** Who may see a request, and its (effective) status: the cheap read the long-poll repeats. */
export async function getApprovalRequestAccess(db: DbOrTx, id: string, now = new Date()): Promise<ApprovalAccess | null> {
  const res = await db.execute(sql`
    select r.id, r.bot_id, b.owner_id, r.requester_person_id, r.requester_bot_id, r.status, r.expires_at
    from approval_requests r join bots b on b.id = r.bot_id where r.id = ${id}`);
  const r = rowsOf<{
    id: string;
    bot_id: string;
    owner_id: string | null;
    requester_person_id: string | null;
    requester_bot_id: string | null;
    status: TApprovalRequest["status"];
    expires_at: unknown;
  }>(res)[0];
  if (!r) return null;
  const expiresAt = toDate(r.expires_at)!;
  return {
    id: r.id,
    botId: r.bot_id,
    botOwnerId: r.owner_id,
    requesterPersonId: r.requester_person_id,
    requesterBotId: r.requester_bot_id,
    status: effectiveStatus(r.status, expiresAt, now),
    expiresAt,
  };
}

/** Of these request ids, the ones no longer pending (decided, or past their expiry). */
export async function settledAmong(db: DbOrTx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const res = await db.execute(sql`
    select id from approval_requests
    where id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)
      and (status <> 'pending' or expires_at <= now())`);
  return rowsOf<{ id: string }>(res).map((r) => r.id);
}

function assessInput(r: RequestRow, toPerson: { email: string; displayName: string; status: string } | null): AssessInput | null {
  switch (r.kind) {
    case "scope_expansion": {
      const p = ZScopeExpansionPayload.safeParse(r.payload);
      return p.success ? { kind: r.kind, payload: p.data } : null;
    }
    case "golden_rule_exception": {
      const p = ZGoldenRuleExceptionPayload.safeParse(r.payload);
      return p.success ? { kind: r.kind, payload: p.data } : null;
    }
    case "ownership_transfer": {
      const p = ZOwnershipTransferPayload.safeParse(r.payload);
      return p.success ? { kind: r.kind, payload: p.data, toPerson } : null;
    }
    case "gated_action": {
      const p = ZGatedActionPayload.safeParse(r.payload);
      return p.success ? { kind: r.kind, payload: p.data, approverRole: r.approver_role, approvalsRequired: r.approvals_required } : null;
    }
    default:
      return null;
  }
}

/**
 * One approval request in the ZApprovalRequest shape: the bot, the requester (a person, or the
 * bot itself for a gated action), the reviews so far, the effect of approving and the policy's
 * reasons (computed now by `assess` from the approvals module, against the bot's current scope),
 * and the bot's current grants and channels. Null when there is no such request.
 */
export async function getApprovalRequestView(db: DbOrTx, id: string, now = new Date()): Promise<TApprovalRequest | null> {
  const res = await db.execute(sql`
    select r.id, r.kind, r.status, r.bot_id, r.requester_person_id, r.requester_bot_id, r.payload, r.justification,
           r.approver_role, r.approvals_required, r.runtime_request_id, r.created_at, r.expires_at, r.decided_at, r.consumed_at,
           b.name as bot_name, b.environment as bot_environment, b.owner_id as bot_owner_id,
           b.internal_data_access as bot_internal_data_access, b.channels as bot_channels,
           t.name as team_name, o.email as owner_email, rp.email as requester_email, rb.name as requester_bot_name,
           e.status as exc_status, e.expires_at as exc_expires_at,
           e.allowed_systems as exc_allowed_systems, e.allowed_channels as exc_allowed_channels
    from approval_requests r
    join bots b on b.id = r.bot_id
    left join teams t on t.id = b.team_id
    left join people o on o.id = b.owner_id
    left join people rp on rp.id = r.requester_person_id
    left join bots rb on rb.id = r.requester_bot_id
    left join golden_rule_exceptions e on e.bot_id = b.id
    where r.id = ${id}`);
  const r = rowsOf<RequestRow>(res)[0];
  if (!r) return null;

  const toEmail = r.kind === "ownership_transfer" && typeof r.payload.toEmail === "string" ? r.payload.toEmail : null;
  const [reviewRes, grantRes, systems, toPersonRes] = await Promise.all([
    db.execute(sql`
      select v.reviewer_person_id, p.email, p.display_name, v.decision, v.note, v.created_at
      from approval_reviews v join people p on p.id = v.reviewer_person_id
      where v.request_id = ${id} order by v.created_at, v.id`),
    db.execute(sql`
      select s.key as system, g.scope, g.access, g.expires_at
      from grants g join connected_systems s on s.id = g.system_id
      where g.bot_id = ${r.bot_id} order by s.key, g.scope`),
    loadSystems(db),
    toEmail
      ? db.execute(sql`select email, display_name, status from people where lower(email) = ${toEmail.toLowerCase()} limit 1`)
      : Promise.resolve(null),
  ]);
  const reviews = rowsOf<{ reviewer_person_id: string; email: string; display_name: string; decision: "approve" | "deny"; note: string | null; created_at: unknown }>(
    reviewRes,
  );
  const grants = rowsOf<{ system: string; scope: string; access: TGrantAccess; expires_at: unknown }>(grantRes);
  const toPersonRow = toPersonRes ? rowsOf<{ email: string; display_name: string; status: string }>(toPersonRes)[0] : undefined;

  const scope: BotScope = {
    name: r.bot_name,
    ownerEmail: r.owner_email,
    internalDataAccess: r.bot_internal_data_access,
    channels: r.bot_channels,
    grants: grants.map((g) => ({ system: g.system, scope: g.scope, access: g.access, expiresAt: toDate(g.expires_at) })),
    exception: r.exc_status
      ? { status: r.exc_status, expiresAt: toDate(r.exc_expires_at), allowedSystems: r.exc_allowed_systems ?? [], allowedChannels: r.exc_allowed_channels ?? [] }
      : null,
  };
  const input = assessInput(r, toPersonRow ? { email: toPersonRow.email, displayName: toPersonRow.display_name, status: toPersonRow.status } : null);
  const assessment = input ? assess(scope, input, { systems, now }) : null;
  const expiresAt = toDate(r.expires_at);

  return {
    id: r.id,
    kind: r.kind,
    status: effectiveStatus(r.status, expiresAt, now),
    bot: { id: r.bot_id, name: r.bot_name, environment: r.bot_environment, team: r.team_name, owner: r.owner_email },
    requester: r.requester_bot_id
      ? { type: "bot", id: r.requester_bot_id, label: r.requester_bot_name ?? "(removed bot)" }
      : { type: "person", id: r.requester_person_id, label: r.requester_email ?? "(removed person)" },
    justification: r.justification,
    payload: r.payload,
    approverRole: r.approver_role,
    approvalsRequired: r.approvals_required,
    approvals: reviews.filter((v) => v.decision === "approve").length,
    reviews: reviews.map((v) => ({
      reviewer: { id: v.reviewer_person_id, email: v.email, displayName: v.display_name },
      decision: v.decision,
      note: v.note,
      at: toIso(v.created_at)!,
    })),
    effect: assessment?.effect ?? { summary: "This request's payload could not be read", changes: [] },
    reasons: assessment?.reasons ?? [{ code: "payload_unreadable", message: "The stored request does not match its kind; deny it", rule: "BR-APPROVAL" }],
    currentScope: {
      grants: grants.map((g) => ({ system: g.system, scope: g.scope, access: g.access, expiresAt: toIso(g.expires_at) })),
      channels: r.bot_channels,
      internalDataAccess: r.bot_internal_data_access,
    },
    runtimeRequestId: r.runtime_request_id,
    createdAt: toIso(r.created_at)!,
    expiresAt: toIso(r.expires_at)!,
    decidedAt: toIso(r.decided_at),
    consumedAt: toIso(r.consumed_at),
  };
}
