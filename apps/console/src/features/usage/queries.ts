import { ZBudget, ZBudgetList, ZUsageReport, type TBudgetScope, type TSetBudgetRequest, type TUsageGranularity, type TUsageScope } from "@bridle/contracts";
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiRequest, apiStream, api } from "../../lib/api.ts";

/** What the Usage page asks for (GET /api/v1/usage). */
export type UsageQuery = { scope: TUsageScope; id?: string | undefined; granularity: TUsageGranularity };
export type BudgetQuery = { scope?: TBudgetScope; subjectId?: string };

export const usageKeys = {
  all: ["usage"] as const,
  report: (q: UsageQuery) => [...usageKeys.all, "report", q] as const,
  budgets: () => [...usageKeys.all, "budgets"] as const,
  budgetList: (q: BudgetQuery) => [...usageKeys.budgets(), q] as const,
};

const usageParams = (q: UsageQuery) => ({ scope: q.scope, id: q.id, granularity: q.granularity });

/** Usage per bucket of a scope; the last 30 days by day, 12 weeks by week, 12 months by month. */
export const usageQueryOptions = (q: UsageQuery) =>
  queryOptions({
    queryKey: usageKeys.report(q),
    queryFn: ({ signal }) => api.get("/api/v1/usage", ZUsageReport, { ...usageParams(q), from: defaultFrom(q.granularity) }, signal),
    placeholderData: keepPreviousData,
  });

/** How far back each granularity looks by default. */
export function defaultFrom(g: TUsageGranularity, now = new Date()): string {
  const d = new Date(now);
  if (g === "day") d.setUTCDate(d.getUTCDate() - 29);
  else if (g === "week") d.setUTCDate(d.getUTCDate() - 7 * 11);
  else d.setUTCMonth(d.getUTCMonth() - 11, 1);
  return d.toISOString();
}

export const useUsage = (q: UsageQuery, enabled = true) => useQuery({ ...usageQueryOptions(q), enabled });

export const useBudgets = (q: BudgetQuery = {}) =>
  useQuery({ queryKey: usageKeys.budgetList(q), queryFn: ({ signal }) => api.get("/api/v1/budgets", ZBudgetList, { ...q }, signal), select: (d) => d.items });

export function useSetBudget() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TSetBudgetRequest) => apiRequest({ method: "PUT", path: "/api/v1/budgets", schema: ZBudget, json: body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: usageKeys.budgets() }),
  });
}

export function useRemoveBudget() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest({ method: "DELETE", path: `/api/v1/budgets/${encodeURIComponent(id)}`, schema: null }),
    onSuccess: () => qc.invalidateQueries({ queryKey: usageKeys.budgets() }),
  });
}

/** Downloads GET /api/v1/usage.csv for the query and saves it under the server's file name. */
export async function downloadUsageCsv(q: UsageQuery): Promise<string> {
  const response = await apiStream({ path: "/api/v1/usage.csv", query: { ...usageParams(q), from: defaultFrom(q.granularity) }, accept: "text/csv" });
  const match = /filename="?([^";]+)"?/.exec(response.headers.get("content-disposition") ?? "");
  const fileName = match?.[1] ?? `bridle-usage-${q.scope}-${q.granularity}.csv`;
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
  return fileName;
}
