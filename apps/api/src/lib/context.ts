import type { Principal } from "./permissions.ts";

/**
 * What a service needs to know about the request it serves. Denied attempts are recorded with
 * `denied` from the audit module (modules/audit/index.ts): lib/ never imports a module.
 */
export type RequestCtx = { principal: Principal; requestId: string };
