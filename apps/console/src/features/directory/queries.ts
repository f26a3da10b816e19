import { ZConnectedSystem, ZPerson, ZTeamList, page } from "@bridle/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { api } from "../../lib/api.ts";

/** People, teams and connected systems: the reference data that filters and the bot form pick from. */
export const directoryKeys = {
  all: ["directory"] as const,
  people: () => [...directoryKeys.all, "people"] as const,
  teams: () => [...directoryKeys.all, "teams"] as const,
  systems: () => [...directoryKeys.all, "systems"] as const,
};

const ZPeoplePage = page(ZPerson);
const ZSystemList = z.object({ items: z.array(ZConnectedSystem) });

const REFERENCE_STALE_MS = 5 * 60_000;

/** The first 200 people (GET /api/v1/people?limit=200), enough for the owner pickers. */
export const peopleQueryOptions = () =>
  queryOptions({
    queryKey: directoryKeys.people(),
    queryFn: ({ signal }) => api.get("/api/v1/people", ZPeoplePage, { limit: 200 }, signal),
    staleTime: REFERENCE_STALE_MS,
    select: (data) => data.items,
  });

/** GET /api/v1/teams: the teams, and whether SCIM provisioning (which then manages them) is on. */
export const teamListQueryOptions = () =>
  queryOptions({
    queryKey: directoryKeys.teams(),
    queryFn: ({ signal }) => api.get("/api/v1/teams", ZTeamList, undefined, signal),
    staleTime: REFERENCE_STALE_MS,
  });

export const teamsQueryOptions = () => ({ ...teamListQueryOptions(), select: (data: z.infer<typeof ZTeamList>) => data.items });

export const systemsQueryOptions = () =>
  queryOptions({
    queryKey: directoryKeys.systems(),
    queryFn: ({ signal }) => api.get("/api/v1/systems", ZSystemList, undefined, signal),
    staleTime: REFERENCE_STALE_MS,
    select: (data) => data.items,
  });

export const usePeople = (options: { enabled?: boolean } = {}) => useQuery({ ...peopleQueryOptions(), enabled: options.enabled ?? true });
export const useTeams = () => useQuery(teamsQueryOptions());
export const useTeamList = () => useQuery(teamListQueryOptions());
export const useSystems = () => useQuery(systemsQueryOptions());
