import { ZSiemDestination, ZSiemDestinationList, ZSiemTestResult, type TCreateSiemDestination, type TUpdateSiemDestination } from "@bridle/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, apiRequest } from "../../lib/api.ts";

/** The status refreshes this often while the page is open (ms): lag and errors move on their own. */
const STATUS_POLL_MS = 5_000;

export const siemKeys = {
  all: ["siem"] as const,
  destinations: () => [...siemKeys.all, "destinations"] as const,
};

/** GET /api/v1/siem/destinations (siem.read). */
export const useSiemDestinations = () =>
  useQuery({
    queryKey: siemKeys.destinations(),
    queryFn: ({ signal }) => api.get("/api/v1/siem/destinations", ZSiemDestinationList, undefined, signal),
    refetchInterval: STATUS_POLL_MS,
  });

function useRefresh() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: siemKeys.all });
}

/** POST /api/v1/siem/destinations (siem.manage). */
export function useCreateSiemDestination() {
  const refresh = useRefresh();
  return useMutation({ mutationFn: (body: TCreateSiemDestination) => api.post("/api/v1/siem/destinations", ZSiemDestination, body), onSuccess: refresh });
}

/** PATCH /api/v1/siem/destinations/{id} (siem.manage). */
export function useUpdateSiemDestination() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: TUpdateSiemDestination }) => api.patch(`/api/v1/siem/destinations/${encodeURIComponent(id)}`, ZSiemDestination, body),
    onSuccess: refresh,
  });
}

/** DELETE /api/v1/siem/destinations/{id} -> 204 (siem.manage). */
export function useDeleteSiemDestination() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: string) => apiRequest({ method: "DELETE", path: `/api/v1/siem/destinations/${encodeURIComponent(id)}`, schema: null }),
    onSuccess: refresh,
  });
}

/** POST /api/v1/siem/destinations/{id}/test (siem.manage): what the receiver did with one test message. */
export function useTestSiemDestination() {
  const refresh = useRefresh();
  return useMutation({ mutationFn: (id: string) => api.post(`/api/v1/siem/destinations/${encodeURIComponent(id)}/test`, ZSiemTestResult), onSuccess: refresh });
}
