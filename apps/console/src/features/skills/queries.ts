import { ZBotSkills, ZSkill, ZSkillPage } from "@bridle/contracts";
import type { TCreateSkillRequest, TSkillReviewRequest, TSkillStatus, TUpdateSkillRequest } from "@bridle/contracts";
import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { botKeys } from "../bots/queries.ts";
import { findingKeys } from "../findings/queries.ts";

export type SkillFilter = { status?: TSkillStatus | undefined; q?: string | undefined };

export const skillKeys = {
  all: ["skills"] as const,
  lists: () => [...skillKeys.all, "list"] as const,
  list: (filter: SkillFilter) => [...skillKeys.lists(), filter] as const,
  refs: () => [...skillKeys.all, "refs"] as const,
  /** by the bot's version too: an edit of the bot (its allowed tools) is a new key */
  bot: (botId: string, version: number) => [...skillKeys.all, "bot", botId, version] as const,
};

const PAGE = 100;

/** GET /api/v1/skills: the registry, 100 entries at a time, by name with the highest version first. */
export const skillListQueryOptions = (filter: SkillFilter) =>
  infiniteQueryOptions({
    queryKey: skillKeys.list(filter),
    queryFn: ({ pageParam, signal }) => api.get("/api/v1/skills", ZSkillPage, { ...filter, limit: PAGE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

export const useSkillList = (filter: SkillFilter) => useInfiniteQuery(skillListQueryOptions(filter));

/** Every registry version as `name@version` with its status, for the allowed-tools pickers (the first 200). */
export const useSkillRefs = () =>
  useQuery(
    queryOptions({
      queryKey: skillKeys.refs(),
      queryFn: ({ signal }) => api.get("/api/v1/skills", ZSkillPage, { limit: 200 }, signal),
      select: (data) => data.items.map((s) => ({ ref: s.ref, status: s.status })),
      staleTime: 60_000,
    }),
  );

/** GET /api/v1/bots/{id}/skills: the bot's allowed tools against the registry. */
export const useBotSkills = (botId: string, botVersion: number) =>
  useQuery(
    queryOptions({
      queryKey: skillKeys.bot(botId, botVersion),
      placeholderData: keepPreviousData,
      queryFn: ({ signal }) => api.get(`/api/v1/bots/${encodeURIComponent(botId)}/skills`, ZBotSkills, undefined, signal),
    }),
  );

/** A registry write changes the list, bots' skills, and the findings of the bots using that version. */
function useInvalidateRegistry() {
  const queryClient = useQueryClient();
  return () => {
    for (const queryKey of [skillKeys.all, botKeys.all, findingKeys.all]) void queryClient.invalidateQueries({ queryKey });
  };
}

/** POST /api/v1/skills (admins, security): a new version, pending review. */
export function useCreateSkill() {
  const invalidate = useInvalidateRegistry();
  return useMutation({ mutationFn: (input: TCreateSkillRequest) => api.post("/api/v1/skills", ZSkill, input), onSuccess: invalidate });
}

/** PATCH /api/v1/skills/{id} (admins, security); a new source sends the entry back to review. */
export function useUpdateSkill() {
  const invalidate = useInvalidateRegistry();
  return useMutation({
    mutationFn: ({ id, ...patch }: TUpdateSkillRequest & { id: string }) => api.patch(`/api/v1/skills/${encodeURIComponent(id)}`, ZSkill, patch),
    onSuccess: invalidate,
  });
}

/** POST /api/v1/skills/{id}/review (security). */
export function useReviewSkill() {
  const invalidate = useInvalidateRegistry();
  return useMutation({
    mutationFn: ({ id, ...body }: TSkillReviewRequest & { id: string }) => api.post(`/api/v1/skills/${encodeURIComponent(id)}/review`, ZSkill, body),
    onSuccess: invalidate,
  });
}
