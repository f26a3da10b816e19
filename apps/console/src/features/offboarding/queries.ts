import {
  ZOffboardingBulkResponse,
  ZOffboardingCase,
  ZOffboardingCasePage,
  ZOffboardingOverview,
  ZOffboardPersonResponse,
  type TOffboardingPlanRequest,
  type TOffboardPersonRequest,
  type TRecordOffboardingStepRequest,
} from "@bridle/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, apiRequest } from "../../lib/api.ts";
import { botKeys } from "../bots/queries.ts";
import { peopleKeys } from "../people/queries.ts";

export const offboardingKeys = {
  all: ["offboarding"] as const,
  list: (filter: { status?: "open" | "closed"; personId?: string; botId?: string }) => [...offboardingKeys.all, "list", filter] as const,
  case: (id: string) => [...offboardingKeys.all, "case", id] as const,
  overview: () => [...offboardingKeys.all, "overview"] as const,
};

/** GET /api/v1/offboarding-cases (up to 200; the console lists open cases, a person's, or a bot's). */
export const useOffboardingCases = (filter: { status?: "open" | "closed"; personId?: string; botId?: string }, enabled = true) =>
  useQuery({
    queryKey: offboardingKeys.list(filter),
    queryFn: ({ signal }) => api.get("/api/v1/offboarding-cases", ZOffboardingCasePage, { ...filter, limit: 200 }, signal),
    select: (data) => data.items,
    enabled,
  });

/** GET /api/v1/offboarding-cases/{id}: the case and its checklist. */
export const useOffboardingCase = (id: string) =>
  useQuery({
    queryKey: offboardingKeys.case(id),
    queryFn: ({ signal }) => api.get(`/api/v1/offboarding-cases/${encodeURIComponent(id)}`, ZOffboardingCase, undefined, signal),
  });

/** GET /api/v1/offboarding-cases/overview: orphans and open cases (the dashboard's card). */
export const useOffboardingOverview = () =>
  useQuery({
    queryKey: offboardingKeys.overview(),
    queryFn: ({ signal }) => api.get("/api/v1/offboarding-cases/overview", ZOffboardingOverview, undefined, signal),
  });

function useInvalidateAll() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: offboardingKeys.all });
    // Bots change status, owner, grants, channels, tokens and credential references.
    void queryClient.invalidateQueries({ queryKey: botKeys.all });
    void queryClient.invalidateQueries({ queryKey: peopleKeys.all });
  };
}

/** POST /api/v1/offboarding-cases/{id}/plan: transfer (to someone) or offboard one bot. */
export function useChoosePlan(id: string) {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: (body: TOffboardingPlanRequest) => apiRequest({ method: "POST", path: `/api/v1/offboarding-cases/${encodeURIComponent(id)}/plan`, json: body, schema: ZOffboardingCase }),
    onSuccess: invalidate,
  });
}

/** POST /api/v1/people/{id}/offboarding-plan: the same plan for every open case of a person. */
export function useChoosePlanForPerson(personId: string) {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: (body: TOffboardingPlanRequest) =>
      apiRequest({ method: "POST", path: `/api/v1/people/${encodeURIComponent(personId)}/offboarding-plan`, json: body, schema: ZOffboardingBulkResponse }),
    onSuccess: invalidate,
  });
}

/** POST /api/v1/offboarding-cases/{id}/steps/{kind}: IT records a manual step with a note or link. */
export function useRecordStep(id: string) {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: ({ kind, ...body }: TRecordOffboardingStepRequest & { kind: "destroy_runtime" | "archive_workspace" }) =>
      apiRequest({ method: "POST", path: `/api/v1/offboarding-cases/${encodeURIComponent(id)}/steps/${kind}`, json: body, schema: ZOffboardingCase }),
    onSuccess: invalidate,
  });
}

/** POST /api/v1/offboarding-cases/{id}/accept: the new owner accepts the bot. */
export function useAcceptTransfer(id: string) {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: () => apiRequest({ method: "POST", path: `/api/v1/offboarding-cases/${encodeURIComponent(id)}/accept`, schema: ZOffboardingCase }),
    onSuccess: invalidate,
  });
}

/** POST /api/v1/people/{id}/offboard: IT's "Offboard person" (confirm and reason). */
export function useOffboardPerson(personId: string) {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: (body: TOffboardPersonRequest) => apiRequest({ method: "POST", path: `/api/v1/people/${encodeURIComponent(personId)}/offboard`, json: body, schema: ZOffboardPersonResponse }),
    onSuccess: invalidate,
  });
}
