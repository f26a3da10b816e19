import { ZBot, ZBotPage, ZOpenClawConfig } from "@bridle/contracts";
import type { TBot, TBotInput, TDirectTransferRequest, TUpdateBotRequest } from "@bridle/contracts";
import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { findingKeys } from "../findings/queries.ts";
import { setupKeys } from "../setup/queries.ts";
import type { BotSearch } from "./search.ts";

export const BOT_PAGE_SIZE = 50;

export const botKeys = {
  all: ["bots"] as const,
  lists: () => [...botKeys.all, "list"] as const,
  list: (search: BotSearch) => [...botKeys.lists(), search] as const,
  details: () => [...botKeys.all, "detail"] as const,
  detail: (id: string) => [...botKeys.details(), id] as const,
  openClawConfigs: (id: string) => [...botKeys.all, "openclaw-config", id] as const,
  openClawConfig: (id: string, agentId: string, scope: "gateway" | "agent") => [...botKeys.openClawConfigs(id), agentId, scope] as const,
};

/** One page of 50 bots at a time (GET /api/v1/bots), so 10,000 bots stay smooth. */
export const botListQueryOptions = (search: BotSearch) =>
  infiniteQueryOptions({
    queryKey: botKeys.list(search),
    queryFn: ({ pageParam, signal }) =>
      api.get("/api/v1/bots", ZBotPage, { ...search, limit: BOT_PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

export const useBotList = (search: BotSearch) => useInfiniteQuery(botListQueryOptions(search));

export const botQueryOptions = (id: string) =>
  queryOptions({
    queryKey: botKeys.detail(id),
    queryFn: ({ signal }) => api.get(`/api/v1/bots/${encodeURIComponent(id)}`, ZBot, undefined, signal),
  });

export const useBot = (id: string) => useQuery(botQueryOptions(id));

/** The query string of GET /api/v1/bots/{id}/openclaw-config (the download link uses it too). */
export const openClawConfigQuery = (agentId: string, scope: "gateway" | "agent") => ({ agentId, scope });

/** GET /api/v1/bots/{id}/openclaw-config -> OpenClawConfig: the bot's OpenClaw static floor, generated from its record. */
export const useBotOpenClawConfig = (id: string, agentId: string, scope: "gateway" | "agent", enabled: boolean) =>
  useQuery({
    queryKey: botKeys.openClawConfig(id, agentId, scope),
    queryFn: ({ signal }) => api.get(`/api/v1/bots/${encodeURIComponent(id)}/openclaw-config`, ZOpenClawConfig, openClawConfigQuery(agentId, scope), signal),
    enabled,
  });

function useInvalidateAfterBotChange() {
  const queryClient = useQueryClient();
  return (bot: TBot) => {
    queryClient.setQueryData(botKeys.detail(bot.id), bot);
    // The static floor is generated from the bot's record.
    void queryClient.invalidateQueries({ queryKey: botKeys.openClawConfigs(bot.id) });
    // Findings counts and list rows change with the bot; teams and people count its bots.
    void queryClient.invalidateQueries({ queryKey: botKeys.lists() });
    void queryClient.invalidateQueries({ queryKey: findingKeys.all });
    // The first-run checklist counts bots.
    void queryClient.invalidateQueries({ queryKey: setupKeys.all });
  };
}

/** POST /api/v1/bots -> 201 Bot. */
export function useCreateBot() {
  const onChanged = useInvalidateAfterBotChange();
  return useMutation({
    mutationFn: (input: TBotInput) => api.post("/api/v1/bots", ZBot, input),
    onSuccess: onChanged,
  });
}

/** POST /api/v1/bots/{id}/transfer (IT and admins): the new owner at once, with a note for the audit log. */
export function useTransferBot(id: string) {
  const onChanged = useInvalidateAfterBotChange();
  return useMutation({
    mutationFn: (body: TDirectTransferRequest) => api.post(`/api/v1/bots/${encodeURIComponent(id)}/transfer`, ZBot, body),
    onSuccess: onChanged,
  });
}

/** PATCH /api/v1/bots/{id} with `version`; 409 when someone else changed the bot meanwhile. */
export function useUpdateBot(id: string) {
  const onChanged = useInvalidateAfterBotChange();
  return useMutation({
    mutationFn: (input: TUpdateBotRequest) => api.patch(`/api/v1/bots/${encodeURIComponent(id)}`, ZBot, input),
    onSuccess: onChanged,
  });
}
