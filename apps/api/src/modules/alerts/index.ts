/**
 * The alerts module's door. It owns `alert_rules`, `alerts`, `alert_history` and the evaluator's
 * state (`alert_cursor`, `alert_counts`, `alert_shapes`): nothing outside this module writes them.
 * - routes: `alertsModule` (`/alerts`, `/alerts/summary`, `/alerts/{id}`, `/alerts/{id}/acknowledge|snooze|resolve`, `/alert-rules`);
 * - the evaluator `runAlertEvaluator`, run by the app's jobs (`alert-evaluator`, every minute):
 *   reads the audit log from its durable cursor (the audit module's `auditEventsSince`), raises
 *   alerts, notifies through `notifyMany`, and pauses a bot through the bots module's
 *   `setBotStatus` where the org chose auto-pause on repeated denials;
 * - `alertRulesReadiness(db)`: the readiness overview's "Alerts are on" line (passed in by app.ts).
 */
import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { alertsRoutes } from "./alerts.routes.ts";
import { createAlertsService } from "./alerts.service.ts";

export { runAlertEvaluator, type EvaluatorReport } from "./alerts.evaluator.ts";
export { alertRulesReadiness } from "./alerts.readiness.ts";

/** The alert routes, wired with their service. Register under /api/v1. */
export function alertsModule(deps: { db: Db }): (app: FastifyInstance) => Promise<void> {
  return alertsRoutes(createAlertsService(deps));
}
