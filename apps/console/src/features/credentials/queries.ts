import {
  ZCredentialReferenceDetail,
  ZCredentialReferenceList,
  ZLeakPlaybook,
  ZLeakPlaybookPage,
  ZRotationPage,
  type TCompleteLeakStep,
  type TCreateCredentialReference,
  type TMarkRotated,
  type TUpdateCredentialReference,
} from "@bridle/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, apiRequest, type QueryParams } from "../../lib/api.ts";
import { botKeys } from "../bots/queries.ts";

/** Credential references, the Rotation page and leak playbooks (the API's credentials module). */
export const credentialKeys = {
  all: ["credentials"] as const,
  list: (botId: string) => [...credentialKeys.all, "bot", botId] as const,
  rotation: (query: QueryParams) => [...credentialKeys.all, "rotation", query] as const,
  playbooks: (query: QueryParams) => [...credentialKeys.all, "playbooks", query] as const,
  playbook: (id: string) => [...credentialKeys.all, "playbook", id] as const,
};

const referencesPath = (botId: string) => `/api/v1/bots/${encodeURIComponent(botId)}/credential-references`;

/** GET /api/v1/bots/{id}/credential-references (the owner, or `bots.read_all`). */
export const useCredentialReferences = (botId: string) =>
  useQuery({
    queryKey: credentialKeys.list(botId),
    queryFn: ({ signal }) => api.get(referencesPath(botId), ZCredentialReferenceList, undefined, signal),
    select: (data) => data.items,
  });

/** After a write: the list, the Rotation page, playbooks, and the bot itself (its findings and version change). */
function useInvalidate(botId: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: credentialKeys.all });
    void queryClient.invalidateQueries({ queryKey: botKeys.detail(botId) });
  };
}

export function useCreateCredentialReference(botId: string) {
  const invalidate = useInvalidate(botId);
  return useMutation({
    mutationFn: (input: TCreateCredentialReference) => api.post(referencesPath(botId), ZCredentialReferenceDetail, input),
    onSuccess: invalidate,
  });
}

export function useUpdateCredentialReference(botId: string) {
  const invalidate = useInvalidate(botId);
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: TUpdateCredentialReference }) => api.patch(`${referencesPath(botId)}/${encodeURIComponent(id)}`, ZCredentialReferenceDetail, input),
    onSuccess: invalidate,
  });
}

export function useDeleteCredentialReference(botId: string) {
  const invalidate = useInvalidate(botId);
  return useMutation({
    mutationFn: (id: string) => apiRequest({ method: "DELETE", path: `${referencesPath(botId)}/${encodeURIComponent(id)}`, schema: null }),
    onSuccess: invalidate,
  });
}

/** POST .../{refId}/rotations: "mark rotated". */
export function useMarkRotated(botId: string) {
  const invalidate = useInvalidate(botId);
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: TMarkRotated }) => api.post(`${referencesPath(botId)}/${encodeURIComponent(id)}/rotations`, ZCredentialReferenceDetail, input),
    onSuccess: invalidate,
  });
}

/** POST .../{refId}/leak-playbooks: security starts "suspected leak" (`credentials.respond`). */
export function useStartLeakPlaybook(botId: string) {
  const invalidate = useInvalidate(botId);
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) => api.post(`${referencesPath(botId)}/${encodeURIComponent(id)}/leak-playbooks`, ZLeakPlaybook, { reason }),
    onSuccess: invalidate,
  });
}

/** GET /api/v1/credential-rotation: due and overdue references, soonest first. */
export const useRotation = (query: QueryParams) =>
  useQuery({
    queryKey: credentialKeys.rotation(query),
    queryFn: ({ signal }) => api.get("/api/v1/credential-rotation", ZRotationPage, { limit: 200, ...query }, signal),
    placeholderData: keepPreviousData,
  });

export const useLeakPlaybooks = (query: QueryParams) =>
  useQuery({
    queryKey: credentialKeys.playbooks(query),
    queryFn: ({ signal }) => api.get("/api/v1/leak-playbooks", ZLeakPlaybookPage, { limit: 100, ...query }, signal),
  });

export const useLeakPlaybook = (id: string) =>
  useQuery({
    queryKey: credentialKeys.playbook(id),
    queryFn: ({ signal }) => api.get(`/api/v1/leak-playbooks/${encodeURIComponent(id)}`, ZLeakPlaybook, undefined, signal),
  });

/** POST /api/v1/leak-playbooks/{id}/steps: one step done, with notes. */
export function useCompleteLeakStep(id: string, botId: string | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: TCompleteLeakStep) => api.post(`/api/v1/leak-playbooks/${encodeURIComponent(id)}/steps`, ZLeakPlaybook, input),
    onSuccess: (playbook) => {
      queryClient.setQueryData(credentialKeys.playbook(id), playbook);
      void queryClient.invalidateQueries({ queryKey: credentialKeys.all });
      if (botId) void queryClient.invalidateQueries({ queryKey: botKeys.detail(botId) });
    },
  });
}
