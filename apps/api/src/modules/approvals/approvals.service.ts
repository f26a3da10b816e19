import type { TApprovalRequest, TCreateApprovalRequest, TSystemClassification, ZListApprovalRequestsQuery } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import { assess, HUMAN_REQUEST_RULES, looksLikeBotEmail, MAX_EXCEPTION_DAYS, qualifiedScope, type Assessment, type ScopeExpansion } from "@bridle/policy";
import type { z } from "zod";
import { type RequestCtx } from "../../lib/context.ts";
import { AppError, fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { can, canManageBot } from "../../lib/permissions.ts";
import { refuseSecretFields } from "../../lib/secrets.ts";
import { actorOf, denied, recordAudit } from "../audit/index.ts";
import { getBotDetail } from "../bots/index.ts";
import * as repo from "./approvals.repo.ts";
import { buildViews, getApprovalRequestView } from "./approvals.view.ts";

export type Preview = Pick<Assessment, "effect" | "reasons" | "goldenRule" | "becomesExceptionRequest">;

const invalid = (path: string, message: string) => invalidFields([fieldError(path, "invalid", message)], message);
const DAY_MS = 86_400_000;

/**
 * Requests people open (scope expansion, Golden Rule exception, ownership transfer), their live
 * preview, the inbox and its badge. Reviews are in approvals.review.ts.
 */
export function createApprovalsService(deps: { db: Db }) {
  const { db } = deps;

  /**
   * Everything create and preview share: the bot (404), the right to manage it (403, audited),
   * input checks that do not depend on policy (400), and the policy assessment.
   */
  async function prepare(ctx: RequestCtx, body: TCreateApprovalRequest, now: Date) {
    const bot = await getBotDetail(db, body.botId);
    if (!bot) throw notFound("Bot");
    if (!canManageBot(ctx.principal, bot))
      throw await denied(db, ctx, { action: "approval.request", resourceType: "bot", resourceId: bot.id, what: "request changes to this bot" });
    if (bot.status === "offboarded" || bot.status === "offboarding")
      throw new AppError("conflict", `${bot.name} is ${bot.status}; it takes no new access or owners`);
    const systems = await repo.loadSystems(db);
    const checkGrant = (g: ScopeExpansion, path: string) => {
      if (!systems.has(g.system)) throw invalid(`${path}.system`, `unknown connected system ${g.system}`);
      const prefix = g.scope.includes(":") ? g.scope.split(":")[0]!.toLowerCase() : null;
      if (prefix !== null && prefix !== g.system && systems.has(prefix))
        throw invalid(`${path}.scope`, `scope ${g.scope} belongs to ${prefix}, not ${g.system}`);
      if (g.grantExpiresAt && new Date(g.grantExpiresAt).getTime() <= now.getTime())
        throw invalid(`${path}.grantExpiresAt`, "the grant's expiry must be in the future");
    };
    let toPerson: { id: string; email: string; displayName: string; status: string } | null = null;
    switch (body.kind) {
      case "scope_expansion":
        checkGrant(body.payload, "payload");
        break;
      case "golden_rule_exception": {
        if (body.payload.grant) checkGrant(body.payload.grant, "payload.grant");
        const until = new Date(body.payload.exceptionExpiresAt).getTime();
        if (until <= now.getTime()) throw invalid("payload.exceptionExpiresAt", "the exception's expiry must be in the future");
        if (until > now.getTime() + MAX_EXCEPTION_DAYS * DAY_MS)
          throw invalid("payload.exceptionExpiresAt", `an exception lasts at most ${MAX_EXCEPTION_DAYS} days; renew it with a new request`);
        for (const key of body.payload.allowedSystems)
          if (!systems.has(key)) throw invalid("payload.allowedSystems", `unknown connected system ${key}`);
        break;
      }
      case "ownership_transfer": {
        toPerson = (await repo.findPeopleByEmail(db, [body.payload.toEmail])).get(body.payload.toEmail.toLowerCase()) ?? null;
        const facts = await repo.botEmailFacts(db, body.payload.toEmail);
        if (looksLikeBotEmail(body.payload.toEmail, facts.domain, facts.isKnownBotEmail ? [body.payload.toEmail] : []))
          throw invalid("payload.toEmail", `${body.payload.toEmail} is a bot mailbox; a bot is owned by a person`);
        break;
      }
    }
    const scope = (await repo.loadBotScopes(db, [bot.id])).get(bot.id)!;
    const classes = new Map<string, TSystemClassification>([...systems].map(([k, v]) => [k, v.classification]));
    const assessment = assess(scope, body.kind === "ownership_transfer" ? { ...body, toPerson } : body, { systems: classes, now });
    return { bot, assessment, toPerson };
  }

  /**
   * What the request would change and what policy says about it, for the console form (called
   * on each change). 400 for input that could never be requested; a Golden Rule problem is not an
   * error here: it is reported (`goldenRule.violation`, `becomesExceptionRequest`, `reasons`).
   */
  async function preview(ctx: RequestCtx, body: TCreateApprovalRequest): Promise<Preview> {
    const { assessment } = await prepare(ctx, body, new Date());
    return assessment;
  }

  /**
   * Opens a request (the requester must be able to manage the bot). Refusals:
   * - 400 a scope expansion that would break the Golden Rule. We refuse it rather than open a
   *   request security would have to deny: the message says to send it as a Golden Rule
   *   exception, which carries the documented fields and the grant (`payload.grant`), so the
   *   owner still makes one request and security decides both together, under dual control;
   * - 400 an exception the bot would not need, or one that does not cover every external system;
   * - 400 a transfer to an unknown, deactivated or current owner, or to a bot mailbox;
   * - 409 a grant the bot already holds, or the same request already pending.
   */
  async function create(ctx: RequestCtx, body: TCreateApprovalRequest): Promise<TApprovalRequest> {
    const now = new Date();
    await refuseSecretFields({ justification: body.justification, payload: body.payload });
    const { bot, assessment } = await prepare(ctx, body, now);
    const has = (code: string) => assessment.reasons.find((r) => r.code === code);
    const exists = has("grant_exists");
    if (exists) throw new AppError("conflict", exists.message);
    if (body.kind === "scope_expansion" && assessment.becomesExceptionRequest) {
      const why = has("golden_rule_exception_needed")?.message ?? "This breaks the Golden Rule";
      throw new AppError(
        "validation_failed",
        `${why}. Request a Golden Rule exception instead: kind golden_rule_exception with the business purpose, allowed systems, ` +
          `allowed channels, data classification, approval requirements and expiry, and this grant as payload.grant.`,
        { reasons: assessment.reasons, goldenRule: assessment.goldenRule, becomesExceptionRequest: true },
      );
    }
    for (const code of ["exception_not_needed", "exception_incomplete", "exception_expiry_past", "owner_unknown", "owner_inactive", "same_owner"]) {
      const r = has(code);
      if (r) throw new AppError("validation_failed", r.message, { reasons: assessment.reasons });
    }
    const duplicate = await repo.findPendingDuplicate(db, bot.id, body.kind, body.kind === "scope_expansion" ? body.payload : null);
    if (duplicate)
      throw new AppError(
        "conflict",
        body.kind === "scope_expansion" ? "The same scope expansion is already pending for this bot" : `A ${body.kind.replaceAll("_", " ")} request is already pending for this bot`,
        { requestId: duplicate },
      );

    const rule = HUMAN_REQUEST_RULES[body.kind];
    const id = await db.transaction(async (tx) => {
      const id = await repo.insertRequest(tx, {
        kind: body.kind,
        botId: bot.id,
        requesterPersonId: ctx.principal.personId,
        payload: body.payload,
        justification: body.justification,
        approverRole: rule.approverRole,
        approvalsRequired: rule.approvalsRequired,
        expiresAt: new Date(now.getTime() + rule.ttlHours * 3_600_000),
      });
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "approval.request",
        resourceType: "approval_request",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: {
          kind: body.kind,
          botId: bot.id,
          bot: bot.name,
          summary: assessment.effect.summary,
          reasons: assessment.reasons.map((r) => r.code),
          approverRole: rule.approverRole,
          approvalsRequired: rule.approvalsRequired,
          ...("grant" in body.payload && body.payload.grant ? { grant: qualifiedScope(body.payload.grant) } : {}),
        },
      });
      return id;
    });
    return (await getApprovalRequestView(db, id))!;
  }

  /**
   * The inbox. `bots.read_all` (admin, security, IT, auditor) reads every request; everyone else
   * reads the requests they made and the requests about bots they own.
   */
  async function list(ctx: RequestCtx, q: z.output<typeof ZListApprovalRequestsQuery>) {
    const viewer = can(ctx.principal, "bots.read_all") ? null : ctx.principal.personId;
    const page = await repo.listRequests(db, q, ctx.principal.personId, viewer);
    return { items: await buildViews(db, page.rows), nextCursor: page.nextCursor, total: page.total };
  }

  /** Pending requests the caller could decide now (the navigation badge); 0 for a bot mailbox. */
  async function pendingCount(ctx: RequestCtx): Promise<{ pending: number }> {
    const facts = await repo.botEmailFacts(db, ctx.principal.email);
    if (looksLikeBotEmail(ctx.principal.email, facts.domain, facts.isKnownBotEmail ? [ctx.principal.email] : [])) return { pending: 0 };
    if (!can(ctx.principal, "bots.read_all")) return { pending: 0 };
    return { pending: await repo.countReviewable(db, { personId: ctx.principal.personId, roles: ctx.principal.roles }) };
  }

  return { preview, create, list, pendingCount };
}
export type ApprovalsService = ReturnType<typeof createApprovalsService>;
