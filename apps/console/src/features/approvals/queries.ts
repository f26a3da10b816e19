import { ZApprovalRequest } from "@bridle/contracts";
import type { TApprovalRequest, TCreateApprovalRequest } from "@bridle/contracts";
import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { botKeys } from "../bots/queries.ts";
import { ZApprovalCount, ZApprovalPreview, ZApprovalRequestPage } from "./schemas.ts";
import { listQuery } from "./search.ts";
import type { ApprovalSearch } from "./search.ts";

export const APPROVAL_PAGE_SIZE = 50;
/** The navigation badge asks this often (ms). */
const COUNT_POLL_MS = 30_000;

export const approvalKeys = {
  all: ["approvals"] as const,
  lists: () => [...approvalKeys.all, "list"] as const,
  list: (search: ApprovalSearch) => [...approvalKeys.lists(), search] as const,
  forBot: (botId: string) => [...approvalKeys.lists(), "bot", botId] as const,
  count: () => [...approvalKeys.all, "count"] as const,
  details: () => [...approvalKeys.all, "detail"] as const,
  detail: (id: string) => [...approvalKeys.details(), id] as const,
  preview: (body: string) => [...approvalKeys.all, "preview", body] as const,
};

const requestPath = (id: string) => `/api/v1/approval-requests/${encodeURIComponent(id)}`;

/** GET /api/v1/approval-requests, newest first, 50 at a time. */
export const approvalListQueryOptions = (search: ApprovalSearch) =>
  infiniteQueryOptions({
    queryKey: approvalKeys.list(search),
    queryFn: ({ pageParam, signal }) =>
      api.get("/api/v1/approval-requests", ZApprovalRequestPage, { ...listQuery(search), limit: APPROVAL_PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

export const useApprovalList = (search: ApprovalSearch) => useInfiniteQuery(approvalListQueryOptions(search));

/** A bot's pending requests (the bot page). */
export const useBotOpenRequests = (botId: string) =>
  useQuery({
    queryKey: approvalKeys.forBot(botId),
    queryFn: ({ signal }) => api.get("/api/v1/approval-requests", ZApprovalRequestPage, { bot: botId, status: "pending", limit: 50 }, signal),
  });

/** GET /api/v1/approval-requests/count: pending requests I could decide now; polled for the navigation badge. */
export const useApprovalCount = () =>
  useQuery({
    queryKey: approvalKeys.count(),
    queryFn: ({ signal }) => api.get("/api/v1/approval-requests/count", ZApprovalCount, undefined, signal),
    refetchInterval: COUNT_POLL_MS,
    staleTime: COUNT_POLL_MS,
    retry: false,
    select: (data) => data.pending,
  });

export const approvalQueryOptions = (id: string) =>
  queryOptions({
    queryKey: approvalKeys.detail(id),
    queryFn: ({ signal }) => api.get(requestPath(id), ZApprovalRequest, undefined, signal),
  });

export const useApprovalRequest = (id: string) => useQuery(approvalQueryOptions(id));

/**
 * POST /api/v1/approval-requests/preview for a request body (as JSON, so equal bodies share a
 * cache entry); writes nothing. `body` null means "nothing to preview yet".
 */
export const useApprovalPreview = (body: string | null) =>
  useQuery({
    queryKey: approvalKeys.preview(body ?? ""),
    queryFn: () => api.post("/api/v1/approval-requests/preview", ZApprovalPreview, JSON.parse(body ?? "{}") as unknown),
    enabled: body !== null,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
    retry: false,
  });

function useAfterApprovalChange() {
  const queryClient = useQueryClient();
  return (request: TApprovalRequest) => {
    queryClient.setQueryData(approvalKeys.detail(request.id), request);
    void queryClient.invalidateQueries({ queryKey: approvalKeys.lists() });
    void queryClient.invalidateQueries({ queryKey: approvalKeys.count() });
    // An approval applies its change to the bot (grant, exception, owner).
    if (request.status === "approved") void queryClient.invalidateQueries({ queryKey: botKeys.all });
  };
}

/** POST /api/v1/approval-requests -> 201. */
export function useCreateApprovalRequest() {
  const onChanged = useAfterApprovalChange();
  return useMutation({
    mutationFn: (body: TCreateApprovalRequest) => api.post("/api/v1/approval-requests", ZApprovalRequest, body),
    onSuccess: onChanged,
  });
}

export type ReviewInput = { decision: "approve" | "deny"; note?: string };

/** POST .../{id}/approve or /deny with an optional note; 403 (not an approver), 409 (decided, expired, reviewed). */
export function useReviewApprovalRequest(id: string) {
  const queryClient = useQueryClient();
  const onChanged = useAfterApprovalChange();
  return useMutation({
    mutationFn: ({ decision, note }: ReviewInput) =>
      api.post(`${requestPath(id)}/${decision}`, ZApprovalRequest, note && note.trim() !== "" ? { note: note.trim() } : {}),
    onSuccess: onChanged,
    // A 409 means the request moved on meanwhile (decided, expired): show it, the inbox and the badge as they are now.
    onError: () => {
      void queryClient.invalidateQueries({ queryKey: approvalKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: approvalKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: approvalKeys.count() });
    },
  });
}

/** POST .../{id}/cancel: the requester withdraws a pending request. */
export function useWithdrawApprovalRequest(id: string) {
  const onChanged = useAfterApprovalChange();
  return useMutation({
    mutationFn: () => api.post(`${requestPath(id)}/cancel`, ZApprovalRequest),
    onSuccess: onChanged,
  });
}
