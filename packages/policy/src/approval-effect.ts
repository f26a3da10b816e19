import type { TApprovalPayloadOf, TSystemClassification } from "@bridle/contracts";
import { capabilities, checkGoldenRule, exceptionVerdict, type Capabilities } from "./golden-rule.ts";
import type { BotFacts } from "./types.ts";

/**
 * What approving a request would change, and the policy's reasons, computed with the same
 * policy code as the findings and the decision path (`capabilities`, `checkGoldenRule`,
 * `exceptionVerdict`). Pure: the caller loads the bot and the catalog. The API's approvals module
 * builds every view of a request with it, and applies an approved one after re-checking it.
 */

type PayloadOf<K extends TApprovalPayloadOf["kind"]> = Extract<TApprovalPayloadOf, { kind: K }>["payload"];
export type ScopeExpansion = PayloadOf<"scope_expansion">;
export type ExceptionRequest = PayloadOf<"golden_rule_exception">;
export type OwnershipTransfer = PayloadOf<"ownership_transfer">;
export type GatedActionRequest = PayloadOf<"gated_action">;

export type ApprovalReason = { code: string; message: string; rule: string };
export type Effect = { summary: string; changes: string[] };
export type GoldenRuleState = { internalData: boolean; externalCommunication: boolean; violation: boolean };

/** The bot as the assessment sees it: its scope now and its current exception. */
export type BotScope = Pick<BotFacts, "internalDataAccess" | "channels" | "grants" | "exception"> & {
  name: string;
  ownerEmail: string | null;
};

export type Assessment = {
  effect: Effect;
  reasons: ApprovalReason[];
  /** the bot after the change, counting only exceptions already approved (never the one requested) */
  goldenRule: GoldenRuleState;
  /** the change breaks the Golden Rule, so it must be requested as a Golden Rule exception */
  becomesExceptionRequest: boolean;
};

export type AssessInput =
  | { kind: "scope_expansion"; payload: ScopeExpansion }
  | { kind: "golden_rule_exception"; payload: ExceptionRequest }
  | { kind: "ownership_transfer"; payload: OwnershipTransfer; toPerson: { email: string; displayName: string; status: string } | null }
  | { kind: "gated_action"; payload: GatedActionRequest; approverRole: string; approvalsRequired: number };

type Ctx = { systems: ReadonlyMap<string, TSystemClassification>; now: Date };

const GOLDEN = "BR-GOLDEN-RULE";
const date = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : null);
const list = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;

export function qualifiedScope(g: { system: string; scope: string }): string {
  return g.scope.toLowerCase().startsWith(`${g.system}:`) ? g.scope : `${g.system}:${g.scope}`;
}

function grantChange(g: ScopeExpansion): string {
  const until = date(g.grantExpiresAt);
  return `add grant ${qualifiedScope(g)} (${g.access}) on ${g.system}, ${until ? `expiring ${until}` : "with no expiry"}`;
}

const withGrant = (bot: BotScope, g: ScopeExpansion | undefined): BotScope =>
  g
    ? {
        ...bot,
        grants: [...bot.grants, { system: g.system, scope: g.scope, access: g.access, expiresAt: g.grantExpiresAt ? new Date(g.grantExpiresAt) : null }],
      }
    : bot;

/** Whether the bot already holds this exact, unexpired grant. */
export function holdsGrant(bot: BotScope, g: ScopeExpansion, now: Date): boolean {
  return bot.grants.some(
    (x) =>
      x.system === g.system &&
      x.scope.toLowerCase() === g.scope.toLowerCase() &&
      x.access === g.access &&
      !(x.expiresAt && x.expiresAt.getTime() <= now.getTime()),
  );
}

/** Words for what a change adds to the bot's reach: internal data, external communication, or both. */
function reachReasons(before: Capabilities, after: Capabilities): ApprovalReason[] {
  const out: ApprovalReason[] = [];
  const added = (now: string[], was: string[]) => now.filter((s) => !was.includes(s));
  if (after.internalData && !before.internalData)
    out.push({ code: "adds_internal_data", message: `This gives the bot internal data access (${list(added(after.internalSources, before.internalSources))})`, rule: GOLDEN });
  if (after.externalCommunication && !before.externalCommunication)
    out.push({
      code: "adds_external_communication",
      message: `This gives the bot external communication (${list(added(after.externalSources, before.externalSources))})`,
      rule: GOLDEN,
    });
  return out;
}

