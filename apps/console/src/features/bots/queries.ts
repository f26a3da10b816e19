import { ZBot, ZBotPage } from "@bridle/contracts";
import type { TBot, TBotInput, TDirectTransferRequest, TUpdateBotRequest } from "@bridle/contracts";
import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { findingKeys } from "../findings/queries.ts";
import type { BotSearch } from "./search.ts";

export const BOT_PAGE_SIZE = 50;

export const botKeys = {
  all: ["bots"] as const,
  lists: () => [...botKeys.all, "list"] as const,
  list: (search: BotSearch) => [...botKeys.lists(), search] as const,
  details: () => [...botKeys.all, "detail"] as const,
  detail: (id: string) => [...botKeys.details(), id] as const,
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

function useInvalidateAfterBotChange() {
  const queryClient = useQueryClient();
  return (bot: TBot) => {
    queryClient.setQueryData(botKeys.detail(bot.id), bot);
    // Findings counts and list rows change with the bot; teams and people count its bots.
    void queryClient.invalidateQueries({ queryKey: botKeys.lists() });
    void queryClient.invalidateQueries({ queryKey: findingKeys.all });
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
