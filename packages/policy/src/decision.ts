import type { TDecisionReasonCode, TGatedAction, TPersonStatus, TRole, TSystemClassification } from "@bridle/contracts";
import { GATED_ACTIONS, type GATED_ACTION_MODES } from "@bridle/contracts";
import { channelVerdict, type ChannelPolicy } from "./channels.ts";
import { budgetInForce, budgetSpentMessage, type ExhaustedBudget } from "./budget.ts";
import { checkGoldenRule } from "./golden-rule.ts";
import type { BotFacts } from "./types.ts";
import type { EngagedSwitch } from "./kill-switch.ts";
import { normalizeKey } from "./util.ts";

export type GatedActionMode = (typeof GATED_ACTION_MODES)[number];

/** How the org (or a per-bot override) treats one gated action type. */
export type GatedActionRule = {
  mode: GatedActionMode;
  approverRole: TRole;
  /** 2 means dual control: two distinct humans, neither of them the requester */
  approvalsRequired: number;
  /** how long an approval request stays open */
  requestTtlMinutes: number;
};

const MODE_STRENGTH: Record<GatedActionMode, number> = { allow: 0, require_approval: 1, deny: 2 };

/**
 * A per-bot override may only tighten the org rule (stricter mode, at least as many approvals),
 * unless an approved exception says otherwise. Returns why not, or null when it is allowed.
 */
export function overrideLoosens(org: GatedActionRule, override: Partial<GatedActionRule>): string | null {
  if (override.mode && MODE_STRENGTH[override.mode] < MODE_STRENGTH[org.mode])
    return `mode ${override.mode} is looser than the org's ${org.mode}`;
  if (override.approvalsRequired !== undefined && override.approvalsRequired < org.approvalsRequired)
    return `${override.approvalsRequired} approval(s) is fewer than the org's ${org.approvalsRequired}`;
  return null;
}

/** The org rule with a bot's override applied (an override only ever tightens). */
export function effectiveRule(org: GatedActionRule, override: Partial<GatedActionRule> | undefined): GatedActionRule {
  if (!override) return org;
  return {
    mode: override.mode && MODE_STRENGTH[override.mode] > MODE_STRENGTH[org.mode] ? override.mode : org.mode,
    approverRole: override.approverRole ?? org.approverRole,
    approvalsRequired: Math.max(org.approvalsRequired, override.approvalsRequired ?? 0),
    requestTtlMinutes: override.requestTtlMinutes ?? org.requestTtlMinutes,
  };
}

export type DecisionReason = { code: TDecisionReasonCode; message: string; rule: string };
export type DecisionVerdict = {
  decision: "allow" | "deny" | "require_approval";
  reasons: DecisionReason[];
  /** the rule that applies when approval is required */
  approval: GatedActionRule | null;
};

export type DecisionRequest = {
  action: string;
  target: { system?: string | undefined; resource?: string | undefined; channel?: string | undefined };
};

/** The bot's owner as decisions see it: null when the bot has none. */
export type DecisionOwner = { email: string; displayName: string; status: TPersonStatus } | null;

/** An access review of the bot missed past its due date while the org fails closed: its gated actions are paused. */
export type ReviewOverdue = { campaign: string; dueAt: Date } | null;

export type DecisionContext = {
  bot: Pick<BotFacts, "status" | "internalDataAccess" | "channels" | "grants" | "exception"> & {
    owner: DecisionOwner;
    reviewOverdue?: ReviewOverdue;
    /** a leak playbook is open on one of its credential references: its gated actions are held for security's approval */
    leakPlaybookOpen: boolean;
    /**
     * caps of the bot or its team whose period's spend reached them (each until its period ends):
     * while one is in force, everything but read-only actions is denied
     */
    budgetsExhausted?: readonly ExhaustedBudget[];
    /** an engaged kill switch covering the bot (see `haltingSwitch`): `pause` denies everything, `read_only` all but read-only actions */
    halt?: Pick<EngagedSwitch, "id" | "label" | "mode" | "reason" | "engagedBy" | "engagedAt"> | null;
  };
  channelPolicy: ChannelPolicy;
  systems: ReadonlyMap<string, TSystemClassification>;
  /** org rules with the bot's overrides already applied */
  rules: Readonly<Record<TGatedAction, GatedActionRule>>;
  now: Date;
};

