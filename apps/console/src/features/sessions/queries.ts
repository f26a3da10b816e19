import { ZBotRuntimeStatus, ZRuntimeSessionPage, ZSessionTimeline } from "@bridle/contracts";
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";

const sessionsOf = (botId: string) => `/api/v1/bots/${encodeURIComponent(botId)}/sessions`;

export const sessionKeys = {
  all: ["runtime-sessions"] as const,
  bot: (botId: string) => [...sessionKeys.all, botId] as const,
  list: (botId: string, limit: number) => [...sessionKeys.bot(botId), "list", limit] as const,
  timeline: (botId: string, sessionId: string) => [...sessionKeys.bot(botId), "timeline", sessionId] as const,
};

/** GET /bots/{id}/sessions: the bot's runtime sessions, latest activity first, `limit` a page ("Load more" follows the cursor). */
export const useRuntimeSessions = (botId: string, limit = 50) =>
  useInfiniteQuery(
    infiniteQueryOptions({
      queryKey: sessionKeys.list(botId, limit),
      initialPageParam: undefined as string | undefined,
      queryFn: ({ pageParam, signal }) => api.get(sessionsOf(botId), ZRuntimeSessionPage, { limit, cursor: pageParam }, signal),
      getNextPageParam: (last) => last.nextCursor ?? undefined,
    }),
  );

/** GET /bots/{id}/sessions/{sessionId}: one session's story in order (runtime events, decisions, approval steps). */
export const useSessionTimeline = (botId: string, sessionId: string) =>
  useQuery(
    queryOptions({
      queryKey: sessionKeys.timeline(botId, sessionId),
      queryFn: ({ signal }) => api.get(`${sessionsOf(botId)}/${encodeURIComponent(sessionId)}`, ZSessionTimeline, undefined, signal),
    }),
  );

/** GET /bots/{id}/runtime: who enforces the bot (gateways from its heartbeats, versions, last seen) and its recent enforcement gaps. */
export const useBotRuntime = (botId: string) =>
  useQuery(
    queryOptions({
      queryKey: [...sessionKeys.bot(botId), "runtime"] as const,
      queryFn: ({ signal }) => api.get(`/api/v1/bots/${encodeURIComponent(botId)}/runtime`, ZBotRuntimeStatus, undefined, signal),
      refetchInterval: 60_000,
    }),
  );
