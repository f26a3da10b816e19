import type { FastifyInstance, FastifyRequest } from "fastify";
import { AppError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/permissions.ts";
import { checkCsrf, resolvePrincipal, type Authenticator } from "../../plugins/auth.ts";
import { BOT_TOKEN_PREFIX } from "../bot-tokens/index.ts";
import type { BotCaller } from "./decisions.service.ts";
import type { SnapshotStore } from "./policy-snapshot.ts";

/** `last_used_at` of a bot token is written at most this often (with a decision batch). */
const TOUCH_EVERY_MS = 60_000;
const CALLER = "caller";

export type Caller = { kind: "bot"; bot: BotCaller } | { kind: "person"; principal: Principal };
/** Who may call a route of the runtime scope; routes without `config.callers` take bots only. */
export type Callers = "bot" | "bot_or_person";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Authentication for the runtime scope (`POST /decisions`, `GET /approval-requests/{id}`): a bot
 * runtime token (`Authorization: Bearer brdl_bot_...`), checked against the in-memory snapshot
 * with no database round trip; on routes that also serve people, a session cookie or personal
 * API token as in the human API (plugins/auth.ts). Bot tokens reach nothing else: the human
 * scope does not know them.
 */
export function botAuth(scope: FastifyInstance, deps: { snapshot: SnapshotStore; auth: Authenticator }) {
  scope.decorateRequest(CALLER, null);
  scope.addHook("onRequest", async (request) => {
    const callers = (request.routeOptions.config as { callers?: Callers }).callers ?? "bot";
    const header = request.headers.authorization;
    const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (token?.startsWith(`${BOT_TOKEN_PREFIX}_`)) {
      // Changes committed on this replica (a token revoked by offboarding, say) apply before the
      // token is looked at, so a revoked token is refused from the very next request.
      await deps.snapshot.catchUp();
      const now = Date.now();
      const entry = await deps.snapshot.authenticate(token, now);
      if (!entry) throw new AppError("unauthenticated", "The bot token is invalid, expired or revoked");
      const touch = now - entry.lastTouchMs > TOUCH_EVERY_MS;
      if (touch) entry.lastTouchMs = now;
      const botName = deps.snapshot.current()?.bots.get(entry.botId)?.name ?? entry.botId;
      request.setDecorator<Caller>(CALLER, { kind: "bot", bot: { botId: entry.botId, botName, tokenId: entry.tokenId, touch } });
      return;
    }
    if (callers === "bot") throw new AppError("unauthenticated", "A bot runtime token is required: send `Authorization: Bearer brdl_bot_...`");
    const principal = await resolvePrincipal(request, deps.auth);
    if (!principal) throw new AppError("unauthenticated", "Sign in, or send `Authorization: Bearer <token>` (a personal or bot runtime token)");
    checkCsrf(request, principal);
    request.setDecorator<Caller>(CALLER, { kind: "person", principal });
  });
}

export function callerOf(request: FastifyRequest): Caller {
  const c = request.getDecorator<Caller | null>(CALLER);
  if (!c) throw new AppError("unauthenticated", "Not authenticated");
  return c;
}

export function botCallerOf(request: FastifyRequest): BotCaller {
  const c = callerOf(request);
  if (c.kind !== "bot") throw new AppError("unauthenticated", "A bot runtime token is required");
  return c.bot;
}
