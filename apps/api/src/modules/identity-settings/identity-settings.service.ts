import { changesBetween, type TIdentitySettings, type TRole, type TUpdateIdentitySettingsRequest } from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import type { Config } from "../../config.ts";
import { type RequestCtx } from "../../lib/context.ts";
import { AppError, fieldError, invalidFields } from "../../lib/errors.ts";
import { loadIdentitySettings } from "./identity-settings.repo.ts";
import { stableJson } from "../../lib/json.ts";
import { can } from "../../lib/permissions.ts";
import { toIso } from "../../lib/sql.ts";
import { actorOf, denied, recordAudit, SYSTEM_ACTOR } from "../audit/index.ts";
import * as repo from "./identity-settings.repo.ts";
import { decryptSecret, encryptSecret } from "../../lib/secret-box.ts";

/** Additional authenticated data of the encrypted client secret (see secret-box.ts). */
const SECRET_PURPOSE = "identity_settings.client_secret";
const DEFAULT_SCOPES = ["openid", "email", "profile"];
const DEFAULT_GROUPS_CLAIM = "groups";

export type RoleMappingEntry = { group: string; role: TRole };

/** The SSO fields that BRIDLE_OIDC_* set; while BRIDLE_OIDC_ISSUER is set, all of them come from the environment. */
export const ENV_MANAGED_FIELDS = ["ssoEnabled", "issuerUrl", "clientId", "clientSecret", "scopes", "groupsClaim", "roleMapping"] as const;

/** Identity settings as they apply now: the stored row, with the environment's SSO fields over it. */
export type EffectiveIdentitySettings = SsoConnection & {
  managedBy: "console" | "environment";
  jitProvisioning: boolean;
  scimEnabled: boolean;
  sessionMaxHours: number;
  sessionIdleMinutes: number;
  bootstrapAdminEnabled: boolean;
  updatedAt: Date;
  /** the client secret in clear, decrypted only when sign-in needs it */
  clientSecret: () => string | null;
};

/** SSO can be used: enabled, with an issuer and a client id. */
export const ssoReady = (s: Pick<EffectiveIdentitySettings, "ssoEnabled" | "issuerUrl" | "clientId">) =>
  s.ssoEnabled && !!s.issuerUrl && !!s.clientId;

export type IdentitySettingsService = ReturnType<typeof createIdentitySettingsService>;

/**
 * Identity settings: SSO connection, role mapping, provisioning, sessions and the break-glass
 * account. Read and changed with `identity.manage` (admins). When BRIDLE_OIDC_ISSUER is set the SSO
 * connection comes from the environment and the console shows it read-only.
 */
