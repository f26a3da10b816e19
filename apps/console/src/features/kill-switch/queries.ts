import {
  ZKillSwitch,
  ZKillSwitchList,
  ZKillSwitchPreview,
  ZKillSwitchSettings,
  ZKillSwitchStatusResponse,
  ZResumeKillSwitchResponse,
  type TEngageKillSwitchRequest,
  type TKillSwitchScope,
  type TKillSwitchSettings,
} from "@bridle/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, apiRequest } from "../../lib/api.ts";

export const killSwitchKeys = {
  all: ["kill-switch"] as const,
  status: () => [...killSwitchKeys.all, "status"] as const,
  list: (status: "engaged" | "resumed" | "any") => [...killSwitchKeys.all, "list", status] as const,
  settings: () => [...killSwitchKeys.all, "settings"] as const,
};

/** GET /kill-switch/status: the engaged switches the caller may see and the bots they halt now. Polled, so every open console sees a switch soon. */
export const useKillSwitchStatus = (enabled = true) =>
  useQuery({
    queryKey: killSwitchKeys.status(),
    queryFn: ({ signal }) => api.get("/api/v1/kill-switch/status", ZKillSwitchStatusResponse, undefined, signal),
    refetchInterval: 15_000,
    enabled,
  });

/** GET /kill-switch: every switch, newest first (readers of every bot). */
export const useKillSwitchList = (status: "engaged" | "resumed" | "any", enabled = true) =>
  useQuery({
    queryKey: killSwitchKeys.list(status),
    queryFn: ({ signal }) => api.get("/api/v1/kill-switch", ZKillSwitchList, { status, limit: 100 }, signal),
    enabled,
  });

export const useKillSwitchSettings = () =>
  useQuery({ queryKey: killSwitchKeys.settings(), queryFn: ({ signal }) => api.get("/api/v1/kill-switch/settings", ZKillSwitchSettings, undefined, signal) });

/** POST /kill-switch/preview: the bots a switch on this scope halts now (for the confirmation). */
export const usePreviewKillSwitch = () =>
  useMutation({ mutationFn: (scope: TKillSwitchScope) => apiRequest({ method: "POST", path: "/api/v1/kill-switch/preview", json: { scope }, schema: ZKillSwitchPreview }) });

export function useEngageKillSwitch() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TEngageKillSwitchRequest) => apiRequest({ method: "POST", path: "/api/v1/kill-switch", json: body, schema: ZKillSwitch }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: killSwitchKeys.all }),
  });
}

export function useResumeKillSwitch() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) =>
      apiRequest({ method: "POST", path: `/api/v1/kill-switch/${encodeURIComponent(id)}/resume`, json: { reason }, schema: ZResumeKillSwitchResponse }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: killSwitchKeys.all }),
  });
}

export function useUpdateKillSwitchSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TKillSwitchSettings) => apiRequest({ method: "PUT", path: "/api/v1/kill-switch/settings", json: body, schema: ZKillSwitchSettings }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: killSwitchKeys.settings() }),
  });
}
