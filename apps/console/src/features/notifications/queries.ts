import {
  ZDeliveryPage,
  ZMarkedRead,
  ZNotificationPage,
  ZNotificationPreferences,
  ZNotificationSettings,
  ZUnreadCount,
  type TDeliveryStatus,
  type TKindChannels,
} from "@bridle/contracts";
import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { api, apiRequest } from "../../lib/api.ts";

/** The bell asks this often (ms). */
const UNREAD_POLL_MS = 30_000;
export const NOTIFICATION_PAGE_SIZE = 30;

export const notificationKeys = {
  all: ["notifications"] as const,
  lists: () => [...notificationKeys.all, "list"] as const,
  list: (unreadOnly: boolean) => [...notificationKeys.lists(), { unreadOnly }] as const,
  unread: () => [...notificationKeys.all, "unread"] as const,
  preferences: () => [...notificationKeys.all, "preferences"] as const,
  settings: () => [...notificationKeys.all, "settings"] as const,
  deliveries: (status: TDeliveryStatus | null) => [...notificationKeys.all, "deliveries", { status }] as const,
};

/** GET /api/v1/notifications: mine, newest first, 30 at a time. */
export const notificationListOptions = (unreadOnly: boolean, limit = NOTIFICATION_PAGE_SIZE) =>
  infiniteQueryOptions({
    queryKey: [...notificationKeys.list(unreadOnly), limit],
    queryFn: ({ pageParam, signal }) =>
      api.get("/api/v1/notifications", ZNotificationPage, { limit, cursor: pageParam, unread: unreadOnly ? "true" : undefined }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

export const useNotifications = (unreadOnly: boolean, limit?: number) => useInfiniteQuery(notificationListOptions(unreadOnly, limit));

/** GET /api/v1/notifications/unread-count, polled for the bell's badge. */
export const useUnreadCount = () =>
  useQuery({
    queryKey: notificationKeys.unread(),
    queryFn: ({ signal }) => api.get("/api/v1/notifications/unread-count", ZUnreadCount, undefined, signal),
    refetchInterval: UNREAD_POLL_MS,
    staleTime: UNREAD_POLL_MS,
    retry: false,
    select: (data) => data.unread,
  });

function useRefreshLists() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: notificationKeys.lists() });
    void queryClient.invalidateQueries({ queryKey: notificationKeys.unread() });
  };
}

/** POST /api/v1/notifications/{id}/read -> 204. */
export function useMarkRead() {
  const refresh = useRefreshLists();
  return useMutation({
    mutationFn: (id: string) => apiRequest({ method: "POST", path: `/api/v1/notifications/${encodeURIComponent(id)}/read`, schema: null }),
    onSuccess: refresh,
  });
}

/** POST /api/v1/notifications/read-all -> how many were unread. */
export function useMarkAllRead() {
  const refresh = useRefreshLists();
  return useMutation({ mutationFn: () => api.post("/api/v1/notifications/read-all", ZMarkedRead), onSuccess: refresh });
}

/** POST /api/v1/notifications/test: a test notification to myself. */
export function useSendTest() {
  const refresh = useRefreshLists();
  return useMutation({ mutationFn: () => api.post("/api/v1/notifications/test", z.object({ notificationId: z.string().nullable() })), onSuccess: refresh });
}

export const usePreferences = () =>
  useQuery({
    queryKey: notificationKeys.preferences(),
    queryFn: ({ signal }) => api.get("/api/v1/notification-preferences", ZNotificationPreferences, undefined, signal),
  });

/** PUT /api/v1/notification-preferences with the kinds that changed. */
export function useUpdatePreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (kinds: TKindChannels[]) => apiRequest({ method: "PUT", path: "/api/v1/notification-preferences", json: { kinds }, schema: ZNotificationPreferences }),
    onSuccess: (saved) => queryClient.setQueryData(notificationKeys.preferences(), saved),
  });
}

// Org settings (notifications.manage)

export const useNotificationSettings = () =>
  useQuery({
    queryKey: notificationKeys.settings(),
    queryFn: ({ signal }) => api.get("/api/v1/notification-settings", ZNotificationSettings, undefined, signal),
  });

/** PUT /api/v1/notification-settings: a new webhook URL, or null to remove it. */
export function useUpdateNotificationSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (webhookUrl: string | null) => apiRequest({ method: "PUT", path: "/api/v1/notification-settings", json: { webhookUrl }, schema: ZNotificationSettings }),
    onSuccess: (saved) => {
      queryClient.setQueryData(notificationKeys.settings(), saved);
      void queryClient.invalidateQueries({ queryKey: notificationKeys.preferences() });
    },
  });
}

export const useDeliveries = (status: TDeliveryStatus | null) =>
  useInfiniteQuery({
    queryKey: notificationKeys.deliveries(status),
    queryFn: ({ pageParam, signal }) => api.get("/api/v1/notification-deliveries", ZDeliveryPage, { limit: 50, cursor: pageParam, status: status ?? undefined }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    // deliveries move on by themselves (the worker, retries): follow them while the page is open
    refetchInterval: 10_000,
  });

/** POST /api/v1/notification-deliveries/{id}/retry -> 204. */
export function useRetryDelivery() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest({ method: "POST", path: `/api/v1/notification-deliveries/${encodeURIComponent(id)}/retry`, schema: null }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: [...notificationKeys.all, "deliveries"] });
      void queryClient.invalidateQueries({ queryKey: notificationKeys.settings() });
    },
  });
}
