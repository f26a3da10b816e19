import { Counter, Histogram, Registry } from "prom-client";

/**
 * Bridle's own health, in Prometheus form (`GET /metrics`, README "Bridle's own health"). One
 * registry per process. The hot paths only touch in-memory counters and histograms (an observe is
 * a few array writes); everything read from the database (queue depths, job lag, SIEM lag) is read
 * when Prometheus scrapes (metrics.ts at the app's root).
 */
export const metricsRegistry = new Registry();

/** Decision latency by verdict, from the request reaching the handler to the signed answer (seconds). */
export const decisionDuration = new Histogram({
  name: "bridle_decision_duration_seconds",
  help: "Time to answer POST /api/v1/decisions, by verdict (allow, deny, require_approval); its _count is the number of decisions",
  labelNames: ["verdict"] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

/** Runtime events stored (a runtime's retry of an event already stored is not counted). */
export const runtimeEventsStored = new Counter({
  name: "bridle_runtime_events_stored_total",
  help: "Runtime events stored as audit events (POST /api/v1/events), retries of stored events not counted",
  registers: [metricsRegistry],
});
