import type { Db } from "@bridle/db";
import { declaredSince } from "./incidents.repo.ts";

const YEAR_MS = 365 * 86_400_000;

/**
 * The readiness overview's "An incident process exists" line (README "Readiness overview"): it
 * passes when an incident or a drill was recorded in the last 12 months (the response has been
 * exercised), and warns otherwise, pointing at "Run a drill". The shape is the readiness module's
 * `ReadinessProbe` answer; the wiring (app.ts) passes it in.
 */
export async function incidentProcessReadiness(db: Db, now = new Date()) {
  const d = await declaredSince(db, new Date(now.getTime() - YEAR_MS));
  const links = [{ label: "Incidents", href: "/incidents" }];
  if (d.incidents + d.drills === 0)
    return {
      status: "warn" as const,
      detail: "No incident or drill recorded in the last 12 months: rehearse the response with a drill (Incidents, Run a drill).",
      failing: 1,
      total: 1,
      links: [{ label: "Run a drill", href: "/incidents/new?drill=true" }, ...links],
    };
  const n = (k: number, one: string) => `${k} ${one}${k === 1 ? "" : "s"}`;
  return {
    status: "pass" as const,
    detail: `${n(d.incidents, "incident")} and ${n(d.drills, "drill")} recorded in the last 12 months, the latest on ${d.latestAt!.toISOString().slice(0, 10)}.`,
    failing: 0,
    total: 1,
    links,
  };
}
