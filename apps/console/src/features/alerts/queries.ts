import { ZAlertDetail, ZAlertPage, ZAlertRule, ZAlertsSummary, type TUpdateAlertRulesRequest } from "@bridle/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { api, apiRequest, type QueryParams } from "../../lib/api.ts";

/** Alerts and their rules (the API's alerts module). */
export const alertKeys = {
  all: ["alerts"] as const,
  list: (query: QueryParams) => [...alertKeys.all, "list", query] as const,
  detail: (id: string) => [...alertKeys.all, "detail", id] as const,
  summary: () => [...alertKeys.all, "summary"] as const,
  rules: () => [...alertKeys.all, "rules"] as const,
};

/** How often the badge asks for the open count (ms). */
const SUMMARY_POLL_MS = 30_000;
const ZRuleList = z.object({ items: z.array(ZAlertRule) });

/** GET /api/v1/alerts (alerts.read): most recently seen first. */
export const useAlerts = (query: QueryParams, enabled = true) =>
  useQuery({
    queryKey: alertKeys.list(query),
    queryFn: ({ signal }) => api.get("/api/v1/alerts", ZAlertPage, query, signal),
    placeholderData: keepPreviousData,
    enabled,
  });

export const useAlert = (id: string) =>
  useQuery({ queryKey: alertKeys.detail(id), queryFn: ({ signal }) => api.get(`/api/v1/alerts/${encodeURIComponent(id)}`, ZAlertDetail, undefined, signal) });

/** The open count beside "Alerts" in the navigation (polled). */
export const useAlertsSummary = (enabled: boolean) =>
  useQuery({
    queryKey: alertKeys.summary(),
    queryFn: ({ signal }) => api.get("/api/v1/alerts/summary", ZAlertsSummary, undefined, signal),
    refetchInterval: SUMMARY_POLL_MS,
    staleTime: SUMMARY_POLL_MS,
    retry: false,
    enabled,
  });

export const useAlertRules = () =>
  useQuery({ queryKey: alertKeys.rules(), queryFn: ({ signal }) => api.get("/api/v1/alert-rules", ZRuleList, undefined, signal), select: (d) => d.items });

export type AlertAction = "acknowledge" | "snooze" | "resolve";

/** POST /api/v1/alerts/{id}/acknowledge|snooze|resolve (alerts.manage). */
export function useAlertAction(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, reason, hours }: { action: AlertAction; reason?: string; hours?: number }) =>
      api.post(`/api/v1/alerts/${encodeURIComponent(id)}/${action}`, ZAlertDetail, { ...(reason?.trim() ? { reason: reason.trim() } : {}), ...(action === "snooze" ? { hours: hours ?? 1 } : {}) }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

/** PUT /api/v1/alert-rules (alerts.manage). */
export function useUpdateAlertRules() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TUpdateAlertRulesRequest) => apiRequest({ method: "PUT", path: "/api/v1/alert-rules", schema: ZRuleList, json: body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: alertKeys.rules() }),
  });
}
