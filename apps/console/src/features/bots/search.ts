import { BOT_SORTS, ZEnvironment, ZFindingKind, ZLifecycleStatus } from "@bridle/contracts";
import { z } from "zod";

/**
 * The inventory's filters, sort and search as they live in the URL (`/bots?finding=golden_rule`).
 * Unknown or invalid values are dropped rather than failing the page, so an old link still opens.
 */
const ZBotSearch = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  owner: z.string().max(320).optional().catch(undefined),
  team: z.string().max(80).optional().catch(undefined),
  environment: ZEnvironment.optional().catch(undefined),
  status: ZLifecycleStatus.optional().catch(undefined),
  finding: ZFindingKind.optional().catch(undefined),
  hasFindings: z.enum(["true", "false"]).optional().catch(undefined),
  sort: z.enum(BOT_SORTS).optional().catch(undefined),
  order: z.enum(["asc", "desc"]).optional().catch(undefined),
});
export type BotSearch = z.infer<typeof ZBotSearch>;
export type BotSort = (typeof BOT_SORTS)[number];

export function validateBotSearch(raw: Record<string, unknown>): BotSearch {
  const parsed = ZBotSearch.parse(raw);
  // Keep the object minimal so links and query keys stay canonical.
  const clean: BotSearch = {};
  for (const [key, value] of Object.entries(parsed) as [keyof BotSearch, string | undefined][]) {
    if (value !== undefined && value !== "") Object.assign(clean, { [key]: value });
  }
  return clean;
}

/**
 * The route's `validateSearch`. The router merges a route's validated search over the raw one, so
 * every known key is returned, `undefined` when absent or invalid, to mask a bad raw value.
 * Pages read it through `validateBotSearch` again to get the compact form.
 */
export function validateBotRouteSearch(raw: Record<string, unknown>): BotSearch {
  const all: Record<keyof BotSearch, undefined> = {
    q: undefined,
    owner: undefined,
    team: undefined,
    environment: undefined,
    status: undefined,
    finding: undefined,
    hasFindings: undefined,
    sort: undefined,
    order: undefined,
  };
  return { ...all, ...validateBotSearch(raw) };
}

export const FILTER_KEYS = ["q", "owner", "team", "environment", "status", "finding", "hasFindings"] as const;

export const hasActiveFilters = (search: BotSearch): boolean => FILTER_KEYS.some((key) => search[key] !== undefined);
