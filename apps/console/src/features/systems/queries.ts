import { ZSystemDetail, ZSystemWriteResult } from "@bridle/contracts";
import type { TCreateSystemRequest, TUpdateSystemRequest } from "@bridle/contracts";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { api, apiRequest } from "../../lib/api.ts";
import { botKeys } from "../bots/queries.ts";
import { directoryKeys } from "../directory/queries.ts";
import { findingKeys } from "../findings/queries.ts";
import { policyKeys } from "../policy/queries.ts";
import { setupKeys } from "../setup/queries.ts";

export const systemKeys = { all: ["systems"] as const, list: () => [...systemKeys.all, "list"] as const };

const ZSystemList = z.object({ items: z.array(ZSystemDetail) });

/** GET /api/v1/systems: the catalog with how many records use each system. */
export const systemListQueryOptions = () =>
  queryOptions({
    queryKey: systemKeys.list(),
    queryFn: ({ signal }) => api.get("/api/v1/systems", ZSystemList, undefined, signal),
    select: (data) => data.items,
  });

export const useSystemCatalog = () => useQuery(systemListQueryOptions());

/** A catalog write can change every bot's findings, the policy page's list, the bot form's pickers and the checklist. */
function useInvalidateCatalog() {
  const queryClient = useQueryClient();
  return () => {
    for (const queryKey of [systemKeys.all, directoryKeys.systems(), policyKeys.all, botKeys.all, findingKeys.all, setupKeys.all])
      void queryClient.invalidateQueries({ queryKey });
  };
}

/** POST /api/v1/systems (systems.manage). */
export function useCreateSystem() {
  const invalidate = useInvalidateCatalog();
  return useMutation({
    mutationFn: (input: TCreateSystemRequest) => api.post("/api/v1/systems", ZSystemWriteResult, input),
    onSuccess: invalidate,
  });
}

/** PATCH /api/v1/systems/{id} (systems.manage); a new classification recomputes findings. */
export function useUpdateSystem() {
  const invalidate = useInvalidateCatalog();
  return useMutation({
    mutationFn: ({ id, ...patch }: TUpdateSystemRequest & { id: string }) =>
      api.patch(`/api/v1/systems/${encodeURIComponent(id)}`, ZSystemWriteResult, patch),
    onSuccess: invalidate,
  });
}

/** DELETE /api/v1/systems/{id} (systems.manage); 409 while records use the system. */
export function useDeleteSystem() {
  const invalidate = useInvalidateCatalog();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest({ method: "DELETE", path: `/api/v1/systems/${encodeURIComponent(id)}`, schema: z.object({ recomputed: z.number() }) }),
    onSuccess: invalidate,
  });
}
