import { ZSetupStatus } from "@bridle/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";

export const setupKeys = { all: ["setup"] as const, status: () => [...setupKeys.all, "status"] as const };

/** GET /api/v1/setup: the first-run checklist, computed by the server from the org's state. */
export const setupQueryOptions = () =>
  queryOptions({
    queryKey: setupKeys.status(),
    queryFn: ({ signal }) => api.get("/api/v1/setup", ZSetupStatus, undefined, signal),
  });

export const useSetupStatus = (options: { enabled?: boolean } = {}) => useQuery({ ...setupQueryOptions(), enabled: options.enabled ?? true });