export function createIdentitySettingsService(deps: {
  db: Db;
  config: Pick<
    Config,
    | "BRIDLE_ENCRYPTION_KEY"
    | "BRIDLE_OIDC_ALLOW_HTTP"
    | "BRIDLE_OIDC_ISSUER"
    | "BRIDLE_OIDC_CLIENT_ID"
    | "BRIDLE_OIDC_CLIENT_SECRET"
    | "BRIDLE_OIDC_SCOPES"
    | "BRIDLE_OIDC_GROUPS_CLAIM"
    | "BRIDLE_OIDC_ROLE_MAPPING"
  >;
  /** issuers served by this process (the demo provider), accepted over http:// like BRIDLE_OIDC_ALLOW_HTTP would */
  httpIssuers?: readonly string[];
}) {
  const { db, config } = deps;
  const key = config.BRIDLE_ENCRYPTION_KEY ?? null;
  const env = config.BRIDLE_OIDC_ISSUER
    ? {
        ssoEnabled: true,
        issuerUrl: config.BRIDLE_OIDC_ISSUER,
        clientId: config.BRIDLE_OIDC_CLIENT_ID ?? null,
        scopes: config.BRIDLE_OIDC_SCOPES ?? DEFAULT_SCOPES,
        groupsClaim: config.BRIDLE_OIDC_GROUPS_CLAIM ?? DEFAULT_GROUPS_CLAIM,
        roleMapping: config.BRIDLE_OIDC_ROLE_MAPPING ?? [],
      }
    : null;

  async function effective(tx: DbOrTx = db): Promise<EffectiveIdentitySettings> {
    const row = await loadIdentitySettings(tx);
    const stored = {
      ssoEnabled: row.ssoEnabled,
      issuerUrl: row.issuerUrl,
      clientId: row.clientId,
      scopes: row.scopes,
      groupsClaim: row.groupsClaim,
      roleMapping: row.roleMapping as RoleMappingEntry[],
    };
    const secretEnc = row.clientSecretEnc;
    return {
      managedBy: env ? "environment" : "console",
      ...(env ?? stored),
      clientSecretSet: env ? config.BRIDLE_OIDC_CLIENT_SECRET !== undefined : secretEnc !== null,
      jitProvisioning: row.jitProvisioning,
      scimEnabled: row.scimEnabled,
      sessionMaxHours: row.sessionMaxHours,
      sessionIdleMinutes: row.sessionIdleMinutes,
      bootstrapAdminEnabled: row.bootstrapAdminEnabled,
      updatedAt: row.updatedAt,
      clientSecret: () => {
        if (env) return config.BRIDLE_OIDC_CLIENT_SECRET ?? null;
        if (secretEnc === null) return null;
        if (!key) throw new AppError("unavailable", "A client secret is stored but BRIDLE_ENCRYPTION_KEY is not set, so it cannot be read");
        return decryptSecret(key, secretEnc, SECRET_PURPOSE);
      },
    };
  }

  const toContract = (e: EffectiveIdentitySettings): TIdentitySettings => ({
    ssoEnabled: e.ssoEnabled,
    issuerUrl: e.issuerUrl,
    clientId: e.clientId,
    clientSecretSet: e.clientSecretSet,
    scopes: e.scopes,
    groupsClaim: e.groupsClaim,
    roleMapping: e.roleMapping,
    jitProvisioning: e.jitProvisioning,
    scimEnabled: e.scimEnabled,
    sessionMaxHours: e.sessionMaxHours,
    sessionIdleMinutes: e.sessionIdleMinutes,
    bootstrapAdminEnabled: e.bootstrapAdminEnabled,
    managedBy: e.managedBy,
    encryptionKeyConfigured: key !== null,
    updatedAt: toIso(e.updatedAt)!,
  });

  async function get(ctx: RequestCtx): Promise<TIdentitySettings> {
    if (!can(ctx.principal, "identity.manage"))
      throw await denied(db, ctx, { action: "access.denied", resourceType: "identity_settings", resourceId: "1", what: "read identity settings" });
    return toContract(await effective());
  }

  /** The environment's value of an SSO field differs from the patch's (the secret can never be set here). */
  function envConflicts(patch: TUpdateIdentitySettingsRequest): string[] {
    if (!env) return [];
    return ENV_MANAGED_FIELDS.filter((f) => {
      if (patch[f] === undefined) return false;
      if (f === "clientSecret") return true;
      return stableJson(patch[f]) !== stableJson(env[f]);
    });
  }

  /**
   * Changes identity settings (`identity.manage`; denied attempts audited). The client secret is
   * encrypted with BRIDLE_ENCRYPTION_KEY and never returned; the audit event records that it
   * changed, never its value.
   * @throws conflict (409) when the patch changes a field that BRIDLE_OIDC_* set
   * @throws bad_request (400) for a client secret without BRIDLE_ENCRYPTION_KEY
   * @throws validation_failed (400) for an http:// issuer (unless BRIDLE_OIDC_ALLOW_HTTP), SSO
   *   enabled without issuer or client id, or the bootstrap admin disabled while SSO is not usable
   */
  async function update(ctx: RequestCtx, body: TUpdateIdentitySettingsRequest): Promise<TIdentitySettings> {
    if (!can(ctx.principal, "identity.manage"))
      throw await denied(db, ctx, { action: "identity_settings.update", resourceType: "identity_settings", resourceId: "1", what: "change identity settings" });
    const conflicts = envConflicts(body);
    if (conflicts.length)
      throw new AppError(
        "conflict",
        `Single sign-on is configured by environment variables (BRIDLE_OIDC_*), so ${conflicts.join(", ")} cannot be changed here; change the variables and restart Bridle`,
        { fields: conflicts.map((f) => fieldError(f, "invalid", "is set by environment variables (BRIDLE_OIDC_*); change it there and restart Bridle")) },
      );
    // Environment-managed fields sent unchanged (a console form sends them back) are not stored.
    const patch: TUpdateIdentitySettingsRequest = env
      ? Object.fromEntries(Object.entries(body).filter(([k]) => !(ENV_MANAGED_FIELDS as readonly string[]).includes(k)))
      : body;
    if (typeof patch.clientSecret === "string" && !key)
      throw new AppError(
        "bad_request",
        "Bridle stores the client secret only encrypted: set BRIDLE_ENCRYPTION_KEY (32 bytes, e.g. `openssl rand -base64 32`) and restart, then save the secret again",
      );
    if (patch.issuerUrl?.startsWith("http:") && !config.BRIDLE_OIDC_ALLOW_HTTP && !deps.httpIssuers?.includes(patch.issuerUrl))
      throw invalidFields(
        [fieldError("issuerUrl", "invalid_format", "must be https:// (BRIDLE_OIDC_ALLOW_HTTP=true allows http:// for a development provider)")],
        "The issuer URL must use https://",
      );
    const result = await db.transaction(async (tx) => {
      const current = await effective(tx);
      const { clientSecret, roleMapping, scopes, ...rest } = stripUndefined(patch);
      const next = { ...current, ...rest };
      if (next.ssoEnabled && (!next.issuerUrl || !next.clientId))
        throw invalidFields([fieldError(next.issuerUrl ? "clientId" : "issuerUrl", "required", "needed while single sign-on is on")], "Single sign-on needs an issuer URL and a client id");
      const touchesLockout = ["bootstrapAdminEnabled", "ssoEnabled", "issuerUrl", "clientId"].some((f) => f in patch);
      if (touchesLockout && !next.bootstrapAdminEnabled && !ssoReady(next))
        throw invalidFields(
          [fieldError("bootstrapAdminEnabled", "invalid", "stays on until single sign-on is configured and enabled")],
          "Keep the local bootstrap admin enabled until single sign-on is configured and enabled: otherwise nobody could sign in",
        );
      const change: repo.IdentitySettingsChange = { ...rest };
      if (roleMapping) change.roleMapping = dedupeMapping(roleMapping);
      if (scopes) change.scopes = [...new Set(scopes.includes("openid") ? scopes : ["openid", ...scopes])];
      if (clientSecret !== undefined) change.clientSecretEnc = clientSecret === null ? null : encryptSecret(key!, clientSecret, SECRET_PURPOSE);
      await repo.saveIdentitySettings(tx, change, new Date());
      const { clientSecret: _secret, ...visible } = patch;
      const saved = await effective(tx);
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "identity_settings.update",
        resourceType: "identity_settings",
        resourceId: "1",
        outcome: "success",
        requestId: ctx.requestId,
        details: {
          changes: changesBetween<Record<string, unknown>>(current, saved, Object.keys(visible)),
          ...(clientSecret === undefined ? {} : { clientSecret: clientSecret === null ? "removed" : "set" }),
        },
      });
      return saved;
    });
    return toContract(result);
  }

  /** Uses of the local bootstrap admin (break-glass account), newest first (`identity.manage`). */
  async function breakGlassEvents(ctx: RequestCtx, limit: number) {
    if (!can(ctx.principal, "identity.manage"))
      throw await denied(db, ctx, { action: "access.denied", resourceType: "identity_settings", resourceId: "1", what: "read break-glass account events" });
    const rows = await repo.listBreakGlassEvents(db, limit);
    return {
      items: rows.map((r) => ({
        at: toIso(r.at)!,
        action: r.action,
        outcome: r.outcome,
        requestId: r.requestId,
        details: { via: viaOf(r), ...(r.details as Record<string, unknown>) },
      })),
    };
  }

  /** For the login page (no authentication): which sign-in methods are offered. */
  async function providers() {
    const e = await effective();
    return { sso: { enabled: ssoReady(e) }, local: { enabled: e.bootstrapAdminEnabled } };
  }

  return { effective, get, update, breakGlassEvents, providers };
}

