import { changesBetween, GATED_ACTIONS, type TGatedAction, type TGatedActionRule, type TGatedActionVersionDetail, type TGatedActionVersionSummary } from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { overrideLoosens } from "@bridle/policy";
import { type RequestCtx } from "../../lib/context.ts";
import { AppError, fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { emit } from "../../lib/domain-events.ts";
import { can, canReadBot } from "../../lib/permissions.ts";
import { actorOf, denied, recordAudit } from "../audit/index.ts";
import { findBotRow } from "../bots/index.ts";
import { bumpPolicyVersion } from "../policy-settings/index.ts";
import * as repo from "./gated-actions.repo.ts";
import { effectiveFor, partialOf } from "./gated-actions.rules.ts";

export type RuleFields = Omit<TGatedActionRule, "action">;
export type OverrideFields = Partial<Omit<repo.OverrideRow, "action">>;
export type BotRuleItem = { rule: TGatedActionRule; override: repo.OverrideRow | null; effective: TGatedActionRule };

/**
 * The gated-action policy (DESIGN.md "Gated action"): the org's rule per action, and per-bot
 * overrides. Every change bumps `org_policy.version`, is audited, and tells every replica to
 * rebuild its decision snapshot, in one transaction. Requests already open keep the approver role
 * and count they were opened with.
 */
export function createGatedActionsService(deps: { db: Db }) {
  const { db } = deps;

  const list = async () => ({ items: await repo.listRules(db) });

  async function orgRule(action: TGatedAction): Promise<TGatedActionRule> {
    const rule = (await repo.listRules(db)).find((r) => r.action === action);
    if (!rule) throw notFound(`Gated action ${action}`);
    return rule;
  }

  /** Auditors read; they never decide, so no rule may name them as approvers. */
  function checkApprover(role: string | null | undefined) {
    if (role === "auditor")
      throw invalidFields([fieldError("approverRole", "invalid_choice", "auditors read; they do not approve. Choose admin, security or it")], "Auditors read; they do not approve. Choose admin, security or it");
  }

  /** Changes the org's rule for one action (`policy.update`: admins). */
  async function update(ctx: RequestCtx, action: TGatedAction, fields: RuleFields): Promise<TGatedActionRule> {
    if (!can(ctx.principal, "policy.update"))
      throw await denied(db, ctx, { action: "gated_action.update", resourceType: "gated_action_policy", resourceId: action, what: "change the gated-action policy" });
    checkApprover(fields.approverRole);
    const before = await orgRule(action);
    const next = { ...fields, action };
    await db.transaction(async (tx) => {
      const kept = await keepBaseline(tx);
      await repo.saveRule(tx, next);
      const version = await bumpPolicyVersion(tx);
      await repo.insertRuleVersion(tx, {
        version: kept + 1,
        content: repo.ruleSetOf(await repo.listRules(tx)),
        policyVersion: version,
        changedBy: ctx.principal.email,
        changedAt: new Date(),
        source: "update",
      });
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "gated_action.update",
        resourceType: "gated_action_policy",
        resourceId: action,
        outcome: "success",
        requestId: ctx.requestId,
        details: { changes: changesBetween(before, next, ["mode", "approverRole", "approvalsRequired", "requestTtlMinutes"]), policyVersion: version },
      });
      await emit(tx, { type: "gated_action.changed", action });
    });
    return next;
  }

  /**
   * Locks the version sequence and records the rules in force as the baseline when no version is
   * kept yet. Returns the latest kept version number.
   */
  async function keepBaseline(tx: DbOrTx): Promise<number> {
    await repo.lockRuleVersions(tx);
    const latest = await repo.latestRuleVersion(tx);
    if (latest) return latest.version;
    await repo.insertRuleVersion(tx, { version: 1, content: repo.ruleSetOf(await repo.listRules(tx)), policyVersion: null, changedBy: null, changedAt: new Date(), source: "baseline" });
    return 1;
  }

  const versionSummary = (r: repo.RuleVersionRow): TGatedActionVersionSummary => ({
    version: r.version,
    policyVersion: r.policyVersion,
    changedBy: r.changedBy,
    changedAt: r.changedAt.toISOString(),
    source: r.source as TGatedActionVersionSummary["source"],
    restoredFrom: r.restoredFrom,
  });

  /** Every kept version of the org's rules, newest first (the rules in force are the baseline if none is kept yet). */
  async function versions(): Promise<{ items: TGatedActionVersionSummary[] }> {
    if (!(await repo.latestRuleVersion(db))) await db.transaction((tx) => keepBaseline(tx));
    return { items: (await repo.listRuleVersions(db)).map(versionSummary) };
  }

  /** One version in full, with the diff against the one kept before it (keyed by action). */
  async function version(v: number): Promise<TGatedActionVersionDetail> {
    const found = await repo.findRuleVersion(db, v);
    if (!found) throw notFound(`Gated-action policy version ${v}`);
    const content = found.row.content as repo.RuleSet;
    return {
      ...versionSummary(found.row),
      content,
      previousVersion: found.previous?.version ?? null,
      diff: found.previous ? changesBetween(found.previous.content as repo.RuleSet, content) : {},
    };
  }

  /**
   * Sets every org rule back to version `v`'s (admins): one action, one new version, one policy
   * version bump, every replica's snapshot rebuilt; audited as `gated_action.rollback`. Per-bot
   * overrides are not part of a version and stay as they are.
   */
  async function rollback(ctx: RequestCtx, v: number): Promise<{ items: TGatedActionRule[] }> {
    if (!can(ctx.principal, "policy.update"))
      throw await denied(db, ctx, { action: "gated_action.rollback", resourceType: "gated_action_policy", what: "roll the gated-action policy back" });
    await db.transaction(async (tx) => {
      const kept = await keepBaseline(tx);
      const target = await repo.findRuleVersion(tx, v);
      if (!target) throw notFound(`Gated-action policy version ${v}`);
      const before = repo.ruleSetOf(await repo.listRules(tx));
      const wanted = target.row.content as repo.RuleSet;
      const changed = GATED_ACTIONS.filter((a) => wanted[a] && JSON.stringify(wanted[a]) !== JSON.stringify(before[a]));
      for (const action of changed) await repo.saveRule(tx, { action, ...wanted[action]! });
      const policyVersion = changed.length ? await bumpPolicyVersion(tx) : null;
      const after = repo.ruleSetOf(await repo.listRules(tx));
      await repo.insertRuleVersion(tx, { version: kept + 1, content: after, policyVersion, changedBy: ctx.principal.email, changedAt: new Date(), source: "rollback", restoredFrom: v });
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "gated_action.rollback",
        resourceType: "gated_action_policy",
        resourceId: null,
        outcome: "success",
        requestId: ctx.requestId,
        details: { restoredFrom: v, version: kept + 1, changes: changesBetween(before, after), policyVersion },
      });
      for (const action of changed) await emit(tx, { type: "gated_action.changed", action });
    });
    return list();
  }

  async function readableBot(ctx: RequestCtx, botId: string) {
    const bot = await findBotRow(db, botId);
    if (!bot) throw notFound("Bot");
    if (!canReadBot(ctx.principal, bot))
      throw await denied(db, ctx, { action: "bot.read", resourceType: "bot", resourceId: botId, what: "read this bot" });
    return bot;
  }

  /** Every gated action for one bot: the org's rule, the bot's override, and what applies. */
  async function botRules(ctx: RequestCtx, botId: string): Promise<{ items: BotRuleItem[] }> {
    await readableBot(ctx, botId);
    const [rules, overrides, exceptionValid] = [await repo.listRules(db), await repo.listOverrides(db, botId), await repo.hasValidException(db, botId, new Date())];
    return {
      items: rules.map((rule) => {
        const override = overrides.get(rule.action) ?? null;
        return { rule, override, effective: effectiveFor(rule, override, exceptionValid) };
      }),
    };
  }

  /**
   * Sets a bot's override for one action. Who: admins and IT (`policy.update` or
   * `bots.write_all`); owners cannot, or they could lift a tightening security asked for.
   * - an override may only tighten (stricter mode, at least as many approvals): a looser one is
   *   refused with 400 and the reason, unless the bot has an approved, unexpired Golden Rule
   *   exception, and then only an admin (`policy.update`) may store it;
   * - changing the approver role is a policy decision: admins only.
   */
  async function setOverride(ctx: RequestCtx, botId: string, action: TGatedAction, fields: OverrideFields): Promise<BotRuleItem> {
    const what = { action: "gated_action.override_set" as const, resourceType: "bot", resourceId: botId };
    const admin = can(ctx.principal, "policy.update");
    if (!(await findBotRow(db, botId))) throw notFound("Bot");
    if (!admin && !can(ctx.principal, "bots.write_all")) throw await denied(db, ctx, { ...what, what: "change this bot's gated-action rules" });
    const override: repo.OverrideRow = {
      action,
      mode: fields.mode ?? null,
      approverRole: fields.approverRole ?? null,
      approvalsRequired: fields.approvalsRequired ?? null,
      requestTtlMinutes: fields.requestTtlMinutes ?? null,
    };
    if (override.mode === null && override.approverRole === null && override.approvalsRequired === null && override.requestTtlMinutes === null)
      throw new AppError("validation_failed", "An override sets at least one field; DELETE it to go back to the org's rule");
    checkApprover(override.approverRole);
    const org = await orgRule(action);
    if (override.approverRole !== null && override.approverRole !== org.approverRole && !admin)
      throw await denied(db, ctx, { ...what, what: "change who approves a gated action (admins only)" });
    const looser = overrideLoosens(org, partialOf(override));
    const exceptionValid = await repo.hasValidException(db, botId, new Date());
    if (looser && !exceptionValid)
      throw new AppError("validation_failed", `A bot's override may only tighten the org's rule: ${looser}`, { reason: looser });
    if (looser && !admin) throw await denied(db, ctx, { ...what, what: "loosen a gated action under a Golden Rule exception (admins only)" });
    const before = (await repo.listOverrides(db, botId)).get(action) ?? null;
    await db.transaction(async (tx) => {
      await repo.saveOverride(tx, botId, override);
      const version = await bumpPolicyVersion(tx);
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "gated_action.override_set",
        resourceType: "bot",
        resourceId: botId,
        outcome: "success",
        requestId: ctx.requestId,
        details: {
          gatedAction: action,
          changes: changesBetween<Record<string, unknown>>(before, override, ["mode", "approverRole", "approvalsRequired", "requestTtlMinutes"]),
          loosensUnderException: looser,
          policyVersion: version,
        },
      });
      await emit(tx, { type: "gated_action.override_changed", botId, action });
    });
    return { rule: org, override, effective: effectiveFor(org, override, exceptionValid) };
  }

  /** Removes a bot's override (the org's rule applies again). Same people as setting one. */
  async function removeOverride(ctx: RequestCtx, botId: string, action: TGatedAction): Promise<void> {
    if (!(await findBotRow(db, botId))) throw notFound("Bot");
    if (!can(ctx.principal, "policy.update") && !can(ctx.principal, "bots.write_all"))
      throw await denied(db, ctx, { action: "gated_action.override_remove", resourceType: "bot", resourceId: botId, what: "change this bot's gated-action rules" });
    await db.transaction(async (tx) => {
      if (!(await repo.deleteOverride(tx, botId, action))) throw notFound(`Override of ${action} on this bot`);
      const version = await bumpPolicyVersion(tx);
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "gated_action.override_remove",
        resourceType: "bot",
        resourceId: botId,
        outcome: "success",
        requestId: ctx.requestId,
        details: { gatedAction: action, policyVersion: version },
      });
      await emit(tx, { type: "gated_action.override_changed", botId, action });
    });
  }

  return { list, update, botRules, setOverride, removeOverride, versions, version, rollback };
}
export type GatedActionsService = ReturnType<typeof createGatedActionsService>;
