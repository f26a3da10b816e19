import type { TRole } from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { botTokens } from "@bridle/db";
import { and, eq, gt, isNull, or } from "drizzle-orm";
import { hashToken, newToken, verifyPassword } from "../../lib/crypto.ts";
import { AppError } from "../../lib/errors.ts";
import { loadIdentitySettings, type IdentitySettingsRow } from "../identity-settings/index.ts";
import { effectivePermissions, type Principal } from "../../lib/permissions.ts";
import { recordAudit } from "../audit/index.ts";
import * as tokens from "../tokens/index.ts";
import * as repo from "./auth.repo.ts";

/** Touch last-seen / last-used at most once a minute, so reads do not each cost a write. */
const TOUCH_EVERY_MS = 60_000;

export type AuthService = ReturnType<typeof createAuthService>;

/** Where a bearer token was used, for the audit of break-glass (bootstrap admin) token uses. */
export type TokenUse = { requestId: string; method: string; path: string };

export type OpenedSession = { sessionId: string; cookieValue: string; csrfToken: string; expiresAt: Date };

/**
 * Creates a server-side session (call inside the sign-in's transaction). It lasts the org's
 * maximum session duration (identity settings `sessionMaxHours`), capped by
 * BRIDLE_SESSION_TTL_HOURS; the cookie carries a random token, the table only its SHA-256.
 */
export async function openSession(
  tx: DbOrTx,
  s: {
    personId: string;
    method: "local" | "oidc";
    settings: Pick<IdentitySettingsRow, "sessionMaxHours">;
    sessionTtlMs: number;
    idToken?: string | null;
    userAgent?: string | undefined;
    now: Date;
  },
): Promise<OpenedSession> {
  const cookieValue = newToken("brdl_sess");
  const csrfToken = newToken("brdl_csrf");
  const expiresAt = new Date(s.now.getTime() + Math.min(s.sessionTtlMs, s.settings.sessionMaxHours * 3_600_000));
  const sessionId = await repo.insertSession(tx, {
    tokenHash: hashToken(cookieValue),
    personId: s.personId,
    csrfToken,
    expiresAt,
    method: s.method,
    idToken: s.idToken ?? null,
    userAgent: s.userAgent?.slice(0, 300) ?? null,
  });
  return { sessionId, cookieValue, csrfToken, expiresAt };
}

/**
 * Records a person's sign-in time (`people.last_sign_in_at`) inside the sign-in's transaction:
 * the people module's `recordSignIn`, passed in by the wiring (people depends on auth, so auth
 * does not import people).
 */
export type RecordSignIn = (tx: DbOrTx, personId: string, at: Date) => Promise<void>;

export function createAuthService(deps: { db: Db; sessionTtlMs: number; recordSignIn: RecordSignIn }) {
  const { db } = deps;

  /**
   * Resolves a bearer token (`Authorization: Bearer ...`) to a principal, or null.
   * Tokens of the bootstrap admin (break-glass) stop working while it is disabled (identity
   * settings `bootstrapAdminEnabled`), and their uses are audited as `auth.token_used`: every
   * refused use, and successful uses at most once a minute per token (when last-used is touched).
   */
  async function principalFromToken(token: string, use?: TokenUse): Promise<Principal | null> {
    const now = new Date();
    const row = await tokens.findLiveToken(db, hashToken(token), now);
    if (!row) return null;
    const touch = !row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS;
    if (row.isBootstrapAdmin) {
      const settings = await loadIdentitySettings(db);
      if (!settings.bootstrapAdminEnabled || touch) {
        await recordAudit(db, {
          actor: { type: "token", id: row.personId, label: row.email },
          action: "auth.token_used",
          resourceType: "api_token",
          resourceId: row.tokenId,
          outcome: settings.bootstrapAdminEnabled ? "success" : "denied",
          requestId: use?.requestId ?? null,
          details: {
            token: row.name,
            bootstrapAdmin: true,
            ...(use ? { method: use.method, path: use.path } : {}),
            ...(settings.bootstrapAdminEnabled ? {} : { reason: "bootstrap admin disabled" }),
          },
        });
      }
      if (!settings.bootstrapAdminEnabled) return null;
    }
    if (touch) await tokens.touchToken(db, row.tokenId, now);
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
    // Maximum duration, as the org sets it now: lowering it also shortens sessions already open.
    if (now.getTime() - row.createdAt.getTime() > settings.sessionMaxHours * 3_600_000) return null;
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
    const now = new Date();
    const session = await db.transaction(async (tx) => {
      const opened = await openSession(tx, {
        personId: person.id,
        method: "local",
        settings,
        sessionTtlMs: deps.sessionTtlMs,
        userAgent: input.userAgent,
        now,
      });
      await deps.recordSignIn(tx, person.id, now);
      await recordAudit(tx, {
        actor: { type: "person", id: person.id, label: person.email },
        action: "auth.login",
        resourceType: "session",
        resourceId: opened.sessionId,
        outcome: "success",
        requestId: input.requestId,
        details: { method: "local", bootstrapAdmin: person.isBootstrapAdmin },
      });
      return opened;
    });
    const roles = person.roles as TRole[];
    const principal: Principal = {
      personId: person.id,
      email: person.email,
      displayName: person.displayName,
      roles,
      permissions: effectivePermissions(roles),
      isBootstrapAdmin: person.isBootstrapAdmin,
      authMethod: "session",
      sessionId: session.sessionId,
      tokenId: null,
      csrfToken: session.csrfToken,
    };
    return { cookieValue: session.cookieValue, expiresAt: session.expiresAt, principal };
  }

  /**
   * Ends the principal's session.
   * @returns how the session was opened and, for SSO sessions, the ID token (the provider's
   *   logout takes it as `id_token_hint`); null when there was no session
   */
  async function logout(principal: Principal, requestId: string): Promise<{ method: string; idToken: string | null } | null> {
    if (!principal.sessionId) return null;
    const sessionId = principal.sessionId;
    return db.transaction(async (tx) => {
      const session = await repo.findSession(tx, sessionId);
      await repo.revokeSession(tx, sessionId, new Date());
      await recordAudit(tx, {
        actor: { type: "person", id: principal.personId, label: principal.email },
        action: "auth.logout",
        resourceType: "session",
        resourceId: sessionId,
        outcome: "success",
        requestId,
        details: { method: session?.method ?? "local" },
      });
      return session ? { method: session.method, idToken: session.idToken } : null;
    });
  }

  /** Whether `token` is an unrevoked, unexpired bot runtime token (for a clearer 403 on human routes). */
  async function isLiveBotToken(token: string): Promise<boolean> {
    const now = new Date();
    const rows = await db
      .select({ id: botTokens.id })
      .from(botTokens)
      .where(and(eq(botTokens.tokenHash, hashToken(token)), isNull(botTokens.revokedAt), or(isNull(botTokens.expiresAt), gt(botTokens.expiresAt, now))))
      .limit(1);
    return rows.length > 0;
  }

  return { principalFromToken, principalFromSession, loginLocal, logout, isLiveBotToken };
}