/** Actions that talk to the outside world whatever the channel says. */
const EXTERNAL_ACTIONS = new Set(["email.send", "message.post_external"]);
const isGated = (a: string): a is TGatedAction => (GATED_ACTIONS as readonly string[]).includes(a);

/**
 * A read-only action: its name's last part (after the last `.` or `:`) is `read`, as in
 * `repo.read` or `github:issues:read`, the same verb that makes a grant read-only
 * (`<system>:<resource>:read`). Gated actions never are (none ends in `read`).
 */
export const isReadOnlyAction = (action: string): boolean => /(^|[.:])read$/.test(action.trim().toLowerCase());

/** Why a bot without an active owner may not take this action, naming the owner; null when it has one. */
function ownerGone(owner: DecisionOwner, action: string): DecisionReason | null {
  if (owner?.status === "active") return null;
  const until = "until the bot is transferred to a new owner or offboarded it may only take read-only actions";
  if (!owner) return { code: "owner_missing", message: `${action} refused: the bot has no owner; ${until}`, rule: "BR-ORPHANED" };
  return {
    code: "owner_departed",
    message: `${action} refused: the bot's owner ${owner.displayName} <${owner.email}> has left (account ${owner.status}); ${until}`,
    rule: "BR-ORPHANED",
  };
}

/**
 * Decides whether a bot may take an action (DESIGN.md "Decision"). Deny when unsure:
 * - a bot halted by an engaged kill switch is denied, naming the switch and its reason
 *   (BR-KILL-SWITCH, code `kill_switch`): in `pause` every action, in `read_only` every action
 *   but a read-only one (`*.read`, see isReadOnlyAction) that is not external communication;
 * - a bot that is not active is denied (BR-BOT-STATUS);
 * - while a budget cap of the bot or its team is spent (`budgetsExhausted`, until the period
 *   rolls over), everything but a read-only action is denied, naming the cap (BR-BUDGET; code
 *   `budget_exhausted`);
 * - a bot whose owner has left (deactivated) or that has no owner is denied everything but a
 *   read-only action (`*.read`, see isReadOnlyAction) that reaches no external system or channel
 *   (BR-ORPHANED; codes `owner_departed`, `owner_missing`): gated actions and external
 *   communication wait for a transfer or the offboarding;
 * - a gated action of a bot whose access review is overdue (`reviewOverdue`, set only when the org
 *   fails closed) is denied, naming the review (BR-REVIEW-OVERDUE; code `review_overdue`);
 * - a channel that is unknown, blocklisted or not allowlisted is denied (BR-CHANNEL);
 * - a system the bot holds no unexpired grant on is denied (BR-GRANT);
 * - external communication by a bot that breaks the Golden Rule is denied (BR-GOLDEN-RULE);
 * - a gated action follows its mode: `deny`, `require_approval` (a human decides), or `allow`;
 * - while a leak playbook is open on one of the bot's credential references, a gated action that
 *   is not denied needs security's approval (BR-LEAK-HOLD, code `credential_leak_suspected`), at
 *   least one, or as many as its own rule asks.
 * Pure and allocation-light: it runs on the hot path of `POST /decisions`.
 */
