import { ZIncident, ZIncidentPage, type TDeclareIncidentRequest, type TUpdateIncidentRequest } from "@bridle/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, apiRequest, apiStream } from "../../lib/api.ts";

export type IncidentFilter = { open?: "true" | "false"; drills?: "include" | "exclude" | "only" };

export const incidentKeys = {
  all: ["incidents"] as const,
  list: (filter: IncidentFilter) => [...incidentKeys.all, "list", filter] as const,
  detail: (id: string) => [...incidentKeys.all, "detail", id] as const,
};

/** GET /api/v1/incidents (the newest 200). */
export const useIncidents = (filter: IncidentFilter, enabled = true) =>
  useQuery({
    queryKey: incidentKeys.list(filter),
    queryFn: ({ signal }) => api.get("/api/v1/incidents", ZIncidentPage, { ...filter, limit: 200 }, signal),
    select: (data) => data.items,
    enabled,
  });

/** GET /api/v1/incidents/{id}: windows, evidence, blast radius. */
export const useIncident = (id: string) =>
  useQuery({
    queryKey: incidentKeys.detail(id),
    queryFn: ({ signal }) => api.get(`/api/v1/incidents/${encodeURIComponent(id)}`, ZIncident, undefined, signal),
  });

/** POST /api/v1/incidents */
export function useDeclareIncident() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TDeclareIncidentRequest) => apiRequest({ method: "POST", path: "/api/v1/incidents", json: body, schema: ZIncident }),
    onSuccess: (incident) => {
      queryClient.setQueryData(incidentKeys.detail(incident.id), incident);
      void queryClient.invalidateQueries({ queryKey: [...incidentKeys.all, "list"] });
    },
  });
}

/** PATCH /api/v1/incidents/{id} */
export function useUpdateIncident(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TUpdateIncidentRequest) => apiRequest({ method: "PATCH", path: `/api/v1/incidents/${encodeURIComponent(id)}`, json: body, schema: ZIncident }),
    onSuccess: (incident) => {
      queryClient.setQueryData(incidentKeys.detail(id), incident);
      void queryClient.invalidateQueries({ queryKey: [...incidentKeys.all, "list"] });
    },
  });
}

/** POST /api/v1/incidents/{id}/evidence */
export function useAddEvidence(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (auditEventId: string) =>
      apiRequest({ method: "POST", path: `/api/v1/incidents/${encodeURIComponent(id)}/evidence`, json: { evidence: [{ auditEventId }] }, schema: ZIncident }),
    onSuccess: (incident) => queryClient.setQueryData(incidentKeys.detail(id), incident),
  });
}

/** GET /api/v1/incidents/{id}/summary?format=md|pdf, saved under the server's file name. */
export async function downloadSummary(id: string, format: "md" | "pdf"): Promise<string> {
  const response = await apiStream({
    path: `/api/v1/incidents/${encodeURIComponent(id)}/summary`,
    query: { format },
    accept: format === "pdf" ? "application/pdf" : "text/markdown",
  });
  const match = /filename="?([^";]+)"?/.exec(response.headers.get("content-disposition") ?? "");
  const fileName = match?.[1] ?? `incident-${id}.${format}`;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return fileName;
}
