import { ALERT_RULE_KINDS, ALERT_STATUSES } from "@bridle/contracts";
import { z } from "zod";

/** The Alerts page's filters as they live in the URL (`/alerts?status=open&rule=denied_burst`); invalid values are dropped. */
const ZAlertsSearch = z.object({
  status: z.enum([...ALERT_STATUSES, "active", "all"]).optional().catch(undefined),
  rule: z.enum(ALERT_RULE_KINDS).optional().catch(undefined),
  bot: z.uuid().optional().catch(undefined),
});
export type AlertsSearch = z.infer<typeof ZAlertsSearch>;

export function validateAlertsRouteSearch(raw: Record<string, unknown>): AlertsSearch {
  const p = ZAlertsSearch.parse(raw);
  return { status: p.status, rule: p.rule, bot: p.bot };
}
