import { ZTeamDetail } from "@bridle/contracts";
import type { TCreateTeamRequest } from "@bridle/contracts";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, apiRequest } from "../../lib/api.ts";
import { directoryKeys } from "../directory/queries.ts";
import { setupKeys } from "../setup/queries.ts";

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

const invalidateTeams = (queryClient: ReturnType<typeof useQueryClient>) => {
  for (const queryKey of [directoryKeys.teams(), teamKeys.all, setupKeys.all]) void queryClient.invalidateQueries({ queryKey });
};

/** POST /api/v1/teams (people.manage, while SCIM provisioning is off). */
export function useCreateTeam() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: TCreateTeamRequest) => api.post("/api/v1/teams", ZTeamDetail, input),
    onSuccess: () => invalidateTeams(queryClient),
  });
}

/** PATCH /api/v1/teams/{id}: a new name; the slug stays. */
export function useRenameTeam() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) => api.patch(`/api/v1/teams/${encodeURIComponent(id)}`, ZTeamDetail, { name }),
    onSuccess: () => invalidateTeams(queryClient),
  });
}

/** DELETE /api/v1/teams/{id}: only a team with no bots and no members. */
export function useDeleteTeam() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest({ method: "DELETE", path: `/api/v1/teams/${encodeURIComponent(id)}`, schema: null }),
    onSuccess: () => invalidateTeams(queryClient),
  });
}
