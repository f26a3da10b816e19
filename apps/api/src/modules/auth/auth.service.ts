import type { Db } from "@bridle/db";
import { people } from "@bridle/db";
import { eq } from "drizzle-orm";
import { hashToken, newToken, verifyPassword } from "../../lib/crypto.ts";
import { AppError } from "../../lib/errors.ts";
import { loadIdentitySettings } from "../../lib/identity-settings.ts";
import { effectivePermissions, type Principal } from "../../lib/permissions.ts";
import { recordAudit } from "../audit/audit.repo.ts";
import * as repo from "./auth.repo.ts";

/** Touch last-seen / last-used at most once a minute, so reads do not each cost a write. */
const TOUCH_EVERY_MS = 60_000;

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(deps: { db: Db; sessionTtlMs: number }) {
  const { db } = deps;

  /** Resolves a bearer token (`Authorization: Bearer ...`) to a principal, or null. */
  async function principalFromToken(token: string): Promise<Principal | null> {
    const now = new Date();
    const row = await repo.findLiveToken(db, hashToken(token), now);
    if (!row) return null;
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) await repo.touchToken(db, row.tokenId, now);
    // A token holds at most its person's roles: revoking a role revokes it from their tokens too.
    // Bootstrap tokens carry the roles they were registered with; personal tokens follow the person.
    const roles = row.kind === "bootstrap" ? row.tokenRoles.filter((r) => row.roles.includes(r)) : row.roles;
    return {
      personId: row.personId,
      email: row.email,
      displayName: row.displayName,
      roles,
      permissions: effectivePermissions(roles, row.scopes),
      isBootstrapAdmin: row.isBootstrapAdmin,
      authMethod: "token",
      sessionId: null,
      tokenId: row.tokenId,
      csrfToken: null,
    };
  }

  /** Resolves the session cookie value to a principal, or null. */
  async function principalFromSession(cookieValue: string): Promise<Principal | null> {
    const now = new Date();
    const row = await repo.findLiveSession(db, hashToken(cookieValue), now);
    if (!row) return null;
    const settings = await loadIdentitySettings(db);
    // Idle timeout: a session unused for longer than the org allows is over.
    if (now.getTime() - row.lastSeenAt.getTime() > settings.sessionIdleMinutes * 60_000) return null;
    if (row.isBootstrapAdmin && row.method === "local" && !settings.bootstrapAdminEnabled) return null;
    if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) await repo.touchSession(db, row.sessionId, now);
    return {
      personId: row.personId,
      email: row.email,
      displayName: row.displayName,
      roles: row.roles,
      permissions: effectivePermissions(row.roles),
      isBootstrapAdmin: row.isBootstrapAdmin,
      authMethod: "session",
      sessionId: row.sessionId,
      tokenId: null,
      csrfToken: row.csrfToken,
    };
  }

  /**
   * Local sign-in (the bootstrap admin, a break-glass account). Wrong email and wrong password get
   * the same answer; every attempt is audited.
   * @returns the cookie value to set and the principal.
   */
  async function loginLocal(input: { email: string; password: string; requestId: string; userAgent?: string | undefined }) {
    const person = await repo.findPersonByEmail(db, input.email);
    const settings = await loadIdentitySettings(db);
    const disabled = person?.isBootstrapAdmin === true && !settings.bootstrapAdminEnabled;
    const ok =
      !disabled &&
      person !== null &&
      person.status === "active" &&
      person.passwordHash !== null &&
      (await verifyPassword(input.password, person.passwordHash));
    if (!ok || !person) {
      await recordAudit(db, {
        actor: { type: "person", id: person?.id ?? null, label: input.email },
        action: "auth.login",
        resourceType: "session",
        outcome: "denied",
        requestId: input.requestId,
        details: { method: "local", ...(disabled ? { reason: "bootstrap admin disabled" } : {}) },
      });
      throw new AppError("unauthenticated", disabled ? "The local admin account is disabled; sign in with SSO" : "Email or password is incorrect");
    }
    const cookieValue = newToken("brdl_sess");
    const csrfToken = newToken("brdl_csrf");
    const now = new Date();
    const sessionId = await db.transaction(async (tx) => {
      const id = await repo.insertSession(tx, {
        tokenHash: hashToken(cookieValue),
        personId: person.id,
        csrfToken,
        expiresAt: new Date(now.getTime() + Math.min(deps.sessionTtlMs, settings.sessionMaxHours * 3_600_000)),
        method: "local",
        userAgent: input.userAgent?.slice(0, 300) ?? null,
      });
      await tx.update(people).set({ lastSignInAt: now }).where(eq(people.id, person.id));
      await recordAudit(tx, {
        actor: { type: "person", id: person.id, label: person.email },
        action: "auth.login",
        resourceType: "session",
        resourceId: id,
        outcome: "success",
        requestId: input.requestId,
        details: { method: "local", bootstrapAdmin: person.isBootstrapAdmin },
      });
      return id;
    });
    const principal: Principal = {
      personId: person.id,
      email: person.email,
      displayName: person.displayName,
      roles: person.roles as Principal["roles"],
      permissions: effectivePermissions(person.roles as Principal["roles"]),
      isBootstrapAdmin: person.isBootstrapAdmin,
      authMethod: "session",
      sessionId,
      tokenId: null,
      csrfToken,
    };
    return { cookieValue, principal };
  }

  async function logout(principal: Principal, requestId: string) {
    if (!principal.sessionId) return;
    const sessionId = principal.sessionId;
    await db.transaction(async (tx) => {
      await repo.revokeSession(tx, sessionId, new Date());
      await recordAudit(tx, {
        actor: { type: "person", id: principal.personId, label: principal.email },
        action: "auth.logout",
        resourceType: "session",
        resourceId: sessionId,
        outcome: "success",
        requestId,
      });
    });
  }

  return { principalFromToken, principalFromSession, loginLocal, logout };
}
