import {
  ZAccessReviewCampaign,
  ZAccessReviewItemDetail,
  ZAccessReviewItemSummary,
  type TDecideAccessReviewItemRequest,
  type TStartAccessReviewRequest,
} from "@bridle/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { api, apiRequest, apiStream } from "../../lib/api.ts";
import { botKeys } from "../bots/queries.ts";

const ZItemList = z.object({ items: z.array(ZAccessReviewItemSummary) });
const ZCampaignList = z.object({ items: z.array(ZAccessReviewCampaign) });
const ZCampaignWithItems = ZAccessReviewCampaign.extend({ items: z.array(ZAccessReviewItemSummary) });
export type TCampaignWithItems = z.infer<typeof ZCampaignWithItems>;

export const reviewKeys = {
  all: ["access-reviews"] as const,
  mine: () => [...reviewKeys.all, "mine"] as const,
  item: (id: string) => [...reviewKeys.all, "item", id] as const,
  campaigns: () => [...reviewKeys.all, "campaigns"] as const,
  campaign: (id: string) => [...reviewKeys.all, "campaign", id] as const,
};

/** GET /api/v1/access-review-items: my items (and, for admins, orphans' items), pending first. */
export const useMyReviewItems = () =>
  useQuery({
    queryKey: reviewKeys.mine(),
    queryFn: ({ signal }) => api.get("/api/v1/access-review-items", ZItemList, undefined, signal),
    select: (data) => data.items,
  });

/** GET /api/v1/access-review-items/{id}: everything needed to decide one item. */
export const useReviewItem = (id: string) =>
  useQuery({
    queryKey: reviewKeys.item(id),
    queryFn: ({ signal }) => api.get(`/api/v1/access-review-items/${encodeURIComponent(id)}`, ZAccessReviewItemDetail, undefined, signal),
  });

/** POST /api/v1/access-review-items/{id}/decision: keep, reduce (applied at once) or offboard. */
export function useDecideReviewItem(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TDecideAccessReviewItemRequest) =>
      apiRequest({ method: "POST", path: `/api/v1/access-review-items/${encodeURIComponent(id)}/decision`, json: body, schema: ZAccessReviewItemDetail }),
    onSuccess: (item) => {
      queryClient.setQueryData(reviewKeys.item(id), item);
      void queryClient.invalidateQueries({ queryKey: reviewKeys.all });
      // The bot's grants, channels, references and last review date changed.
      void queryClient.invalidateQueries({ queryKey: botKeys.all });
    },
  });
}

/** GET /api/v1/access-reviews (admins, auditors). */
export const useReviewCampaigns = (enabled: boolean) =>
  useQuery({
    queryKey: reviewKeys.campaigns(),
    queryFn: ({ signal }) => api.get("/api/v1/access-reviews", ZCampaignList, undefined, signal),
    select: (data) => data.items,
    enabled,
  });

/** GET /api/v1/access-reviews/{id}: progress and every item. */
export const useReviewCampaign = (id: string) =>
  useQuery({
    queryKey: reviewKeys.campaign(id),
    queryFn: ({ signal }) => api.get(`/api/v1/access-reviews/${encodeURIComponent(id)}`, ZCampaignWithItems, undefined, signal),
  });

/** POST /api/v1/access-reviews (admins): start a campaign now. */
export function useStartReviewCampaign() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TStartAccessReviewRequest) => apiRequest({ method: "POST", path: "/api/v1/access-reviews", json: body, schema: ZAccessReviewCampaign }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: reviewKeys.all }),
  });
}

/** Downloads the campaign's evidence pack (GET /api/v1/access-reviews/{id}/evidence) as a file. */
export async function downloadEvidence(campaignId: string, format: "csv" | "json"): Promise<string> {
  const response = await apiStream({
    path: `/api/v1/access-reviews/${encodeURIComponent(campaignId)}/evidence`,
    query: { format },
    accept: format === "csv" ? "text/csv" : "application/json",
  });
  const match = /filename="?([^";]+)"?/.exec(response.headers.get("content-disposition") ?? "");
  const fileName = match?.[1] ?? `bridle-access-review-${campaignId}.${format}`;
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
