import type { Db } from "@bridle/db";
import { ALERT_RULE_KINDS } from "@bridle/contracts";
import { listRules } from "./alerts.repo.ts";

/**
 * The readiness overview's "Alerts are on" line (README "Readiness overview"): it passes when every
 * alert rule is on, and needs attention when some are off (naming them). The shape is the readiness
 * module's `ReadinessProbe` answer; the wiring (app.ts) passes it in.
 */
export async function alertRulesReadiness(db: Db) {
  const rules = await listRules(db);
  const on = new Set(rules.filter((r) => r.enabled).map((r) => r.kind));
  const off = ALERT_RULE_KINDS.filter((k) => !on.has(k));
  const links = [{ label: "Alert rules", href: "/alerts/rules" }];
  if (off.length === 0)
    return { status: "pass" as const, detail: `All ${ALERT_RULE_KINDS.length} alert rules are on.`, failing: 0, total: ALERT_RULE_KINDS.length, links };
  return {
    status: "warn" as const,
    detail: `${off.length} of ${ALERT_RULE_KINDS.length} alert rules are off: ${off.join(", ")}.`,
    failing: off.length,
    total: ALERT_RULE_KINDS.length,
    links,
  };
}