/** The Golden Rule reason for a bot that would hold both capabilities without a valid exception. */
function needsExceptionReason(before: Capabilities, after: Capabilities, brokenBefore: boolean): ApprovalReason {
  const uncoveredHint = `an exception covering ${list(after.externalSystems)}`;
  if (brokenBefore)
    return {
      code: "golden_rule_exception_needed",
      message: `The bot already has internal data access and external communication without a valid exception; the Golden Rule needs ${uncoveredHint}`,
      rule: GOLDEN,
    };
  const what =
    before.internalData && !before.externalCommunication
      ? "this gives external communication to a bot with internal data access"
      : before.externalCommunication && !before.internalData
        ? "this gives internal data access to a bot with external communication"
        : "this gives the bot both internal data access and external communication";
  return { code: "golden_rule_exception_needed", message: `${what[0]!.toUpperCase()}${what.slice(1)}: the Golden Rule needs ${uncoveredHint}`, rule: GOLDEN };
}

function state(caps: Capabilities, violation: boolean): GoldenRuleState {
  return { internalData: caps.internalData, externalCommunication: caps.externalCommunication, violation };
}

function assessScopeExpansion(bot: BotScope, g: ScopeExpansion, ctx: Ctx): Assessment {
  const before = capabilities(bot, ctx.systems, ctx.now);
  const next = withGrant(bot, g);
  const after = capabilities(next, ctx.systems, ctx.now);
  const brokenBefore = checkGoldenRule(bot, ctx.systems, ctx.now) !== null;
  const violation = checkGoldenRule(next, ctx.systems, ctx.now) !== null;
  const reasons: ApprovalReason[] = [];
  if (holdsGrant(bot, g, ctx.now))
    reasons.push({ code: "grant_exists", message: `${bot.name} already holds ${qualifiedScope(g)} (${g.access})`, rule: "BR-GRANT" });
  reasons.push(...reachReasons(before, after));
  if (violation) reasons.push(needsExceptionReason(before, after, brokenBefore));
  else if (after.internalData && after.externalCommunication)
    reasons.push({ code: "covered_by_exception", message: `The bot's approved Golden Rule exception covers ${list(after.externalSystems)}`, rule: GOLDEN });
  else
    reasons.push({
      code: "within_golden_rule",
      message: `The bot keeps to the Golden Rule: ${after.internalData ? "internal data access" : after.externalCommunication ? "external communication" : "neither internal data access nor external communication"} only`,
      rule: GOLDEN,
    });
  return {
    effect: { summary: `${bot.name} gains ${qualifiedScope(g)} (${g.access} access on ${g.system})`, changes: [grantChange(g), "service accounts unchanged"] },
    reasons,
    goldenRule: state(after, violation),
    becomesExceptionRequest: violation,
  };
}

function assessException(bot: BotScope, p: ExceptionRequest, ctx: Ctx): Assessment {
  const before = capabilities(bot, ctx.systems, ctx.now);
  const next = withGrant(bot, p.grant);
  const after = capabilities(next, ctx.systems, ctx.now);
  const brokenBefore = checkGoldenRule(bot, ctx.systems, ctx.now) !== null;
  const violation = checkGoldenRule(next, ctx.systems, ctx.now) !== null;
  const proposed = { status: "approved" as const, expiresAt: new Date(p.exceptionExpiresAt), allowedSystems: p.allowedSystems, allowedChannels: p.allowedChannels };
  const verdict = exceptionVerdict(proposed, after.externalSystems, ctx.now);
  const reasons: ApprovalReason[] = [];
  if (p.grant) {
    if (holdsGrant(bot, p.grant, ctx.now))
      reasons.push({ code: "grant_exists", message: `${bot.name} already holds ${qualifiedScope(p.grant)} (${p.grant.access})`, rule: "BR-GRANT" });
    reasons.push(...reachReasons(before, after));
  }
  if (!(after.internalData && after.externalCommunication))
    reasons.push({
      code: "exception_not_needed",
      message: `${bot.name} would not hold both internal data access and external communication, so it needs no Golden Rule exception`,
      rule: GOLDEN,
    });
  else {
    if (violation) reasons.push(needsExceptionReason(before, after, brokenBefore));
    if (verdict.status === "expired")
      reasons.push({ code: "exception_expiry_past", message: "The exception's expiry is in the past", rule: GOLDEN });
    else if (verdict.uncovered.length)
      reasons.push({
        code: "exception_incomplete",
        message: `The exception must also list ${list(verdict.uncovered)} in its allowed systems or channels`,
        rule: GOLDEN,
      });
    else reasons.push({ code: "exception_covers", message: `The exception covers every external system of the bot: ${list(after.externalSystems)}`, rule: GOLDEN });
  }
  const changes = [
    ...(p.grant ? [grantChange(p.grant)] : []),
    `Golden Rule exception: allowed systems ${p.allowedSystems.length ? p.allowedSystems.join(", ") : "none"}; allowed channels ${p.allowedChannels.length ? p.allowedChannels.join(", ") : "none"}`,
    `data classification: ${p.dataClassification}`,
    `approval requirements: ${p.approvalRequirements}`,
    `exception expires ${date(p.exceptionExpiresAt)}`,
    ...(bot.exception ? [`replaces the current ${bot.exception.status} exception${bot.exception.expiresAt ? ` (expiry ${bot.exception.expiresAt.toISOString().slice(0, 10)})` : ""}`] : []),
  ];
  return {
    effect: {
      summary: p.grant
        ? `${bot.name} gains ${qualifiedScope(p.grant)} under a Golden Rule exception until ${date(p.exceptionExpiresAt)}`
        : `${bot.name} gets a Golden Rule exception until ${date(p.exceptionExpiresAt)}`,
      changes,
    },
    reasons,
    goldenRule: state(after, violation),
    becomesExceptionRequest: violation,
  };
}

