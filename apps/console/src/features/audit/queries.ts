import { ZAuditEvent, ZAuditEventPage, ZBotPage } from "@bridle/contracts";
import type { TAuditEvent } from "@bridle/contracts";
import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { auditListQuery } from "./search.ts";
import type { AuditSearch } from "./search.ts";

export const AUDIT_PAGE_SIZE = 50;
/** A session's story is read whole, 200 events a page, up to this many pages (10,000 events). */
const SESSION_PAGE_SIZE = 200;
const SESSION_MAX_PAGES = 50;

export const auditKeys = {
  all: ["audit"] as const,
  lists: () => [...auditKeys.all, "list"] as const,
  list: (search: AuditSearch) => [...auditKeys.lists(), search] as const,
  details: () => [...auditKeys.all, "detail"] as const,
  detail: (id: string) => [...auditKeys.details(), id] as const,
  session: (sessionId: string) => [...auditKeys.all, "session", sessionId] as const,
  botSearch: (q: string) => [...auditKeys.all, "bot-search", q] as const,
};

/** GET /api/v1/audit-events with the page's filters, newest first, 50 at a time (cursor). */
export const auditListQueryOptions = (search: AuditSearch) =>
  infiniteQueryOptions({
    queryKey: auditKeys.list(search),
    queryFn: ({ pageParam, signal }) =>
      api.get("/api/v1/audit-events", ZAuditEventPage, { ...auditListQuery(search), limit: AUDIT_PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

export const useAuditList = (search: AuditSearch) => useInfiniteQuery(auditListQueryOptions(search));

/** GET /api/v1/audit-events/{id}. */
export const auditEventQueryOptions = (id: string) =>
  queryOptions({
    queryKey: auditKeys.detail(id),
    queryFn: ({ signal }) => api.get(`/api/v1/audit-events/${encodeURIComponent(id)}`, ZAuditEvent, undefined, signal),
  });

export const useAuditEvent = (id: string) => useQuery(auditEventQueryOptions(id));

export type SessionStory = {
  /** the session's own events and what became of the approval requests it opened, oldest first */
  events: TAuditEvent[];
  /** true when the session has more events than the console reads at once */
  truncated: boolean;
};

/** Every event of a query, newest first, following the cursor up to `maxPages` pages. */
async function readAll(query: Record<string, string>, signal: AbortSignal, maxPages: number) {
  const events: TAuditEvent[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await api.get("/api/v1/audit-events", ZAuditEventPage, { ...query, limit: SESSION_PAGE_SIZE, cursor }, signal);
    events.push(...result.items);
    if (!result.nextCursor) return { events, truncated: false };
    cursor = result.nextCursor;
  }
  return { events, truncated: true };
}

/**
 * One runtime session's story (GET /api/v1/audit-events?sessionId=…): its decisions and approval
 * requests, and the reviews, expiry or cancellation of each request it opened (those are written
 * by people, outside the session, so they are read by the request's id), oldest first.
 */
export const sessionStoryQueryOptions = (sessionId: string) =>
  queryOptions({
    queryKey: auditKeys.session(sessionId),
    queryFn: async ({ signal }): Promise<SessionStory> => {
      const own = await readAll({ sessionId }, signal, SESSION_MAX_PAGES);
      const requestIds = [...new Set(own.events.filter((e) => e.action === "approval.request" && e.resourceId).map((e) => e.resourceId!))];
      const followUps = await Promise.all(
        requestIds.map((resourceId) => readAll({ resourceType: "approval_request", resourceId }, signal, 1).then((r) => r.events)),
      );
      const byId = new Map<string, TAuditEvent>();
      for (const event of [...own.events, ...followUps.flat()]) byId.set(event.id, event);
      return { events: [...byId.values()].sort((a, b) => a.seq - b.seq), truncated: own.truncated };
    },
  });

export const useSessionStory = (sessionId: string) => useQuery(sessionStoryQueryOptions(sessionId));

/** Bots by name for the filters' pickers (GET /api/v1/bots?q=…, 20 at most). */
export const useBotSearch = (q: string) =>
  useQuery({
    queryKey: auditKeys.botSearch(q),
    queryFn: ({ signal }) => api.get("/api/v1/bots", ZBotPage, { q: q || undefined, limit: 20, sort: "name" }, signal),
    select: (data) => data.items,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
