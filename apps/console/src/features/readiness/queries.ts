import { ZReadiness } from "@bridle/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";

export const readinessKeys = { all: ["readiness"] as const, overview: () => [...readinessKeys.all, "overview"] as const };

/** GET /api/v1/readiness: per control, computed by the server from the org's data now. */
export const readinessQueryOptions = () =>
  queryOptions({
    queryKey: readinessKeys.overview(),
    queryFn: ({ signal }) => api.get("/api/v1/readiness", ZReadiness, undefined, signal),
  });

export const useReadiness = () => useQuery(readinessQueryOptions());