export function decide(req: DecisionRequest, ctx: DecisionContext): DecisionVerdict {
  const deny = (code: TDecisionReasonCode, message: string, rule: string): DecisionVerdict => ({
    decision: "deny",
    reasons: [{ code, message, rule }],
    approval: null,
  });
  const { bot } = ctx;
  if (bot.halt && (bot.halt.mode === "pause" || !isReadOnlyAction(req.action) || EXTERNAL_ACTIONS.has(req.action))) {
    const h = bot.halt;
    const what = h.mode === "pause" ? "paused" : "in read-only mode";
    return deny(
      "kill_switch",
      `${req.action} refused: the bot is ${what} by kill switch ${h.id} on ${h.label}, engaged by ${h.engagedBy} at ${h.engagedAt.toISOString()}: ${h.reason}`,
      "BR-KILL-SWITCH",
    );
  }
  if (bot.status !== "active") return deny("bot_not_active", `The bot is ${bot.status}; only active bots may act`, "BR-BOT-STATUS");
  const budget = budgetInForce(bot.budgetsExhausted, ctx.now);
  if (budget && !isReadOnlyAction(req.action))
    return deny("budget_exhausted", `${req.action} refused: ${budgetSpentMessage(budget)}; until the period ends only read-only actions are allowed`, "BR-BUDGET");
  const orphaned = ownerGone(bot.owner, req.action);
  if (orphaned && (!isReadOnlyAction(req.action) || EXTERNAL_ACTIONS.has(req.action))) return { decision: "deny", reasons: [orphaned], approval: null };
  if (bot.reviewOverdue && isGated(req.action))
    return deny(
      "review_overdue",
      `${req.action} refused: the access review "${bot.reviewOverdue.campaign}" of this bot was due on ${bot.reviewOverdue.dueAt.toISOString().slice(0, 10)} and is not decided; gated actions are paused until its owner decides it`,
      "BR-REVIEW-OVERDUE",
    );

  let external = EXTERNAL_ACTIONS.has(req.action);
  if (req.target.channel !== undefined) {
    const channel = normalizeKey(req.target.channel);
    const classification = ctx.systems.get(channel);
    if (classification === undefined) return deny("channel_unknown", `Channel ${channel} is not in the system catalog`, "BR-CHANNEL");
    const verdict = channelVerdict(channel, ctx.channelPolicy);
    if (!verdict.allowed)
      return deny(
        "channel_disallowed",
        verdict.reason === "blocklisted" ? `Channel ${channel} is on the org's blocklist` : `Channel ${channel} is not on the org's allowlist`,
        "BR-CHANNEL",
      );
    if (!bot.channels.some((c) => normalizeKey(c) === channel))
      return deny("channel_not_assigned", `Channel ${channel} is not one of this bot's channels`, "BR-CHANNEL");
    if (classification === "external_communication" || classification === "both") external = true;
  }

  if (req.target.system !== undefined) {
    const system = normalizeKey(req.target.system);
    const nowMs = ctx.now.getTime();
    const granted = bot.grants.some((g) => normalizeKey(g.system) === system && !(g.expiresAt && g.expiresAt.getTime() <= nowMs));
    if (!granted) return deny("system_not_granted", `The bot holds no grant on ${system}`, "BR-GRANT");
    const classification = ctx.systems.get(system) ?? "both";
    if (classification === "external_communication") external = true;
  }

  if (external && orphaned) return { decision: "deny", reasons: [orphaned], approval: null };
  if (external) {
    const violation = checkGoldenRule(bot, ctx.systems, ctx.now);
    if (violation)
      return deny("golden_rule", `External communication refused: ${violation.message}`, "BR-GOLDEN-RULE");
  }

  if (!isGated(req.action)) return { decision: "allow", reasons: [{ code: "not_gated", message: `${req.action} is not a gated action`, rule: "BR-GATED-ACTION" }], approval: null };
  const rule = ctx.rules[req.action];
  if (rule.mode === "deny") return deny("action_denied", `${req.action} is denied by policy`, "BR-GATED-ACTION");
  if (bot.leakPlaybookOpen) {
    const held: GatedActionRule = { ...rule, mode: "require_approval", approverRole: "security", approvalsRequired: Math.max(1, rule.approvalsRequired) };
    return {
      decision: "require_approval",
      reasons: [
        {
          code: "credential_leak_suspected",
          message: `${req.action} is held for approval: a leak of one of this bot's credentials is being handled; it needs ${held.approvalsRequired === 1 ? "one approval" : `${held.approvalsRequired} approvals`} from security until the leak playbook closes`,
          rule: "BR-LEAK-HOLD",
        },
      ],
      approval: held,
    };
  }
  if (rule.mode === "require_approval")
    return {
      decision: "require_approval",
      reasons: [
        {
          code: "approval_required",
          message: `${req.action} needs ${rule.approvalsRequired === 1 ? "one approval" : `${rule.approvalsRequired} approvals`} from ${rule.approverRole}`,
          rule: "BR-GATED-ACTION",
        },
      ],
      approval: rule,
    };
  return { decision: "allow", reasons: [{ code: "allowed", message: `${req.action} is allowed by policy`, rule: "BR-GATED-ACTION" }], approval: null };
}