/** The SSO connection part of the stored identity settings (what BRIDLE_OIDC_* would otherwise set). */
export type SsoConnection = {
  ssoEnabled: boolean;
  issuerUrl: string | null;
  clientId: string | null;
  clientSecretSet: boolean;
  scopes: string[];
  groupsClaim: string;
  roleMapping: RoleMappingEntry[];
};

/** The stored SSO connection (not the environment's), for start-up code that decides whether to change it. */
export async function readSsoConnection(db: DbOrTx): Promise<SsoConnection> {
  const row = await loadIdentitySettings(db);
  return {
    ssoEnabled: row.ssoEnabled,
    issuerUrl: row.issuerUrl,
    clientId: row.clientId,
    clientSecretSet: row.clientSecretEnc !== null,
    scopes: row.scopes,
    groupsClaim: row.groupsClaim,
    roleMapping: row.roleMapping as RoleMappingEntry[],
  };
}

/**
 * Replaces the stored SSO connection at start-up (no person asks: the actor is the system), with
 * its `identity_settings.update` audit event in the same transaction. Used by demo mode to make
 * the demo provider Bridle's SSO and to switch it off again outside demo mode (src/demo). A client
 * secret is never set here; any stored one is removed, since it belonged to another client.
 */
export async function replaceSsoConnection(db: Db, next: Omit<SsoConnection, "clientSecretSet">, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await loadIdentitySettings(tx);
    await repo.saveIdentitySettings(
      tx,
      { ...next, roleMapping: dedupeMapping(next.roleMapping), clientSecretEnc: null },
      new Date(),
    );
    await recordAudit(tx, {
      actor: SYSTEM_ACTOR,
      action: "identity_settings.update",
      resourceType: "identity_settings",
      resourceId: "1",
      outcome: "success",
      details: { reason, changes: changesBetween<Record<string, unknown>>(before, next, Object.keys(next)) },
    });
  });
}

/** How the break-glass account was used: `password` sign-in, `session` (sign-out), `api_token`, or `system` (a change to the account). */
function viaOf(e: { actorType: string; action: string }): "password" | "session" | "api_token" | "system" {
  if (e.actorType === "token") return "api_token";
  if (e.action === "person.bootstrap_admin") return "system";
  return e.action === "auth.login" ? "password" : "session";
}

function stripUndefined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

function dedupeMapping(m: RoleMappingEntry[]): RoleMappingEntry[] {
  const seen = new Set<string>();
  return m.filter((e) => {
    const k = `${e.group}\u0000${e.role}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
