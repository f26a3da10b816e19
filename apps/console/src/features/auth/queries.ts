import { ZMe } from "@bridle/contracts";
import type { TMe } from "@bridle/contracts";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiRequest, isUnauthorized, setCsrfToken } from "../../lib/api.ts";

export const authKeys = {
  all: ["auth"] as const,
  me: () => [...authKeys.all, "me"] as const,
};

/** The signed-in person, or null when there is no session (GET /api/v1/me answers 401). */
export const meQueryOptions = () =>
  queryOptions({
    queryKey: authKeys.me(),
    queryFn: async ({ signal }): Promise<TMe | null> => {
      try {
        const me = await apiRequest({ path: "/api/v1/me", schema: ZMe, signal });
        setCsrfToken(me.csrfToken);
        return me;
      } catch (error) {
        if (!isUnauthorized(error)) throw error;
        setCsrfToken(null);
        return null;
      }
    },
    staleTime: 5 * 60_000,
  });

export const useMe = () => useQuery(meQueryOptions());

export type LoginInput = { email: string; password: string };

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: LoginInput) =>
      apiRequest({ method: "POST", path: "/auth/local/login", json: input, schema: ZMe, csrf: false }),
    onSuccess: (me) => {
      setCsrfToken(me.csrfToken);
      // Data cached for a previous session must not leak into this one.
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] });
      queryClient.setQueryData(authKeys.me(), me);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest({ method: "POST", path: "/auth/logout", schema: null }),
    onSettled: () => {
      setCsrfToken(null);
      queryClient.setQueryData(authKeys.me(), null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] });
    },
  });
}
