import type { TRole } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import * as oidc from "openid-client";
import { safeEqual } from "../../lib/crypto.ts";
import { recordAudit, type Actor } from "../audit/index.ts";
import { openSession, type OpenedSession } from "../auth/index.ts";
import { ssoReady, type EffectiveIdentitySettings, type IdentitySettingsService, type RoleMappingEntry } from "../identity-settings/index.ts";
import { safeReturnTo } from "./return-to.ts";
import type { OidcClients } from "./sso.client.ts";
import * as people from "../people/index.ts";
import * as repo from "./sso.repo.ts";

/** How long a started sign-in may take at the provider. */
export const AUTH_REQUEST_TTL_MS = 10 * 60_000;

/**
 * Why a sign-in failed, sent to the console as `/?ssoError=<code>`:
 * - `sso_disabled`: SSO is off or has no issuer / client id
 * - `sso_misconfigured`: the stored client secret cannot be read (BRIDLE_ENCRYPTION_KEY missing or changed)
 * - `provider_unavailable`: the provider did not answer (discovery, token or userinfo endpoint)
 * - `state_invalid`: unknown, expired or already used sign-in, or started in another browser
 * - `provider_error`: the provider answered with an error (e.g. the person cancelled)
 * - `token_invalid`: the code exchange or the ID token failed validation (signature, issuer,
 *   audience, expiry, nonce, PKCE)
 * - `not_provisioned`: no such person, and just-in-time provisioning is off (or SCIM is on)
 * - `deactivated`: the person is deactivated
 * - `account_conflict`: the email belongs to a person linked to another provider subject, to the
 *   local bootstrap admin, or the provider says the email is not verified
 */
export const SSO_ERROR_CODES = [
  "sso_disabled",
  "sso_misconfigured",
  "provider_unavailable",
  "state_invalid",
  "provider_error",
  "token_invalid",
  "not_provisioned",
  "deactivated",
  "account_conflict",
] as const;
export type SsoErrorCode = (typeof SSO_ERROR_CODES)[number];

/** A refused sign-in: `code` goes to the browser, `reason` only to the audit log and server log. */
export class SsoFailure extends Error {
  readonly code: SsoErrorCode;
  readonly reason: string;
  readonly who: { personId?: string | undefined; email?: string | undefined; subject?: string | undefined };
  constructor(code: SsoErrorCode, reason: string, who: SsoFailure["who"] = {}) {
    super(`${code}: ${reason}`);
    this.name = "SsoFailure";
    this.code = code;
    this.reason = reason;
    this.who = who;
  }
}

export type SsoService = ReturnType<typeof createSsoService>;

/** The roles a person's groups map to (union over every matching mapping entry, in role order). */
export function mapRoles(groups: readonly string[], mapping: readonly RoleMappingEntry[]): TRole[] {
  const set = new Set(mapping.filter((m) => groups.includes(m.group)).map((m) => m.role));
  return (["admin", "security", "it", "auditor"] as const).filter((r) => set.has(r));
}

/** The groups claim as a list: an array of strings, or a single string as one group. */
function groupsOf(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.filter((g): g is string => typeof g === "string");
  if (typeof v === "string") return [v];
  return undefined;
}

function unreachable(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (e.name === "TimeoutError" || e.name === "AbortError") return true;
    if (e instanceof TypeError && /fetch failed/i.test(e.message)) return true;
    if ("code" in e && typeof e.code === "string" && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|UND_ERR)/.test(e.code)) return true;
  }
  return false;
}

/**
 * An error and the errors that caused it, in one line for the audit log (openid-client puts the
 * specifics in `cause`). Causes that are not errors are left out: they can hold tokens and claims.
 */
function explain(err: unknown): string {
  if (!(err instanceof Error)) return "unexpected error";
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 4; e = e.cause)
    parts.push(`${"code" in e && typeof e.code === "string" ? `${e.code}: ` : ""}${e.message}`);
  return parts.join(" <- ").slice(0, 500);
}

/**
 * OpenID Connect sign-in (authorization code flow with PKCE, state and nonce) with openid-client.
 * Bridle is the relying party; the identity provider is the one in identity settings.
 */
