/**
 * The decisions module's door: the runtime side (decision snapshot, group-commit decision log,
 * signing keys, approval long-polls). A decision is recorded as its audit event; the module owns,
 * through lib/signing.ts, the key ring in `signing_keys`. See `createDecisionsModule` for what to
 * register where.
 * - queries: `callerOf` (who called a route of the runtime scope: a bot, by its token, or a person),
 *   for other modules' routes registered in that scope (`runtimeRoutes`);
 * - commands: `redactSecrets` (cuts what looks like a secret out of every string of a JSON value,
 *   naming where and by which rule), as decisions do for a gated action's parameters.
 */
export { createDecisionsModule } from "./decisions.module.ts";
export { callerOf, type Caller, type Callers } from "./bot-auth.ts";
export type { BotCaller } from "./decisions.service.ts";
export { redactSecrets } from "./gated-params.ts";
