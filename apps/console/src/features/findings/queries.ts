import { ZFindingsOverview } from "@bridle/contracts";
import type { TFindingKind } from "@bridle/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { humanize } from "../../lib/format.ts";

export const findingKeys = {
  all: ["findings"] as const,
  overview: () => [...findingKeys.all, "overview"] as const,
};

/** GET /api/v1/findings/overview: per finding kind, how many bots have it. */
export const findingsOverviewQueryOptions = () =>
  queryOptions({
    queryKey: findingKeys.overview(),
    queryFn: ({ signal }) => api.get("/api/v1/findings/overview", ZFindingsOverview, undefined, signal),
  });

export const useFindingsOverview = () => useQuery(findingsOverviewQueryOptions());

/** The server's title for each finding kind, falling back to the kind itself until it loads. */
export function useFindingKindTitles(): (kind: TFindingKind) => string {
  const { data } = useFindingsOverview();
  return (kind) => data?.kinds.find((entry) => entry.kind === kind)?.title ?? humanize(kind);
}
