import type { TBot, TConnectedSystem, TCreateApprovalRequest, TGrantAccess } from "@bridle/contracts";
import { PREVIEW_JUSTIFICATION } from "./live-preview.ts";

/** The owner's scope expansion form; the exception part is filled in when the Golden Rule needs it. */
export type ScopeExpansionValues = {
  system: string | null;
  scope: string;
  access: TGrantAccess;
  /** `YYYY-MM-DD`, or "" for no expiry. */
  grantExpiresOn: string;
  justification: string;
  exception: ExceptionValues;
};

export type ExceptionValues = {
  businessPurpose: string;
  /** null until the owner edits them: then the systems the exception must cover are proposed. */
  allowedSystems: string[] | null;
  allowedChannels: string[];
  dataClassification: string;
  approvalRequirements: string;
  /** `YYYY-MM-DD` */
  expiresOn: string;
};

const DAY_MS = 86_400_000;
/** The API allows an exception of at most 366 days; the form offers one year less a day of slack. */
export const MAX_EXCEPTION_DAYS = 365;
const DEFAULT_EXCEPTION_DAYS = 90;

export const dateInDays = (days: number, now = new Date()): string => new Date(now.getTime() + days * DAY_MS).toISOString().slice(0, 10);
/** The end of that day in UTC, so a grant "expiring 2026-06-30" lasts through that day. */
const endOfDay = (date: string): string => `${date}T23:59:59Z`;

export function initialValues(bot: TBot): ScopeExpansionValues {
  return {
    system: null,
    scope: "",
    access: "read",
    grantExpiresOn: "",
    justification: "",
    exception: {
      businessPurpose: bot.purpose,
      allowedSystems: null,
      allowedChannels: [...bot.channels],
      dataClassification: bot.internalDataAccess === "none" ? "" : bot.internalDataAccess,
      approvalRequirements: "",
      expiresOn: dateInDays(DEFAULT_EXCEPTION_DAYS),
    },
  };
}

/** A scope is worth previewing once it says more than its system prefix (`github:`). */
export function scopeReady(values: ScopeExpansionValues): boolean {
  const scope = values.scope.trim();
  return values.system !== null && scope !== "" && scope.toLowerCase() !== `${values.system}:`;
}

/**
 * The systems the exception is proposed to allow: the one asked for and every system the bot
 * already reaches that gives external communication (the exception must cover each of them).
 */
export function proposedAllowedSystems(values: ScopeExpansionValues, bot: TBot, systems: TConnectedSystem[]): string[] {
  if (values.exception.allowedSystems !== null) return values.exception.allowedSystems;
  const external = new Set(systems.filter((s) => s.classification === "external_communication" || s.classification === "both").map((s) => s.key));
  const keys = [values.system, ...bot.grants.map((grant) => grant.system)].filter((key): key is string => key !== null && external.has(key));
  if (values.system !== null && keys.length === 0) keys.push(values.system);
  return [...new Set(keys)];
}

export function exceptionComplete(values: ScopeExpansionValues, allowedSystems: string[]): boolean {
  const e = values.exception;
  return (
    e.businessPurpose.trim() !== "" &&
    e.dataClassification.trim() !== "" &&
    e.approvalRequirements.trim() !== "" &&
    /^\d{4}-\d{2}-\d{2}$/.test(e.expiresOn) &&
    (allowedSystems.length > 0 || e.allowedChannels.length > 0)
  );
}

function grantPayload(values: ScopeExpansionValues) {
  return {
    system: values.system ?? "",
    scope: values.scope.trim(),
    access: values.access,
    ...(values.grantExpiresOn ? { grantExpiresAt: endOfDay(values.grantExpiresOn) } : {}),
  };
}

const justificationOf = (values: ScopeExpansionValues, forPreview: boolean) =>
  values.justification.trim() || (forPreview ? PREVIEW_JUSTIFICATION : "");

/** The body of a plain scope expansion (kind scope_expansion). */
export function scopeExpansionBody(bot: TBot, values: ScopeExpansionValues, forPreview: boolean): TCreateApprovalRequest {
  return { kind: "scope_expansion", botId: bot.id, justification: justificationOf(values, forPreview), payload: grantPayload(values) };
}

/** The same grant asked for under a Golden Rule exception (kind golden_rule_exception, the grant as payload.grant). */
export function exceptionBody(bot: TBot, values: ScopeExpansionValues, allowedSystems: string[], forPreview: boolean): TCreateApprovalRequest {
  const e = values.exception;
  return {
    kind: "golden_rule_exception",
    botId: bot.id,
    justification: justificationOf(values, forPreview),
    payload: {
      businessPurpose: e.businessPurpose.trim(),
      allowedSystems,
      allowedChannels: e.allowedChannels,
      dataClassification: e.dataClassification.trim(),
      approvalRequirements: e.approvalRequirements.trim(),
      exceptionExpiresAt: endOfDay(e.expiresOn),
      grant: grantPayload(values),
    },
  };
}