export function createSsoService(deps: { db: Db; settings: IdentitySettingsService; clients: OidcClients; sessionTtlMs: number }) {
  const { db, settings, clients } = deps;

  async function clientFor(s: EffectiveIdentitySettings) {
    if (!ssoReady(s)) throw new SsoFailure("sso_disabled", "single sign-on is off or has no issuer / client id");
    let secret: string | null;
    try {
      secret = s.clientSecret();
    } catch (err) {
      throw new SsoFailure("sso_misconfigured", explain(err));
    }
    try {
      return await clients.get({ issuerUrl: s.issuerUrl!, clientId: s.clientId!, clientSecret: secret });
    } catch (err) {
      throw new SsoFailure("provider_unavailable", `discovery of ${s.issuerUrl} failed: ${explain(err)}`);
    }
  }

  /**
   * Starts a sign-in: stores state, nonce, PKCE verifier and where to return (10 minutes, single
   * use) and returns the provider's authorization URL to redirect to.
   * @param redirectUri Bridle's `/auth/callback` as the provider knows it
   */
  async function begin(input: { returnTo: unknown; redirectUri: string }): Promise<{ location: string; state: string }> {
    const s = await settings.effective();
    const config = await clientFor(s);
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const now = new Date();
    await repo.insertAuthRequest(
      db,
      { state, nonce, codeVerifier, returnTo: safeReturnTo(input.returnTo), expiresAt: new Date(now.getTime() + AUTH_REQUEST_TTL_MS) },
      now,
    );
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: input.redirectUri,
      scope: s.scopes.join(" "),
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
    });
    return { location: url.href, state };
  }

  /**
   * Completes a sign-in at the callback: checks state (known, unexpired, unused, and started in
   * this browser), exchanges the code with the PKCE verifier, validates the ID token (signature,
   * issuer, audience, expiry, nonce), finds or provisions the person, maps roles from groups and
   * opens a session. Every outcome is audited `auth.sso_login`.
   * @param callbackUrl the full callback URL as the provider sent the browser to it
   * @param stateCookie the state remembered in this browser when the sign-in began
   * @throws SsoFailure
   */
  async function complete(input: {
    callbackUrl: URL;
    stateCookie: string | undefined;
    requestId: string;
    userAgent: string | undefined;
  }): Promise<OpenedSession & { returnTo: string; personId: string }> {
    try {
      return await completeUnaudited(input);
    } catch (err) {
      const failure = err instanceof SsoFailure ? err : new SsoFailure("token_invalid", explain(err));
      const actor: Actor = { type: "person", id: failure.who.personId ?? null, label: failure.who.email ?? failure.who.subject ?? null };
      await recordAudit(db, {
        actor,
        action: "auth.sso_login",
        resourceType: "session",
        outcome: "denied",
        requestId: input.requestId,
        details: { method: "oidc", code: failure.code, reason: failure.reason, ...(failure.who.subject ? { subject: failure.who.subject } : {}) },
      });
      throw failure;
    }
  }

  async function completeUnaudited(input: { callbackUrl: URL; stateCookie: string | undefined; requestId: string; userAgent: string | undefined }) {
    const params = input.callbackUrl.searchParams;
    const state = params.get("state");
    if (!state) throw new SsoFailure("state_invalid", "the callback has no state");
    const pending = await repo.takeAuthRequest(db, state);
    if (!pending) throw new SsoFailure("state_invalid", "unknown or already used state");
    if (!input.stateCookie || !safeEqual(input.stateCookie, state))
      throw new SsoFailure("state_invalid", "the sign-in was not started in this browser (state cookie missing or different)");
    if (pending.expiresAt.getTime() <= Date.now()) throw new SsoFailure("state_invalid", "the sign-in expired");
    const providerError = params.get("error");
    if (providerError)
      throw new SsoFailure("provider_error", `the provider answered ${providerError.slice(0, 100)}: ${(params.get("error_description") ?? "").slice(0, 200)}`);

    const s = await settings.effective();
    const config = await clientFor(s);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, input.callbackUrl, {
        expectedState: state,
        expectedNonce: pending.nonce,
        pkceCodeVerifier: pending.codeVerifier,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new SsoFailure(unreachable(err) ? "provider_unavailable" : "token_invalid", explain(err));
    }
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new SsoFailure("token_invalid", "no ID token");
    const subject = claims.sub;
    let email = typeof claims.email === "string" ? claims.email : undefined;
    let emailVerified = typeof claims.email_verified === "boolean" ? claims.email_verified : undefined;
    let name = typeof claims.name === "string" ? claims.name : undefined;
    let groups = groupsOf(claims[s.groupsClaim]);
    // Providers often keep profile, email and groups out of the ID token: ask userinfo for them.
    if ((email === undefined || groups === undefined) && tokens.access_token && config.serverMetadata().userinfo_endpoint) {
      try {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, subject);
        email ??= typeof info.email === "string" ? info.email : undefined;
        emailVerified ??= typeof info.email_verified === "boolean" ? info.email_verified : undefined;
        name ??= typeof info.name === "string" ? info.name : undefined;
        groups ??= groupsOf(info[s.groupsClaim]);
      } catch (err) {
        throw new SsoFailure(unreachable(err) ? "provider_unavailable" : "token_invalid", `userinfo: ${explain(err)}`, { subject, email });
      }
    }
    const who = { subject, email };
    const mapped = s.roleMapping.length ? mapRoles(groups ?? [], s.roleMapping) : null;
    const now = new Date();

    return db.transaction(async (tx) => {
      let person = await people.findPersonBySubject(tx, subject);
      if (!person && email) {
        person = await people.findPersonByEmail(tx, email);
        if (person && person.oidcSubject && person.oidcSubject !== subject)
          throw new SsoFailure("account_conflict", "the email belongs to a person linked to another provider subject", { ...who, personId: person.id });
        // Link an existing person by email only when the provider vouches for it: a provider that
        // leaves email_verified out could let anyone claim a colleague's address.
        if (person && emailVerified !== true)
          throw new SsoFailure("account_conflict", "the provider did not confirm the email is verified; refusing to link by it", { ...who, personId: person.id });
      }
      if (person?.isBootstrapAdmin)
        throw new SsoFailure("account_conflict", "the local bootstrap admin cannot sign in with SSO", { ...who, personId: person.id });
      let created = false;
      if (!person) {
        if (s.scimEnabled) throw new SsoFailure("not_provisioned", "unknown person, and SCIM provisions people (no just-in-time provisioning)", who);
        if (!s.jitProvisioning) throw new SsoFailure("not_provisioned", "unknown person, and just-in-time provisioning is off", who);
        if (!email) throw new SsoFailure("not_provisioned", "unknown person, and the provider sent no email to provision with", who);
        if (emailVerified === false) throw new SsoFailure("not_provisioned", "unknown person with an unverified email", who);
        person = await people.createSsoPerson(tx, { email, displayName: name?.trim() || email, roles: mapped ?? [], subject });
        created = true;
        await recordAudit(tx, {
          actor: { type: "person", id: person.id, label: person.email },
          action: "person.create",
          resourceType: "person",
          resourceId: person.id,
          outcome: "success",
          requestId: input.requestId,
          details: { source: "sso", email: person.email, roles: person.roles, subject },
        });
      }
      if (person.status !== "active") throw new SsoFailure("deactivated", "the person is deactivated", { ...who, personId: person.id });

      // With a role mapping, the provider's groups decide the roles at every sign-in.
      const rolesBefore = person.roles as TRole[];
      const roles = mapped ?? rolesBefore;
      const changed = person.oidcSubject !== subject || roles.join() !== rolesBefore.join();
      await people.recordSsoSignIn(tx, person.id, { subject, roles, changed, now });
      const session = await openSession(tx, {
        personId: person.id,
        method: "oidc",
        settings: s,
        sessionTtlMs: deps.sessionTtlMs,
        idToken: tokens.id_token,
        userAgent: input.userAgent,
        now,
      });
      await recordAudit(tx, {
        actor: { type: "person", id: person.id, label: person.email },
        action: "auth.sso_login",
        resourceType: "session",
        resourceId: session.sessionId,
        outcome: "success",
        requestId: input.requestId,
        details: {
          method: "oidc",
          subject,
          groups: (groups ?? []).slice(0, 50),
          roles,
          ...(roles.join() !== rolesBefore.join() && !created ? { rolesBefore } : {}),
          ...(created ? { provisioned: "just_in_time" } : {}),
        },
      });
      return { ...session, personId: person.id, returnTo: safeReturnTo(pending.returnTo) };
    });
  }

  /**
   * The provider's logout URL for an SSO session (RP-initiated logout, with `id_token_hint` and
   * `post_logout_redirect_uri`), or null when SSO is off or the provider has no end_session_endpoint.
   */
  async function endSessionUrl(input: { idToken: string | null; postLogoutRedirectUri: string }): Promise<string | null> {
    const s = await settings.effective();
    if (!ssoReady(s)) return null;
    const config = await clientFor(s);
    if (!config.serverMetadata().end_session_endpoint) return null;
    return oidc.buildEndSessionUrl(config, {
      ...(input.idToken ? { id_token_hint: input.idToken } : {}),
      post_logout_redirect_uri: input.postLogoutRedirectUri,
    }).href;
  }

  return { begin, complete, endSessionUrl };
}
