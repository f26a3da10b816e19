import { timingSafeEqual, createHash } from "node:crypto";
import type { DbHandle } from "@bridle/db";
import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { metricsRegistry } from "./lib/metrics.ts";
import { rowsOf } from "./lib/sql.ts";
import { unsealedEstimate } from "./modules/audit/index.ts";
import { outboxDepth } from "./modules/notifications/index.ts";
import { siemLag } from "./modules/siem/index.ts";

let defaultsOn = false;

/**
 * `GET /metrics` (README "Bridle's own health"): Prometheus text. Off unless BRIDLE_METRICS_TOKEN
 * is set (404); then only `Authorization: Bearer <that token>` reads it (401 otherwise). The
 * decision and ingest figures are this process's own (each replica is scraped on its own); the
 * queue, job and SIEM figures are read from the database at each scrape, so every replica reports
 * the same values for them.
 */
export function metricsRoute(deps: { database: DbHandle; token: string | undefined }) {
  const { database, token } = deps;
  if (!defaultsOn) {
    collectDefaultMetrics({ register: metricsRegistry, prefix: "bridle_" });
    defaultsOn = true;
  }
  const registry = new Registry();
  const pool = database.pool;
  new Gauge({
    name: "bridle_db_pool_connections",
    help: "This process's PostgreSQL pool: connections by state (total, idle, waiting = requests queued for a connection)",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      if (!pool) return;
      this.set({ state: "total" }, pool.totalCount);
      this.set({ state: "idle" }, pool.idleCount);
      this.set({ state: "waiting" }, pool.waitingCount);
    },
  });
  const jobQueue = new Gauge({ name: "bridle_job_queue_depth", help: "Background jobs (pg-boss) waiting to run, by queue", labelNames: ["queue"] as const, registers: [registry] });
  const jobLag = new Gauge({
    name: "bridle_job_lag_seconds",
    help: "How long the oldest due background job (pg-boss) of each queue has waited to start (0: none waiting)",
    labelNames: ["queue"] as const,
    registers: [registry],
  });
  const outbox = new Gauge({ name: "bridle_notification_outbox_depth", help: "Notification deliveries (email, webhook) pending", registers: [registry] });
  const outboxLag = new Gauge({ name: "bridle_notification_outbox_lag_seconds", help: "How long the oldest due notification delivery has waited (0: none due)", registers: [registry] });
  const siem = new Gauge({
    name: "bridle_siem_lag_events",
    help: "Sealed audit events not yet delivered to each SIEM destination",
    labelNames: ["destination", "kind", "enabled"] as const,
    registers: [registry],
  });
  const unsealed = new Gauge({
    name: "bridle_audit_unsealed_events",
    help: "Audit events written and not yet chained by the sealer (an estimate: the largest committed seq minus the last seal run's largest seq)",
    registers: [registry],
  });
  const siemFailures = new Gauge({ name: "bridle_siem_failures", help: "Failed delivery attempts in a row per SIEM destination (0: the last attempt succeeded)", labelNames: ["destination"] as const, registers: [registry] });

  async function readDatabaseGauges() {
    jobQueue.reset();
    jobLag.reset();
    siem.reset();
    siemFailures.reset();
    if (database.kind === "postgres") {
      try {
        const rows = rowsOf<{ name: string; depth: number; lag: number }>(
          await database.db.execute(sql`select name, count(*)::int as depth,
              coalesce(extract(epoch from now() - min(start_after) filter (where start_after <= now())), 0)::float8 as lag
            from pgboss.job where state in ('created', 'retry') group by name`),
        );
        for (const r of rows) {
          jobQueue.set({ queue: r.name }, Number(r.depth));
          jobLag.set({ queue: r.name }, Number(r.lag));
        }
      } catch {
        // pg-boss's schema is not there (jobs never started on this database): no job figures
      }
    }
    unsealed.set(await unsealedEstimate(database.db));
    const o = await outboxDepth(database.db);
    outbox.set(o.pending);
    outboxLag.set(o.oldestDueSeconds);
    for (const d of await siemLag(database.db)) {
      siem.set({ destination: d.name, kind: d.kind, enabled: String(d.enabled) }, d.lag);
      siemFailures.set({ destination: d.name }, d.failures);
    }
  }

  const digest = (s: string) => createHash("sha256").update(s).digest();
  const expected = token ? digest(token) : null;

  return async (app: FastifyInstance) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      "/metrics",
      {
        schema: {
          operationId: "getMetrics",
          tags: ["ops"],
          summary: "Bridle's own health in Prometheus text format (README \"Bridle's own health\"). Off (404) unless BRIDLE_METRICS_TOKEN is set; then `Authorization: Bearer <BRIDLE_METRICS_TOKEN>` (401 otherwise)",
          security: [{ bearer: [] }],
          response: {
            200: z.string().describe("text/plain; version=0.0.4 (Prometheus exposition format)"),
            401: z.string().describe("Missing or wrong bearer token (text/plain)"),
            404: z.string().describe("Metrics are off on this server: BRIDLE_METRICS_TOKEN is not set (text/plain)"),
          },
        },
      },
      async (request, reply) => {
        if (!expected) return reply.code(404).type("text/plain").send("metrics are off on this server: set BRIDLE_METRICS_TOKEN to turn them on\n");
        const header = request.headers.authorization ?? "";
        const given = header.startsWith("Bearer ") ? header.slice(7) : "";
        if (!given || !timingSafeEqual(digest(given), expected))
          return reply.code(401).header("www-authenticate", 'Bearer realm="metrics"').type("text/plain").send("a bearer token is required (BRIDLE_METRICS_TOKEN)\n");
        await readDatabaseGauges();
        const text = (await metricsRegistry.metrics()) + (await registry.metrics());
        return reply.type(metricsRegistry.contentType).send(text);
      },
    );
  };
}
