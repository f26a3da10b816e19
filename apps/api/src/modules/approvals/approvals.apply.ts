import { parseApprovalPayload, type TSystemClassification } from "@bridle/contracts";
import type { DbOrTx } from "@bridle/db";
import { assessInputOf, checkGoldenRule, holdsGrant, type BotScope, type ScopeExpansion } from "@bridle/policy";
import { AppError } from "../../lib/errors.ts";
import { emit } from "../../lib/domain-events.ts";
import * as bots from "../bots/index.ts";
import * as repo from "./approvals.repo.ts";

export type Applied = { changes: Record<string, unknown> };

const stale = (message: string) => new AppError("conflict", `The bot changed since this request was made: ${message}. Deny it and request again.`);

/**
 * Makes an approved request real, inside the approving transaction (so the change, the findings
 * and change notice its `approval.applied` event brings, and the audit events commit together, or not at all).
 * The bot is re-checked under a row lock: a change that would now break the Golden Rule (because
 * the bot changed since the request was made) is refused with 409 and nothing is written.
 * - scope_expansion: inserts the grant (service accounts unchanged);
 * - golden_rule_exception: upserts the bot's approved exception (and the bundled grant, if any);
 * - ownership_transfer: the new person becomes the owner;
 * - gated_action: nothing here; the runtime consumes the approval.
 */
export async function applyApproved(tx: DbOrTx, request: repo.RequestRow, approvers: readonly { email: string }[], now: Date): Promise<Applied> {
  if (request.kind === "gated_action") return { changes: {} };
  const bot = await bots.lockBotForChange(tx, request.botId);
  if (!bot) throw new AppError("not_found", "Bot not found");
  if (bot.status === "offboarded" || bot.status === "offboarding") throw stale(`it is ${bot.status}`);
  const systems = await repo.loadSystems(tx);
  const classes = new Map<string, TSystemClassification>([...systems].map(([k, v]) => [k, v.classification]));
  const scope = (await repo.loadBotScopes(tx, [request.botId])).get(request.botId)!;
  const parsed = parseApprovalPayload(request.kind, request.payload);
  if (!parsed) throw new AppError("conflict", "The stored request does not match its kind; deny it");
  const people = await repo.findPeopleByEmail(tx, parsed.kind === "ownership_transfer" ? [parsed.payload.toEmail] : []);
  const input = assessInputOf(parsed, { approverRole: request.approverRole, approvalsRequired: request.approvalsRequired, people });

  /** Inserts the grant unless the bot already holds it (then approval changes nothing there). */
  const addGrant = async (g: ScopeExpansion) => {
    const system = systems.get(g.system);
    if (!system) throw stale(`connected system ${g.system} no longer exists`);
    if (holdsGrant(scope, g, now)) return null;
    return bots.addGrant(tx, { botId: request.botId, systemId: system.id, scope: g.scope, access: g.access, expiresAt: g.grantExpiresAt ? new Date(g.grantExpiresAt) : null });
  };
  const withGrant = (g: ScopeExpansion | undefined, exception: BotScope["exception"]): BotScope => ({
    ...scope,
    exception,
    grants: g ? [...scope.grants, { system: g.system, scope: g.scope, access: g.access, expiresAt: g.grantExpiresAt ? new Date(g.grantExpiresAt) : null }] : scope.grants,
  });

  let changes: Record<string, unknown>;
  switch (input.kind) {
    case "scope_expansion": {
      const next = withGrant(input.payload, scope.exception);
      if (checkGoldenRule(next, classes, now)) throw stale("adding this grant would now break the Golden Rule; request a Golden Rule exception instead");
      const grantId = await addGrant(input.payload);
      changes = { grant: { id: grantId, system: input.payload.system, scope: input.payload.scope, access: input.payload.access, expiresAt: input.payload.grantExpiresAt ?? null } };
      break;
    }
    case "golden_rule_exception": {
      const p = input.payload;
      const expiresAt = new Date(p.exceptionExpiresAt);
      if (expiresAt.getTime() <= now.getTime()) throw new AppError("conflict", "The exception's expiry has passed; deny this request and request a new exception");
      const exception = { status: "approved" as const, expiresAt, allowedSystems: p.allowedSystems, allowedChannels: p.allowedChannels };
      const next = withGrant(p.grant, exception);
      if (checkGoldenRule(next, classes, now)) throw stale("the exception no longer covers every external system of the bot");
      const grantId = p.grant ? await addGrant(p.grant) : null;
      const approvedBy = approvers.map((a) => a.email).join(", ");
      await bots.approveException(tx, {
        botId: request.botId,
        businessPurpose: p.businessPurpose,
        allowedSystems: p.allowedSystems,
        allowedChannels: p.allowedChannels,
        dataClassification: p.dataClassification,
        approvalRequirements: p.approvalRequirements,
        approvedBy,
        approvedAt: now,
        expiresAt,
      });
      changes = { exception: { allowedSystems: p.allowedSystems, allowedChannels: p.allowedChannels, expiresAt: p.exceptionExpiresAt, approvedBy }, ...(p.grant ? { grant: { id: grantId, ...p.grant } } : {}) };
      break;
    }
    case "ownership_transfer": {
      const to = people.get(input.payload.toEmail.toLowerCase());
      if (!to || to.status !== "active") throw stale(`${input.payload.toEmail} is not an active person any more`);
      await bots.assignOwner(tx, request.botId, to.id);
      changes = { owner: { from: scope.ownerEmail, to: to.email } };
      break;
    }
    case "gated_action":
      return { changes: {} };
  }
  await bots.markBotChanged(tx, request.botId, now);
  await emit(tx, { type: "approval.applied", requestId: request.id, kind: parsed.kind, botId: request.botId });
  return { changes };
}
