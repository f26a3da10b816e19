import { ZTeamDetail } from "@bridle/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";

/** The team list is shared reference data (directory `useTeams`); a team's members live here. */
export const teamKeys = {
  all: ["teams"] as const,
  details: () => [...teamKeys.all, "detail"] as const,
  detail: (id: string) => [...teamKeys.details(), id] as const,
};

export const teamQueryOptions = (id: string) =>
  queryOptions({
    queryKey: teamKeys.detail(id),
    queryFn: ({ signal }) => api.get(`/api/v1/teams/${encodeURIComponent(id)}`, ZTeamDetail, undefined, signal),
  });

export const useTeam = (id: string) => useQuery(teamQueryOptions(id));
