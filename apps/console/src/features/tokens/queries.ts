import { ZApiToken, ZCreatedApiToken } from "@bridle/contracts";
import type { TPermission } from "@bridle/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { api, apiRequest } from "../../lib/api.ts";

/** The signed-in person's own API tokens (for scripts and automation). */
export const tokenKeys = {
  all: ["api-tokens"] as const,
  list: () => [...tokenKeys.all, "list"] as const,
};

const ZApiTokenList = z.object({ items: z.array(ZApiToken) });

export const useApiTokens = () =>
  useQuery({
    queryKey: tokenKeys.list(),
    queryFn: ({ signal }) => api.get("/api/v1/tokens", ZApiTokenList, undefined, signal),
    select: (data) => data.items,
  });

export type CreateApiTokenInput = { name: string; scopes: TPermission[]; expiresInDays: number };

/** POST /api/v1/tokens -> 201 with the token, shown once. Scopes are a subset of my permissions. */
export function useCreateApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateApiTokenInput) => api.post("/api/v1/tokens", ZCreatedApiToken, input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: tokenKeys.list() }),
  });
}

/** DELETE /api/v1/tokens/{id} -> 204. */
export function useRevokeApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest({ method: "DELETE", path: `/api/v1/tokens/${encodeURIComponent(id)}`, schema: null }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: tokenKeys.list() }),
  });
}
