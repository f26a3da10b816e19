/**
 * The decisions module's door: the runtime side (decision snapshot, group-commit decision log,
 * signing keys, approval long-polls). A decision is recorded as its audit event; the module owns,
 * through lib/signing.ts, the key ring in `signing_keys`. See `createDecisionsModule` for what to
 * register where.
 * - queries: `callerOf` (who called a route of the runtime scope: a bot, by its token, or a person),
 *   for other modules' routes registered in that scope (`runtimeRoutes`).
 */
export { createDecisionsModule } from "./decisions.module.ts";
export { callerOf, type Caller, type Callers } from "./bot-auth.ts";