function assessTransfer(bot: BotScope, p: OwnershipTransfer, to: { email: string; displayName: string; status: string } | null, ctx: Ctx): Assessment {
  const caps = capabilities(bot, ctx.systems, ctx.now);
  const violation = checkGoldenRule(bot, ctx.systems, ctx.now) !== null;
  const reasons: ApprovalReason[] = [];
  if (!to) reasons.push({ code: "owner_unknown", message: `${p.toEmail} is not a person in the directory`, rule: "BR-OWNER" });
  else if (to.status !== "active") reasons.push({ code: "owner_inactive", message: `${to.email} is deactivated; a bot needs an active owner`, rule: "BR-OWNER" });
  else if (bot.ownerEmail && to.email.toLowerCase() === bot.ownerEmail.toLowerCase())
    reasons.push({ code: "same_owner", message: `${to.email} already owns ${bot.name}`, rule: "BR-OWNER" });
  else
    reasons.push({
      code: "owner_accountable",
      message: `${to.displayName} becomes accountable for ${bot.name}: access reviews, incidents and offboarding`,
      rule: "BR-OWNER",
    });
  return {
    effect: {
      summary: `Ownership of ${bot.name} moves from ${bot.ownerEmail ?? "nobody"} to ${to?.email ?? p.toEmail}`,
      changes: [`owner: ${bot.ownerEmail ?? "none"} -> ${to?.email ?? p.toEmail}`, "grants, channels and credentials unchanged"],
    },
    reasons,
    goldenRule: state(caps, violation),
    becomesExceptionRequest: false,
  };
}

function assessGatedAction(bot: BotScope, p: GatedActionRequest, role: string, count: number, ctx: Ctx): Assessment {
  const caps = capabilities(bot, ctx.systems, ctx.now);
  const violation = checkGoldenRule(bot, ctx.systems, ctx.now) !== null;
  const target = [
    p.target.system ? `system ${p.target.system}` : null,
    p.target.channel ? `channel ${p.target.channel}` : null,
    p.target.resource ? `resource ${p.target.resource}` : null,
  ].filter((x): x is string => x !== null);
  return {
    effect: {
      summary: `${bot.name} may ${p.action} once${target.length ? ` on ${target.join(", ")}` : ""}`,
      // Never the bot's paramsSummary: what approval changes is stated from the parameters alone.
      changes: [
        `allow ${p.action} once, with exactly the parameters shown; the runtime is refused if it sends any others`,
        ...(p.command !== null ? [`run the command: ${p.command}`] : []),
      ],
    },
    reasons: [
      {
        code: "approval_required",
        message: `${p.action} needs ${count === 1 ? "one approval" : `${count} approvals`} from ${role}`,
        rule: "BR-GATED-ACTION",
      },
    ],
    goldenRule: state(caps, violation),
    becomesExceptionRequest: false,
  };
}

export function assess(bot: BotScope, input: AssessInput, ctx: Ctx): Assessment {
  switch (input.kind) {
    case "scope_expansion":
      return assessScopeExpansion(bot, input.payload, ctx);
    case "golden_rule_exception":
      return assessException(bot, input.payload, ctx);
    case "ownership_transfer":
      return assessTransfer(bot, input.payload, input.toPerson, ctx);
    case "gated_action":
      return assessGatedAction(bot, input.payload, input.approverRole, input.approvalsRequired, ctx);
  }
}

/**
 * What `assess` reads for a parsed payload (`parseApprovalPayload` in the contracts): the new
 * owner of a transfer as the directory knows them, and a gated action's approver role and count.
 */
export function assessInputOf(
  parsed: TApprovalPayloadOf,
  extra: { approverRole: string; approvalsRequired: number; people: ReadonlyMap<string, { email: string; displayName: string; status: string }> },
): AssessInput {
  switch (parsed.kind) {
    case "ownership_transfer":
      return { ...parsed, toPerson: extra.people.get(parsed.payload.toEmail.toLowerCase()) ?? null };
    case "gated_action":
      return { ...parsed, approverRole: extra.approverRole, approvalsRequired: extra.approvalsRequired };
    default:
      return parsed;
  }
}
