import { ZPersonStatus, ZRole } from "@bridle/contracts";
import { z } from "zod";

/** The People list's filters as they live in the URL (`/people?role=admin&status=active`). */
const ZPeopleSearch = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  status: ZPersonStatus.optional().catch(undefined),
  role: ZRole.optional().catch(undefined),
  team: z.string().max(80).optional().catch(undefined),
});
export type PeopleSearch = z.infer<typeof ZPeopleSearch>;

const PEOPLE_SEARCH_KEYS = ["q", "status", "role", "team"] as const satisfies readonly (keyof PeopleSearch)[];

/** The compact form (no empty keys), so links and query keys stay canonical. */
export function validatePeopleSearch(raw: Record<string, unknown>): PeopleSearch {
  const parsed = ZPeopleSearch.parse(raw);
  const clean: PeopleSearch = {};
  for (const key of PEOPLE_SEARCH_KEYS) {
    const value = parsed[key];
    if (value !== undefined && value !== "") Object.assign(clean, { [key]: value });
  }
  return clean;
}

/** The route's `validateSearch`: every known key, `undefined` when absent, to mask a bad raw value. */
export function validatePeopleRouteSearch(raw: Record<string, unknown>): PeopleSearch {
  return { q: undefined, status: undefined, role: undefined, team: undefined, ...validatePeopleSearch(raw) };
}

export const hasPeopleFilters = (search: PeopleSearch): boolean => PEOPLE_SEARCH_KEYS.some((key) => search[key] !== undefined);
