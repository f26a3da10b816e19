import { hash, randomUUID } from "node:crypto";
import { GATED_PARAMS_MAX_BYTES, type TApprovalDecisionReason, type TDecision, type ZDecisionRequest, type ZGatedActionPayload } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import { decide, haltingSwitch, type DecisionReason, type GatedActionRule } from "@bridle/policy";
import type { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { stableJson } from "../../lib/json.ts";
import type { DecisionSigner } from "../../lib/signing.ts";
import { consumeApproval, findRuntimeRequest, openGatedActionRequest } from "../approvals/index.ts";
import type { DecisionLog } from "./decision-log.ts";
import { currentRequestOrigin } from "../../lib/request-origin.ts";
import * as repo from "./decisions.repo.ts";
import { prepareGatedParams } from "./gated-params.ts";
import type { BotEntry, SnapshotStore } from "./policy-snapshot.ts";

export type DecisionInput = z.output<typeof ZDecisionRequest>;
/** The bot a runtime token authenticated (see bot-auth.ts). */
/** A bot runtime calling with its token: the bot, its name (for audit events) and the token. */
export type BotCaller = { botId: string; botName: string; tokenId: string; touch: boolean };
type Verdict = Omit<TDecision, "signature">;

/** allow / deny answers are good for a minute; then the runtime asks again */
export const DECISION_TTL_MS = 60_000;
const APPROVAL_RULE = "BR-APPROVAL";

/** The target as decided on: system and channel keys normalised like the policy rules do. */
function normalizeTarget(t: DecisionInput["target"]): Record<string, string> {
  const out: Record<string, string> = {};
  if (t.system !== undefined) out.system = t.system.trim().toLowerCase();
  if (t.channel !== undefined) out.channel = t.channel.trim().toLowerCase();
  if (t.resource !== undefined) out.resource = t.resource;
  return out;
}

/**
 * SHA-256 (hex) of the canonical JSON (sorted keys) of `{ action, target, params }`: an approval
 * is bound to exactly these parameters.
 */
export function paramsHashOf(action: string, target: Record<string, string>, params: unknown): string {
  return hash("sha256", stableJson({ action, target, params: params ?? null }), "hex");
}

const plural = (n: number) => (n === 1 ? "one approval" : `${n} approvals`);

/**
 * The decision API (DESIGN.md "Decision"): may this bot do X? Evaluated with the pure `decide()`
 * of @bridle/policy against the in-memory snapshot; every answer is recorded (its
 * `decision.<verdict>` audit event, denied ones too, the one record of it) before it is returned, and signed
 * (compact JWS, EdDSA) so the runtime can verify it offline.
 *
 * Gated actions in `require_approval` mode go through the database: the first call with a
 * request id opens one approval request bound to the parameters' hash, retries return the same
 * request, an approved request allows the action once (consumed in the same transaction as the
 * `allow` record), and anything else (denied, expired, used, other parameters) is denied.
 */
export function createDecisionsService(deps: {
  db: Db;
  snapshot: SnapshotStore;
  log: DecisionLog;
  signer: () => DecisionSigner;
  logger: { error: (obj: object, msg: string) => void };
}) {
  const { db, snapshot, log } = deps;

  /** A decision that could not be recorded is never answered (the runtime fails closed). */
  function unrecorded(err: unknown): never {
    if (err instanceof AppError) throw err;
    deps.logger.error({ err }, "a decision could not be recorded");
    throw new AppError("unavailable", "The decision could not be recorded; treat it as denied and try again");
  }

  /** The JWS payload: exactly these fields, in this order, as JSON. */
  const payloadOf = (v: Verdict): Verdict => ({
    decision: v.decision,
    reasons: v.reasons,
    approvalRequestId: v.approvalRequestId,
    policyVersion: v.policyVersion,
    expiresAt: v.expiresAt,
    requestId: v.requestId,
    botId: v.botId,
    action: v.action,
  });

  /** Signs one answer on its own (the gated path, whose record commits in its own transaction). */
  async function sign(v: Verdict): Promise<TDecision> {
    const payload = payloadOf(v);
    return { ...payload, signature: await deps.signer().sign(payload) };
  }

  /**
   * Records the decision through the group commit, which also signs it with its batch; answers
   * once both are done. The signer is checked first, so a decision is not recorded when it could
   * not be answered.
   */
  async function recordAndSign(v: Verdict, rec: repo.DecisionRecord, caller: BotCaller): Promise<TDecision> {
    deps.signer();
    const payload = payloadOf(v);
    const signature = await log.append(rec, payload, caller.touch ? caller.tokenId : undefined).catch(unrecorded);
    return { ...payload, signature };
  }

  const record = (bot: BotEntry, caller: BotCaller, input: DecisionInput, v: Verdict, extra: { target: Record<string, string>; paramsHash: string; httpRequestId: string; at: Date }): repo.DecisionRecord => {
    const origin = currentRequestOrigin();
    return {
      id: randomUUID(),
      botId: bot.id,
      botName: bot.name,
      tokenId: caller.tokenId,
      action: input.action,
      decision: v.decision,
      reasons: v.reasons,
      target: extra.target,
      runtimeRequestId: input.requestId,
      sessionId: input.sessionId ?? null,
      approvalRequestId: v.approvalRequestId,
      policyVersion: v.policyVersion,
      paramsHash: extra.paramsHash,
      httpRequestId: extra.httpRequestId,
      sourceIp: origin?.sourceIp ?? null,
      userAgent: origin?.userAgent ?? null,
      at: extra.at,
    };
  };

  /**
   * Decides, records and signs. Errors: 401 when the bot is gone from the snapshot (its token
   * no longer names a bot), 503 when the decision could not be recorded (the runtime must treat
   * that as a deny).
   */
  async function evaluate(caller: BotCaller, input: DecisionInput, httpRequestId: string): Promise<TDecision> {
    await snapshot.catchUp();
    const snap = snapshot.current();
    if (!snap) throw new AppError("unavailable", "Decisions are not ready yet; try again");
    const bot = snap.bots.get(caller.botId);
    if (!bot) throw new AppError("unauthenticated", "The bot token is invalid, expired or revoked");
    const now = new Date();
    const target = normalizeTarget(input.target);
    // An engaged kill switch covering the bot decides first; matched now, so a bot that joined its
    // scope after it was engaged is halted too. It denies before any approval is consumed.
    const halt = snap.switches.length ? haltingSwitch(bot, snap.switches) : null;
    const verdict = decide({ action: input.action, target }, { bot: halt ? { ...bot, halt } : bot, channelPolicy: snap.channelPolicy, systems: snap.systems, rules: bot.rules, now });
    const paramsHash = paramsHashOf(input.action, target, input.params);
    const extra = { target, paramsHash, httpRequestId, at: now };
    if (verdict.decision === "require_approval" && verdict.approval)
      return gated({ bot, caller, input, reasons: verdict.reasons, rule: verdict.approval, policyVersion: snap.version, ...extra });

    const v: Verdict = {
      decision: verdict.decision,
      reasons: verdict.reasons,
      approvalRequestId: null,
      policyVersion: snap.version,
      expiresAt: new Date(now.getTime() + DECISION_TTL_MS).toISOString(),
      requestId: input.requestId,
      botId: bot.id,
      action: input.action,
    };
    // Signed (on the signing thread) while its batch commits; answered only once both are done.
    return recordAndSign(v, record(bot, caller, input, v, extra), caller);
  }

  async function gated(a: {
    bot: BotEntry;
    caller: BotCaller;
    input: DecisionInput;
    reasons: DecisionReason[];
    rule: GatedActionRule;
    policyVersion: number;
    target: Record<string, string>;
    paramsHash: string;
    httpRequestId: string;
    at: Date;
  }): Promise<TDecision> {
    const { bot, caller, input, rule, at } = a;
    const base = { policyVersion: a.policyVersion, requestId: input.requestId, botId: bot.id, action: input.action };
    const denyFor = (id: string | null, code: TApprovalDecisionReason, message: string): Verdict => ({
      ...base,
      decision: "deny",
      reasons: [{ code, message, rule: APPROVAL_RULE }],
      approvalRequestId: id,
      expiresAt: new Date(at.getTime() + DECISION_TTL_MS).toISOString(),
    });

    // The approver is shown the parameters themselves, in full and with secrets cut out; too
    // large to show in full means never approvable, so it is denied before any request opens.
    const prepared = await prepareGatedParams(input.action, input.params, input.paramsSummary);
    if (!prepared.ok) {
      const v = denyFor(
        null,
        "params_too_large",
        `The parameters are ${prepared.bytes} bytes as canonical JSON; approvers must see all of what they approve, so a gated action's parameters may be at most ${GATED_PARAMS_MAX_BYTES} bytes. Send a shorter command (for example, run a reviewed script by its path)`,
      );
      return recordAndSign(v, record(bot, caller, input, v, a), caller);
    }
    const payload: z.input<typeof ZGatedActionPayload> = {
      action: input.action as z.input<typeof ZGatedActionPayload>["action"],
      target: a.target,
      ...prepared.shown,
      sessionId: input.sessionId ?? null,
    };

    const v = await db
      .transaction(async (tx) => {
        const opened = await openGatedActionRequest(
          tx,
          {
            botId: bot.id,
            runtimeRequestId: input.requestId,
            paramsHash: a.paramsHash,
            payload,
            approverRole: rule.approverRole,
            approvalsRequired: rule.approvalsRequired,
            expiresAt: new Date(at.getTime() + rule.requestTtlMinutes * 60_000),
            createdAt: at,
            audit: { bot: bot.name, action: input.action, target: a.target, httpRequestId: a.httpRequestId, sessionId: input.sessionId ?? null },
          },
          { type: "bot", id: bot.id, label: bot.name },
        );
        const req = opened ?? (await findRuntimeRequest(tx, bot.id, input.requestId));
        if (!req) throw new Error("approval request vanished between insert and select");
        let out: Verdict;
        if (opened || (req.status === "pending" && req.paramsHash === a.paramsHash && req.expiresAt.getTime() > at.getTime())) {
          out = { ...base, decision: "require_approval", reasons: a.reasons, approvalRequestId: req.id, expiresAt: req.expiresAt.toISOString() };
        } else if (req.kind !== "gated_action" || req.paramsHash !== a.paramsHash) {
          out = denyFor(
            req.id,
            "params_mismatch",
            req.status === "approved"
              ? "The parameters differ from the approved request; ask with a new requestId"
              : "The parameters differ from the request opened with this requestId; ask with a new requestId",
          );
        } else if (req.status === "approved") {
          const use = await consumeApproval(tx, req.id, at);
          out = use === "ok"
            ? {
                ...base,
                decision: "allow",
                reasons: [{ code: "approved", message: `${input.action} was approved (${plural(req.approvalsRequired)} from ${req.approverRole}); allowed once`, rule: APPROVAL_RULE }],
                approvalRequestId: req.id,
                expiresAt: new Date(at.getTime() + DECISION_TTL_MS).toISOString(),
              }
            : use === "used"
              ? denyFor(req.id, "approval_used", "The approval was already used; an approval allows its action once. Ask with a new requestId")
              : denyFor(req.id, "approval_expired", "The approval was not used in time after it was given; ask with a new requestId");
        } else if (req.status === "pending") {
          out = denyFor(req.id, "approval_expired", "The approval request expired before anyone decided it; ask with a new requestId");
        } else {
          const why: Record<string, [TApprovalDecisionReason, string]> = {
            denied: ["approval_denied", "A reviewer denied this request"],
            expired: ["approval_expired", "The approval request expired before anyone decided it; ask with a new requestId"],
            cancelled: ["approval_cancelled", "The approval request was cancelled"],
          };
          const [code, message] = why[req.status] ?? ["approval_unusable", `The approval request is ${req.status}`];
          out = denyFor(req.id, code, message);
        }
        await repo.insertDecisions(tx, [record(bot, caller, input, out, a)], caller.touch ? [caller.tokenId] : []);
        return out;
      })
      .catch(unrecorded);
    return sign(v);
  }

  return { evaluate };
}
export type DecisionsService = ReturnType<typeof createDecisionsService>;
