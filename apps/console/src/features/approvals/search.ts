import { ZApprovalKind, ZApprovalStatus } from "@bridle/contracts";
import type { TApprovalRequest } from "@bridle/contracts";
import { z } from "zod";

/** "Older than" choices of the inbox, in minutes (the API's `olderThanMinutes`). */
export const AGE_OPTIONS = [
  { value: "60", label: "Older than 1 hour" },
  { value: "1440", label: "Older than 1 day" },
  { value: "10080", label: "Older than 1 week" },
] as const;

/**
 * The inbox's filters as they live in the URL (`/approvals?status=denied&mine=true`). Pending
 * requests are the default; `status=all` shows every status. Invalid values are dropped.
 */
const ZApprovalSearch = z.object({
  status: z.union([ZApprovalStatus, z.literal("all")]).optional().catch(undefined),
  kind: ZApprovalKind.optional().catch(undefined),
  bot: z.string().trim().max(100).optional().catch(undefined),
  team: z.string().max(80).optional().catch(undefined),
  olderThanMinutes: z.enum(["60", "1440", "10080"]).optional().catch(undefined),
  mine: z.literal("true").optional().catch(undefined),
});
export type ApprovalSearch = z.infer<typeof ZApprovalSearch>;
export type ApprovalStatusTab = TApprovalRequest["status"] | "all";

export function validateApprovalSearch(raw: Record<string, unknown>): ApprovalSearch {
  const parsed = ZApprovalSearch.parse(raw);
  const clean: ApprovalSearch = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== undefined && value !== "") Object.assign(clean, { [key]: value });
  }
  return clean;
}

/** The route's `validateSearch`: every key, undefined when absent, so a bad raw value is masked. */
export function validateApprovalRouteSearch(raw: Record<string, unknown>): ApprovalSearch {
  return { status: undefined, kind: undefined, bot: undefined, team: undefined, olderThanMinutes: undefined, mine: undefined, ...validateApprovalSearch(raw) };
}

export const statusOf = (search: ApprovalSearch): ApprovalStatusTab => search.status ?? "pending";

/** The list endpoint's query for these filters (no `status` for "all"). */
export function listQuery(search: ApprovalSearch): Record<string, string | undefined> {
  const status = statusOf(search);
  return {
    status: status === "all" ? undefined : status,
    kind: search.kind,
    bot: search.bot,
    team: search.team,
    olderThanMinutes: search.olderThanMinutes,
    mine: search.mine,
  };
}

export const hasActiveFilters = (search: ApprovalSearch): boolean =>
  [search.kind, search.bot, search.team, search.olderThanMinutes, search.mine].some((value) => value !== undefined);
