import { ZInstructionFile, ZInstructionFileList, ZInstructionSet, ZInstructionVersion, ZInstructionVersionSummary, ZUploadInstructionResult } from "@bridle/contracts";
import type { TInstructionReviewRequest, TUploadInstructionRequest } from "@bridle/contracts";
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { api } from "../../lib/api.ts";

const bot = (botId: string) => `/api/v1/bots/${encodeURIComponent(botId)}/instructions`;
const file = (botId: string, name: string) => `${bot(botId)}/files/${encodeURIComponent(name)}`;

export const instructionKeys = {
  all: ["instructions"] as const,
  bot: (botId: string) => [...instructionKeys.all, botId] as const,
  files: (botId: string) => [...instructionKeys.bot(botId), "files"] as const,
  versions: (botId: string, name: string) => [...instructionKeys.bot(botId), "versions", name] as const,
  version: (botId: string, name: string, n: number) => [...instructionKeys.bot(botId), "version", name, n] as const,
  set: (botId: string, at: string | null) => [...instructionKeys.bot(botId), "set", at] as const,
};

/** GET .../instructions/files: the bot's files with their current and pending versions. */
export const useInstructionFiles = (botId: string) =>
  useQuery(queryOptions({ queryKey: instructionKeys.files(botId), queryFn: ({ signal }) => api.get(`${bot(botId)}/files`, ZInstructionFileList, undefined, signal) }));

const ZVersions = z.object({ file: z.string(), requiresReview: z.boolean(), items: z.array(ZInstructionVersionSummary) });

/** GET .../files/{name}/versions: a file's history, newest first. */
export const useInstructionVersions = (botId: string, name: string | undefined) =>
  useQuery(
    queryOptions({
      queryKey: instructionKeys.versions(botId, name ?? ""),
      queryFn: ({ signal }) => api.get(`${file(botId, name!)}/versions`, ZVersions, undefined, signal),
      enabled: name !== undefined,
    }),
  );

/** GET .../files/{name}/versions/{n}: one version with its content (versions never change: cached for good). */
export const useInstructionVersion = (botId: string, name: string | undefined, n: number | undefined) =>
  useQuery(
    queryOptions({
      queryKey: instructionKeys.version(botId, name ?? "", n ?? 0),
      queryFn: ({ signal }) => api.get(`${file(botId, name!)}/versions/${n}`, ZInstructionVersion, undefined, signal),
      enabled: name !== undefined && n !== undefined,
      staleTime: Infinity,
    }),
  );

/** GET .../instructions?at=T: the set in force at T (now when null). */
export const useInstructionSet = (botId: string, at: string | null) =>
  useQuery(
    queryOptions({
      queryKey: instructionKeys.set(botId, at),
      queryFn: ({ signal }) => api.get(bot(botId), ZInstructionSet, at ? { at } : undefined, signal),
      placeholderData: keepPreviousData,
    }),
  );

function useInvalidateBot(botId: string) {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: instructionKeys.bot(botId) });
}

/** POST .../files/{name}/versions: a new version (201), or the latest one when nothing changed (200). */
export function useUploadInstruction(botId: string) {
  const invalidate = useInvalidateBot(botId);
  return useMutation({
    mutationFn: ({ name, ...body }: TUploadInstructionRequest & { name: string }) => api.post(`${file(botId, name)}/versions`, ZUploadInstructionResult, body),
    onSuccess: invalidate,
  });
}

/** PATCH .../files/{name}: whether new versions wait for review. */
export function useUpdateInstructionFile(botId: string) {
  const invalidate = useInvalidateBot(botId);
  return useMutation({
    mutationFn: ({ name, requiresReview }: { name: string; requiresReview: boolean }) => api.patch(file(botId, name), ZInstructionFile, { requiresReview }),
    onSuccess: invalidate,
  });
}

/** POST .../versions/{n}/review: approve or reject a version waiting for review. */
export function useReviewInstruction(botId: string) {
  const invalidate = useInvalidateBot(botId);
  return useMutation({
    mutationFn: ({ name, version, ...body }: TInstructionReviewRequest & { name: string; version: number }) =>
      api.post(`${file(botId, name)}/versions/${version}/review`, ZInstructionVersionSummary, body),
    onSuccess: invalidate,
  });
}
