/**
 * The siem module's door. It owns `siem_destinations` (where the audit log streams, and each
 * destination's durable cursor): nothing outside this module reads or writes it.
 * - routes: `siemRoutes` (`/siem/destinations`), wired with `createSiemService`;
 * - the delivery loop (`createSiemDeliverer`), started with the app: sealed audit events (audit
 *   and runtime events alike), in chain order after each destination's cursor, to syslog over TLS
 *   or a Splunk-HEC-compatible collector, at least once (README "Streaming to the SIEM");
 * - `siemLag`: how far each destination is behind the chain (for /metrics).
 * It reads the log through the audit module's `sealedAfter` and `chainHead`.
 */
export { siemRoutes } from "./siem.routes.ts";
export { createSiemService, type SiemService } from "./siem.service.ts";
export { backoffMs, createSiemDeliverer, type SiemConfig, type SiemDeliverer } from "./siem.deliverer.ts";
export { siemLag } from "./siem.lag.ts";
