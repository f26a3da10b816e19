import { ZBreakGlassEvent, ZCreatedScimToken, ZIdentitySettings, ZScimToken, ZSession } from "@bridle/contracts";
import type { TUpdateIdentitySettingsRequest } from "@bridle/contracts";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { api, apiRequest } from "../../lib/api.ts";
import { directoryKeys } from "../directory/queries.ts";
import { setupKeys } from "../setup/queries.ts";
import { authKeys } from "../auth/queries.ts";

export type TSession = z.infer<typeof ZSession>;
export type TScimToken = z.infer<typeof ZScimToken>;
export type TBreakGlassEvent = z.infer<typeof ZBreakGlassEvent>;

export const settingsKeys = {
  all: ["settings"] as const,
  identity: () => [...settingsKeys.all, "identity"] as const,
  sessions: () => [...settingsKeys.all, "sessions"] as const,
  breakGlassEvents: () => [...settingsKeys.all, "break-glass-events"] as const,
  scimTokens: () => [...settingsKeys.all, "scim-tokens"] as const,
};

const ZSessionList = z.object({ items: z.array(ZSession) });
const ZScimTokenList = z.object({ items: z.array(ZScimToken) });
const ZBreakGlassEventList = z.object({ items: z.array(ZBreakGlassEvent) });

/** GET /api/v1/identity-settings (identity.manage). */
export const identitySettingsQueryOptions = () =>
  queryOptions({
    queryKey: settingsKeys.identity(),
    queryFn: ({ signal }) => api.get("/api/v1/identity-settings", ZIdentitySettings, undefined, signal),
  });
export const useIdentitySettings = () => useQuery(identitySettingsQueryOptions());

/** PATCH /api/v1/identity-settings with only the fields a form owns; 400 per field, 409 for a refused combination. */
export function useUpdateIdentitySettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: TUpdateIdentitySettingsRequest) => api.patch("/api/v1/identity-settings", ZIdentitySettings, input),
    onSuccess: (settings) => {
      queryClient.setQueryData(settingsKeys.identity(), settings);
      // The login page's providers follow the SSO and bootstrap admin switches.
      void queryClient.invalidateQueries({ queryKey: authKeys.providers() });
      // SSO and SCIM are steps of the first-run checklist; SCIM decides who manages teams.
      void queryClient.invalidateQueries({ queryKey: setupKeys.all });
      void queryClient.invalidateQueries({ queryKey: directoryKeys.teams() });
    },
  });
}

/** GET /api/v1/sessions?all=true: every active session (sessions.manage). */
export const useSessions = () =>
  useQuery({
    queryKey: settingsKeys.sessions(),
    queryFn: ({ signal }) => api.get("/api/v1/sessions", ZSessionList, { all: true }, signal),
    select: (data) => data.items,
  });

/** DELETE /api/v1/sessions/{id} -> 204. */
export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest({ method: "DELETE", path: `/api/v1/sessions/${encodeURIComponent(id)}`, schema: null }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsKeys.sessions() }),
  });
}

/** GET /api/v1/identity-settings/break-glass-events: uses of the local bootstrap admin. */
export const useBreakGlassEvents = () =>
  useQuery({
    queryKey: settingsKeys.breakGlassEvents(),
    queryFn: ({ signal }) => api.get("/api/v1/identity-settings/break-glass-events", ZBreakGlassEventList, undefined, signal),
    select: (data) => data.items,
  });

export const useScimTokens = () =>
  useQuery({
    queryKey: settingsKeys.scimTokens(),
    queryFn: ({ signal }) => api.get("/api/v1/scim-tokens", ZScimTokenList, undefined, signal),
    select: (data) => data.items,
  });

/** POST /api/v1/scim-tokens {name} -> 201 with the token, shown once. */
export function useCreateScimToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post("/api/v1/scim-tokens", ZCreatedScimToken, { name }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsKeys.scimTokens() }),
  });
}

/** DELETE /api/v1/scim-tokens/{id} -> 204; the identity provider's next request with it fails. */
export function useRevokeScimToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest({ method: "DELETE", path: `/api/v1/scim-tokens/${encodeURIComponent(id)}`, schema: null }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsKeys.scimTokens() }),
  });
}
