import { ZAuthProviders, ZMe } from "@bridle/contracts";
import type { TMe } from "@bridle/contracts";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiRequest, isUnauthorized, setCsrfToken } from "../../lib/api.ts";
import { signedInAs } from "../../lib/kept-forms.ts";

export const authKeys = {
  all: ["auth"] as const,
  me: () => [...authKeys.all, "me"] as const,
  providers: () => [...authKeys.all, "providers"] as const,
};

/** GET /auth/providers (no session needed): which sign-in methods the login page offers. */
export const useAuthProviders = () =>
  useQuery({
    queryKey: authKeys.providers(),
    queryFn: ({ signal }) => apiRequest({ path: "/auth/providers", schema: ZAuthProviders, signal }),
    staleTime: 60_000,
    retry: false,
  });

/** The signed-in person, or null when there is no session (GET /api/v1/me answers 401). */
export const meQueryOptions = () =>
  queryOptions({
    queryKey: authKeys.me(),
    queryFn: async ({ signal }): Promise<TMe | null> => {
      try {
        const me = await apiRequest({ path: "/api/v1/me", schema: ZMe, signal });
        setCsrfToken(me.csrfToken);
        // Before any form opens for this person: drafts another person left in this tab go.
        signedInAs(me.id);
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
    mutationKey: [...authKeys.all, "login"],
    mutationFn: (input: LoginInput) =>
      apiRequest({ method: "POST", path: "/auth/local/login", json: input, schema: ZMe, csrf: false }),
    onSuccess: (me) => {
      setCsrfToken(me.csrfToken);
      signedInAs(me.id);
      // Data cached for a previous session must not leak into this one.
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] });
      queryClient.setQueryData(authKeys.me(), me);
    },
  });
}

/** 204, or 200 `{ redirectTo }` when the identity provider has a logout endpoint to visit too. */
const ZLogoutResult = z.object({ redirectTo: z.string().min(1) }).optional();

/** POST /auth/logout; also forgets everything cached for the session, then follows the provider's logout when given. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...authKeys.all, "logout"],
    mutationFn: () => apiRequest({ method: "POST", path: "/auth/logout", schema: ZLogoutResult }),
    onSettled: (result) => {
      setCsrfToken(null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] });
      queryClient.setQueryData(authKeys.me(), null);
      if (result?.redirectTo) window.location.assign(result.redirectTo);
    },
  });
}

/** Forget the session locally (after revoking one's own session elsewhere in the console). */
export function useForgetSession() {
  const queryClient = useQueryClient();
  return () => {
    setCsrfToken(null);
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] });
    queryClient.setQueryData(authKeys.me(), null);
  };
}
