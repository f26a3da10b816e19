import { ZPolicyResponse } from "@bridle/contracts";
import type { TUpdateOrgPolicyRequest } from "@bridle/contracts";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { botKeys } from "../bots/queries.ts";
import { directoryKeys } from "../directory/queries.ts";
import { findingKeys } from "../findings/queries.ts";
import { setupKeys } from "../setup/queries.ts";

export const policyKeys = {
  all: ["policy"] as const,
  current: () => [...policyKeys.all, "current"] as const,
};

/** GET /api/v1/policy: the org policy and the connected systems with their classification. */
export const policyQueryOptions = () =>
  queryOptions({
    queryKey: policyKeys.current(),
    queryFn: ({ signal }) => api.get("/api/v1/policy", ZPolicyResponse, undefined, signal),
  });

export const usePolicy = () => useQuery(policyQueryOptions());

/** PATCH /api/v1/policy (admins only; 403 otherwise). The server recomputes every bot's findings at once. */
export function useUpdatePolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: TUpdateOrgPolicyRequest) => api.patch("/api/v1/policy", ZPolicyResponse, input),
    onSuccess: (data) => {
      queryClient.setQueryData(policyKeys.current(), data);
      void queryClient.invalidateQueries({ queryKey: botKeys.all });
      void queryClient.invalidateQueries({ queryKey: findingKeys.all });
      void queryClient.invalidateQueries({ queryKey: directoryKeys.systems() });
      void queryClient.invalidateQueries({ queryKey: setupKeys.all });
    },
  });
}
