import { ZBotToken, ZCreatedBotToken } from "@bridle/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { api, apiRequest } from "../../lib/api.ts";

export type TBotToken = z.infer<typeof ZBotToken>;
export type CreateBotTokenInput = { name: string; expiresInDays: number };

const ZBotTokenList = z.object({ items: z.array(ZBotToken) });

/** A bot's runtime tokens: what an agent runtime sends to POST /api/v1/decisions. */
export const botTokenKeys = {
  all: ["bot-tokens"] as const,
  list: (botId: string) => [...botTokenKeys.all, botId] as const,
};

const tokensPath = (botId: string) => `/api/v1/bots/${encodeURIComponent(botId)}/tokens`;

/** GET /api/v1/bots/{id}/tokens (the owner, or `bots.write_all`); revoked and expired ones included. */
export const useBotTokens = (botId: string) =>
  useQuery({
    queryKey: botTokenKeys.list(botId),
    queryFn: ({ signal }) => api.get(tokensPath(botId), ZBotTokenList, undefined, signal),
    select: (data) => data.items,
  });

/** POST /api/v1/bots/{id}/tokens -> 201 with the token value, shown once. */
export function useCreateBotToken(botId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateBotTokenInput) => api.post(tokensPath(botId), ZCreatedBotToken, input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: botTokenKeys.list(botId) }),
  });
}

/** DELETE /api/v1/bots/{id}/tokens/{tokenId} -> 204: the runtime's next decision request gets 401. */
export function useRevokeBotToken(botId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: string) => apiRequest({ method: "DELETE", path: `${tokensPath(botId)}/${encodeURIComponent(tokenId)}`, schema: null }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: botTokenKeys.list(botId) }),
  });
}
