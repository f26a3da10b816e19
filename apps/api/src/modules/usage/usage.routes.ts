import { ZBudget, ZBudgetList, ZBudgetListQuery, ZErrorEnvelope, ZSetBudgetRequest, ZUsageQuery, ZUsageReport } from "@bridle/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { UsageService } from "./usage.service.ts";

const errors = { 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope };

export function usageRoutes(svc: UsageService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      "/usage",
      {
        schema: {
          operationId: "getUsage",
          tags: ["usage"],
          summary:
            "Usage per day, ISO week or month (UTC) of every bot (`org`, needs bots.read_all), a team (bots.read_all), an owner's bots (that owner, or bots.read_all) or one bot (whoever may read it): sessions, tool calls and failures, timeouts, errors, tokens, cost in USD, decisions by verdict, approvals asked, granted and denied. Counted on Bridle's clock; teams and owners are the bots' current ones. Refusals are audited (`usage.read`)",
          querystring: ZUsageQuery,
          response: { 200: ZUsageReport, ...errors },
        },
      },
      async (request) => svc.report({ principal: principalOf(request), requestId: request.id }, request.query),
    );
    r.get(
      "/usage.csv",
      {
        schema: {
          operationId: "exportUsageCsv",
          tags: ["usage"],
          summary: "The same report as CSV (text/csv): a header, then one row per bucket (`start`, `scope`, `subject`, then each counter; cost in USD). Same permissions",
          querystring: ZUsageQuery,
          response: { 200: z.string(), ...errors },
        },
      },
      async (request, reply) => {
        const { body, fileName } = await svc.csv({ principal: principalOf(request), requestId: request.id }, request.query);
        reply.header("content-type", "text/csv; charset=utf-8").header("content-disposition", `attachment; filename="${fileName}"`);
        return body;
      },
    );
    r.get(
      "/budgets",
      {
        schema: {
          operationId: "listBudgets",
          tags: ["usage"],
          summary:
            "Budget caps (USD per UTC day or calendar month) with what their bots spent in the current period. With bots.read_all: every cap; otherwise the caps covering your own bots (theirs and their teams'), a team cap's spend shown only to the team's members (others get `spentUsd: null` with `spentHidden`, and `near` / `exhausted`). `scope=bot&subjectId=` lists one bot's caps and its team's",
          querystring: ZBudgetListQuery,
          response: { 200: ZBudgetList, ...errors },
        },
      },
      async (request) => svc.budgets({ principal: principalOf(request), requestId: request.id }, request.query),
    );
    r.put(
      "/budgets",
      {
        schema: {
          operationId: "setBudget",
          tags: ["usage"],
          summary:
            "Sets the cap of a bot or team for a period (creates or replaces it; `budgets.manage`, admins). At the cap, decisions for anything but read-only actions are denied until the period ends; at 80 % the owners are notified. Audited `budget.set`",
          body: ZSetBudgetRequest,
          response: { 200: ZBudget, ...errors },
        },
      },
      async (request) => svc.setBudget({ principal: principalOf(request), requestId: request.id }, request.body),
    );
    r.delete(
      "/budgets/:id",
      {
        schema: {
          operationId: "removeBudget",
          tags: ["usage"],
          summary: "Removes a cap (`budgets.manage`, admins); its bots' decisions no longer consider it. Audited `budget.remove`",
          params: z.object({ id: z.uuid() }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await svc.removeBudget({ principal: principalOf(request), requestId: request.id }, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
