import {
  ALERT_SNOOZE_MAX_HOURS,
  ZAlertActionRequest,
  ZAlertDetail,
  ZAlertListQuery,
  ZAlertPage,
  ZAlertRule,
  ZAlertsSummary,
  ZErrorEnvelope,
  ZSnoozeAlertRequest,
  ZUpdateAlertRulesRequest,
} from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { AlertsService } from "./alerts.service.ts";

const errors = { 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope };
const ZRules = z.object({ items: z.array(ZAlertRule) }).meta({ id: "AlertRuleList" });

/**
 * Alerts (README "Alerts"): `alerts.read` (admin, security, auditor) reads alerts, their history
 * and the rules; `alerts.manage` (admin, security) acknowledges, snoozes and resolves alerts and
 * changes the rules. A refusal is 403 and audited.
 */
export function alertsRoutes(svc: AlertsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });
    r.get(
      "/alerts",
      {
        schema: {
          operationId: "listAlerts",
          tags: ["alerts"],
          summary: "Alerts, most recently seen first (alerts.read); filters: status (`active` = not resolved), rule, botId; cursor pages",
          querystring: ZAlertListQuery,
          response: { 200: ZAlertPage, ...errors },
        },
      },
      async (request) => svc.list(ctx(request), request.query),
    );
    r.get(
      "/alerts/summary",
      {
        schema: {
          operationId: "alertsSummary",
          tags: ["alerts"],
          summary: "How many alerts are open, acknowledged and snoozed (the console's badge; alerts.read)",
          response: { 200: ZAlertsSummary, ...errors },
        },
      },
      async (request) => svc.summary(ctx(request)),
    );
    r.get(
      "/alerts/:id",
      {
        schema: {
          operationId: "getAlert",
          tags: ["alerts"],
          summary: "One alert with its evidence (audit event ids, the session) and its history, oldest first (alerts.read)",
          params: z.object({ id: z.uuid() }),
          response: { 200: ZAlertDetail, 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.get(ctx(request), request.params.id),
    );
    for (const action of ["acknowledge", "resolve"] as const)
      r.post(
        `/alerts/:id/${action}`,
        {
          schema: {
            operationId: `${action}Alert`,
            tags: ["alerts"],
            summary:
              action === "acknowledge"
                ? "Acknowledge an open or snoozed alert (alerts.manage); it stays active and keeps counting, without new notifications"
                : "Resolve an active alert (alerts.manage); if its rule fires again later, a new alert opens",
            params: z.object({ id: z.uuid() }),
            body: ZAlertActionRequest,
            response: { 200: ZAlertDetail, 404: ZErrorEnvelope, 409: ZErrorEnvelope.describe("The alert's status does not allow it (e.g. already resolved)"), ...errors },
          },
        },
        async (request) => svc.act(ctx(request), request.params.id, action, request.body),
      );
    r.post(
      "/alerts/:id/snooze",
      {
        schema: {
          operationId: "snoozeAlert",
          tags: ["alerts"],
          summary: `Snooze an active alert for 1-${ALERT_SNOOZE_MAX_HOURS} hours (alerts.manage): no notification until then; it then reopens and security is told`,
          params: z.object({ id: z.uuid() }),
          body: ZSnoozeAlertRequest,
          response: { 200: ZAlertDetail, 404: ZErrorEnvelope, 409: ZErrorEnvelope.describe("The alert is resolved"), ...errors },
        },
      },
      async (request) => svc.act(ctx(request), request.params.id, "snooze", request.body),
    );
    r.get(
      "/alert-rules",
      {
        schema: {
          operationId: "listAlertRules",
          tags: ["alerts"],
          summary: "Every alert rule with its settings (alerts.read)",
          response: { 200: ZRules, ...errors },
        },
      },
      async (request) => svc.rules(ctx(request)),
    );
    r.put(
      "/alert-rules",
      {
        schema: {
          operationId: "updateAlertRules",
          tags: ["alerts"],
          summary: "Change some rules' settings (alerts.manage: security, admin); fields left out keep their value; answers every rule",
          body: ZUpdateAlertRulesRequest,
          response: { 200: ZRules, ...errors },
        },
      },
      async (request) => svc.updateRules(ctx(request), request.body),
    );
  };
}
