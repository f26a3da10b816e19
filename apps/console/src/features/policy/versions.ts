import { ZGatedActionVersionDetail, ZGatedActionVersionSummary, ZPolicyVersionDetail, ZPolicyVersionSummary } from "@bridle/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { api, apiRequest } from "../../lib/api.ts";
import { policyKeys } from "./queries.ts";

/** Which kept history: the org policy's (`/policy/versions`) or the gated-action rules' (`/gated-actions/versions`). */
export type VersionKind = "policy" | "gated-actions";

const base = (kind: VersionKind) => (kind === "policy" ? "/api/v1/policy/versions" : "/api/v1/gated-actions/versions");
const ZList = { policy: z.object({ items: z.array(ZPolicyVersionSummary) }), "gated-actions": z.object({ items: z.array(ZGatedActionVersionSummary) }) };
const ZDetail = { policy: ZPolicyVersionDetail, "gated-actions": ZGatedActionVersionDetail };

export const versionKeys = {
  all: ["policy-versions"] as const,
  list: (kind: VersionKind) => [...versionKeys.all, kind, "list"] as const,
  detail: (kind: VersionKind, version: number) => [...versionKeys.all, kind, version] as const,
};

export const usePolicyVersions = (kind: VersionKind) =>
  useQuery({ queryKey: versionKeys.list(kind), queryFn: ({ signal }) => api.get(base(kind), ZList[kind], undefined, signal), select: (d) => d.items });

export const usePolicyVersion = (kind: VersionKind, version: number | null) =>
  useQuery({
    queryKey: versionKeys.detail(kind, version ?? 0),
    queryFn: ({ signal }) => api.get(`${base(kind)}/${version}`, ZDetail[kind], undefined, signal),
    enabled: version !== null,
  });

/** POST .../versions/{v}/rollback (admins): a new version with v's content. */
export function useRollback(kind: VersionKind) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => apiRequest({ method: "POST", path: `${base(kind)}/${version}/rollback`, schema: null }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: versionKeys.all });
      void queryClient.invalidateQueries({ queryKey: policyKeys.all });
      void queryClient.invalidateQueries({ queryKey: ["gated-actions"] });
    },
  });
}
