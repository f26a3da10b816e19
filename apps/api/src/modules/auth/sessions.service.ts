import type { Db } from "@bridle/db";
import { type RequestCtx } from "../../lib/context.ts";
import { loadIdentitySettings } from "../identity-settings/index.ts";
import { notFound } from "../../lib/errors.ts";
import { can } from "../../lib/permissions.ts";
import { toIso } from "../../lib/sql.ts";
import { actorOf, denied, recordAudit } from "../audit/index.ts";
import * as repo from "./auth.repo.ts";

/** At most this many sessions in one list (newest first). */
const LIST_LIMIT = 500;

export type SessionsService = ReturnType<typeof createSessionsService>;

/**
 * Console sessions: a person lists and ends their own; `sessions.manage` (admins) lists and ends
 * anyone's. Ending a session takes effect on its next request.
 */
export function createSessionsService(deps: { db: Db }) {
  const { db } = deps;

  /** Live sessions (those that would be accepted now), newest first. `all` needs `sessions.manage`. */
  async function list(ctx: RequestCtx, q: { all: boolean }) {
    if (q.all && !can(ctx.principal, "sessions.manage"))
      throw await denied(db, ctx, { action: "access.denied", resourceType: "session", what: "list everyone's sessions" });
    const settings = await loadIdentitySettings(db);
    const rows = await repo.listLiveSessions(db, {
      personId: q.all ? null : ctx.principal.personId,
      now: new Date(),
      maxHours: settings.sessionMaxHours,
      idleMinutes: settings.sessionIdleMinutes,
      limit: LIST_LIMIT,
    });
    return {
      items: rows.map((r) => ({
        ...r,
        createdAt: toIso(r.createdAt)!,
        lastSeenAt: toIso(r.lastSeenAt)!,
        expiresAt: toIso(r.expiresAt)!,
        current: r.id === ctx.principal.sessionId,
      })),
    };
  }

  /**
   * Ends a session: one's own, or anyone's with `sessions.manage`. Ending an already ended
   * session changes nothing. Audited `session.revoke` (denied attempts too).
   * @throws not_found when there is no such session; forbidden for another person's without the permission
   */
  async function revoke(ctx: RequestCtx, sessionId: string) {
    const session = await repo.findSession(db, sessionId);
    if (!session) throw notFound("Session");
    const own = session.personId === ctx.principal.personId;
    if (!own && !can(ctx.principal, "sessions.manage"))
      throw await denied(db, ctx, { action: "session.revoke", resourceType: "session", resourceId: sessionId, what: "end another person's session" });
    if (session.revokedAt) return;
    await db.transaction(async (tx) => {
      await repo.revokeSession(tx, sessionId, new Date());
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "session.revoke",
        resourceType: "session",
        resourceId: sessionId,
        outcome: "success",
        requestId: ctx.requestId,
        details: { person: session.email, method: session.method, own },
      });
    });
  }

  return { list, revoke };
}
