import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES } from "@bridle/contracts";
import type { TAuditEventsQuery } from "@bridle/contracts";
import { z } from "zod";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The audit page's filters as they live in the URL, so a filtered view can be shared or bookmarked
 * (`/audit?action=policy.update&resourceType=org_policy`). `from` and `to` are UTC calendar days,
 * both included (the console shows dates in UTC). Invalid values are dropped, so an old link still opens.
 */
const ZAuditSearch = z.object({
  actorType: z.enum(AUDIT_ACTOR_TYPES).optional().catch(undefined),
  actorId: z.string().trim().max(200).optional().catch(undefined),
  botId: z.uuid().optional().catch(undefined),
  action: z.string().trim().max(100).optional().catch(undefined),
  resourceType: z.string().trim().max(100).optional().catch(undefined),
  resourceId: z.string().trim().max(200).optional().catch(undefined),
  outcome: z.enum(AUDIT_OUTCOMES).optional().catch(undefined),
  requestId: z.string().trim().max(128).optional().catch(undefined),
  sessionId: z.string().trim().max(200).optional().catch(undefined),
  from: z.string().regex(DAY).optional().catch(undefined),
  to: z.string().regex(DAY).optional().catch(undefined),
});
export type AuditSearch = z.infer<typeof ZAuditSearch>;

export const AUDIT_SEARCH_KEYS = [
  "actorType",
  "actorId",
  "botId",
  "action",
  "resourceType",
  "resourceId",
  "outcome",
  "requestId",
  "sessionId",
  "from",
  "to",
] as const satisfies readonly (keyof AuditSearch)[];

/** The compact form (no empty keys), so links and query keys stay canonical. */
export function validateAuditSearch(raw: Record<string, unknown>): AuditSearch {
  const parsed = ZAuditSearch.parse(raw);
  const clean: AuditSearch = {};
  for (const key of AUDIT_SEARCH_KEYS) {
    const value = parsed[key];
    if (value !== undefined && value !== "") Object.assign(clean, { [key]: value });
  }
  return clean;
}

/** The route's `validateSearch`: every known key, `undefined` when absent, to mask a bad raw value. */
export function validateAuditRouteSearch(raw: Record<string, unknown>): AuditSearch {
  const all = Object.fromEntries(AUDIT_SEARCH_KEYS.map((key) => [key, undefined])) as Record<keyof AuditSearch, undefined>;
  return { ...all, ...validateAuditSearch(raw) };
}

export const hasAuditFilters = (search: AuditSearch): boolean => AUDIT_SEARCH_KEYS.some((key) => search[key] !== undefined);

/** The start of the UTC day after `day` (`to` is exclusive in the API, inclusive on the page). */
function dayAfter(day: string): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}

/** The list endpoint's query for these filters (without `limit` and `cursor`). */
export function auditListQuery(search: AuditSearch): Omit<TAuditEventsQuery, "limit" | "cursor"> {
  const { from, to, ...rest } = search;
  return {
    ...rest,
    ...(from ? { from: `${from}T00:00:00.000Z` } : {}),
    ...(to ? { to: dayAfter(to) } : {}),
  };
}
