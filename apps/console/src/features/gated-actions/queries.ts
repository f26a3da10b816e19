import { type ZGatedActionOverride, ZGatedActionRule } from "@bridle/contracts";
import type { TGatedAction, TGatedActionRule } from "@bridle/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { api, apiRequest } from "../../lib/api.ts";
import { policyKeys } from "../policy/queries.ts";

/**
 * The bot-level item is declared in the API's route file (BotGatedActionRule), not exported by
 * @bridle/contracts yet; it is composed here from the contract's rule and override.
 */
export { ZBotGatedActionItem, type TBotGatedActionItem } from "@bridle/contracts";
import { ZBotGatedActionItem } from "@bridle/contracts";
export type TGatedActionOverride = z.infer<typeof ZGatedActionOverride>;
/** PUT body of an override: the fields to set (omitted or null ones follow the org's rule). */
export type OverrideFields = Partial<Omit<TGatedActionOverride, "action">>;

const ZRuleList = z.object({ items: z.array(ZGatedActionRule) });
const ZBotRuleList = z.object({ items: z.array(ZBotGatedActionItem) });

export const gatedActionKeys = {
  all: ["gated-actions"] as const,
  org: () => [...gatedActionKeys.all, "org"] as const,
  bot: (botId: string) => [...gatedActionKeys.all, "bot", botId] as const,
};

const botPath = (botId: string, action?: TGatedAction) =>
  `/api/v1/bots/${encodeURIComponent(botId)}/gated-actions${action ? `/${encodeURIComponent(action)}` : ""}`;

/** GET /api/v1/gated-actions: the org's rule for each gated action. */
export const useGatedActions = () =>
  useQuery({
    queryKey: gatedActionKeys.org(),
    queryFn: ({ signal }) => api.get("/api/v1/gated-actions", ZRuleList, undefined, signal),
    select: (data) => data.items,
  });

/** PUT /api/v1/gated-actions/{action} (policy.update); bumps the policy version. */
export function useUpdateGatedAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, ...fields }: TGatedActionRule) =>
      apiRequest({ method: "PUT", path: `/api/v1/gated-actions/${encodeURIComponent(action)}`, json: fields, schema: ZGatedActionRule }),
    onSuccess: () => {
      // Every bot's effective rules follow the org's; the policy page shows the version.
      void queryClient.invalidateQueries({ queryKey: gatedActionKeys.all });
      void queryClient.invalidateQueries({ queryKey: policyKeys.all });
    },
  });
}

/** GET /api/v1/bots/{id}/gated-actions: org rule, override and effective rule per action. */
export const useBotGatedActions = (botId: string) =>
  useQuery({
    queryKey: gatedActionKeys.bot(botId),
    queryFn: ({ signal }) => api.get(botPath(botId), ZBotRuleList, undefined, signal),
    select: (data) => data.items,
  });

/** PUT /api/v1/bots/{id}/gated-actions/{action} (admin, IT); 400 when it would loosen the org's rule. */
export function useSetBotOverride(botId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, fields }: { action: TGatedAction; fields: OverrideFields }) =>
      apiRequest({ method: "PUT", path: botPath(botId, action), json: fields, schema: ZBotGatedActionItem }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: gatedActionKeys.bot(botId) }),
  });
}

/** DELETE /api/v1/bots/{id}/gated-actions/{action} -> 204: the org's rule applies again. */
export function useRemoveBotOverride(botId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: TGatedAction) => apiRequest({ method: "DELETE", path: botPath(botId, action), schema: null }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: gatedActionKeys.bot(botId) }),
  });
}
