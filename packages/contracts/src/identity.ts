import { z } from "zod";
import { ZPersonStatus, ZRole, ZTimestamp } from "./common-exports.ts";
import { ZTeamManagedBy } from "./auth.ts";
import { ZPermission } from "./permissions.ts";

export const ZRoleMappingEntry = z.object({
  group: z.string().trim().min(1).max(200).describe("A group name as the identity provider sends it in the groups claim"),
  role: ZRole,
});

/** SSO, role mapping, provisioning and session settings. The client secret is never returned. */
export const ZIdentitySettings = z
  .object({
    ssoEnabled: z.boolean(),
    issuerUrl: z.string().nullable(),
    clientId: z.string().nullable(),
    clientSecretSet: z.boolean().describe("Whether a client secret is stored; its value is never shown again"),
    scopes: z.array(z.string()),
    groupsClaim: z.string(),
    roleMapping: z.array(ZRoleMappingEntry),
    jitProvisioning: z.boolean().describe("Create people on first SSO sign-in (refused while SCIM is on)"),
    scimEnabled: z.boolean(),
    sessionMaxHours: z.number().int(),
    sessionIdleMinutes: z.number().int(),
    bootstrapAdminEnabled: z.boolean(),
    managedBy: z.enum(["console", "environment"]).describe("`environment` when BRIDLE_OIDC_* variables configure SSO"),
    encryptionKeyConfigured: z.boolean().describe("Whether BRIDLE_ENCRYPTION_KEY is set (needed to store a client secret)"),
    updatedAt: ZTimestamp,
  })
  .meta({ id: "IdentitySettings" });
export type TIdentitySettings = z.infer<typeof ZIdentitySettings>;

export const ZUpdateIdentitySettingsRequest = z
  .object({
    ssoEnabled: z.boolean(),
    issuerUrl: z.url({ protocol: /^https?$/ }).nullable(),
    clientId: z.string().trim().min(1).max(500).nullable(),
    clientSecret: z.string().min(1).max(2000).nullable().describe("Write-only; null removes it"),
    scopes: z.array(z.string().trim().regex(/^[\w:./-]+$/)).min(1).max(20),
    groupsClaim: z.string().trim().min(1).max(100),
    roleMapping: z.array(ZRoleMappingEntry).max(100),
    jitProvisioning: z.boolean(),
    scimEnabled: z.boolean(),
    sessionMaxHours: z.number().int().min(1).max(24 * 30),
    sessionIdleMinutes: z.number().int().min(5).max(24 * 60),
    bootstrapAdminEnabled: z.boolean(),
  })
  .partial()
  .strict()
  .meta({ id: "UpdateIdentitySettingsRequest" });
export type TUpdateIdentitySettingsRequest = z.infer<typeof ZUpdateIdentitySettingsRequest>;

export const ZScimToken = z
  .object({
    id: z.uuid(),
    name: z.string(),
    createdBy: z.string().nullable(),
    createdAt: ZTimestamp,
    lastUsedAt: ZTimestamp.nullable(),
    revokedAt: ZTimestamp.nullable(),
  })
  .meta({ id: "ScimToken" });
export const ZCreateScimTokenRequest = z.object({ name: z.string().trim().min(1).max(100) }).meta({ id: "CreateScimTokenRequest" });
export const ZCreatedScimToken = ZScimToken.extend({ token: z.string().describe("Shown once; store it in the identity provider") }).meta({
  id: "CreatedScimToken",
});

export const ZApiToken = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().nullable().describe("The token's first characters, to recognise it"),
    scopes: z.array(ZPermission),
    createdAt: ZTimestamp,
    lastUsedAt: ZTimestamp.nullable(),
    expiresAt: ZTimestamp.nullable(),
    revokedAt: ZTimestamp.nullable(),
  })
  .meta({ id: "ApiToken" });
export type TApiToken = z.infer<typeof ZApiToken>;
export const ZCreateApiTokenRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(ZPermission).min(1).describe("A subset of your own permissions"),
    expiresInDays: z.number().int().min(1).max(365).describe("Personal tokens always expire"),
  })
  .strict()
  .meta({ id: "CreateApiTokenRequest" });
export const ZCreatedApiToken = ZApiToken.extend({ token: z.string().describe("Shown once") }).meta({ id: "CreatedApiToken" });

export const ZSession = z
  .object({
    id: z.uuid(),
    person: z.object({ id: z.uuid(), email: z.string(), displayName: z.string() }),
    method: z.enum(["local", "oidc"]),
    createdAt: ZTimestamp,
    lastSeenAt: ZTimestamp,
    expiresAt: ZTimestamp,
    userAgent: z.string().nullable(),
    current: z.boolean(),
  })
  .meta({ id: "Session" });

export const ZPersonDetail = z
  .object({
    id: z.uuid(),
    email: z.string(),
    userName: z.string().nullable(),
    displayName: z.string(),
    status: ZPersonStatus,
    roles: z.array(ZRole),
    source: z.string().describe("seed, bootstrap, admin, scim or sso"),
    department: z.string().nullable(),
    title: z.string().nullable(),
    manager: z.object({ id: z.uuid(), email: z.string(), displayName: z.string() }).nullable(),
    teams: z.array(z.object({ id: z.uuid(), slug: z.string(), name: z.string() })),
    lastSignInAt: ZTimestamp.nullable(),
    deactivatedAt: ZTimestamp.nullable(),
    isBootstrapAdmin: z.boolean(),
    bots: z.array(z.object({ id: z.uuid(), name: z.string(), environment: z.string(), status: z.string(), findingCount: z.number().int() })),
  })
  .meta({ id: "PersonDetail" });
export type TPersonDetail = z.infer<typeof ZPersonDetail>;

/** Unauthenticated: which sign-in methods the login page offers. */
export const ZAuthProviders = z
  .object({ sso: z.object({ enabled: z.boolean() }), local: z.object({ enabled: z.boolean() }) })
  .meta({ id: "AuthProviders" });

/** A use of the local bootstrap admin (break-glass account), shown to admins. */
export const ZBreakGlassEvent = z
  .object({
    at: ZTimestamp,
    action: z.string(),
    outcome: z.string(),
    requestId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "BreakGlassEvent" });

export const ZUpdatePersonRequest = z
  .object({ roles: z.array(ZRole).max(4) })
  .strict()
  .meta({ id: "UpdatePersonRequest" });

export const ZTeamDetail = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    source: z.string(),
    managedBy: ZTeamManagedBy,
    members: z.array(z.object({ id: z.uuid(), email: z.string(), displayName: z.string(), status: ZPersonStatus })),
    bots: z.number().int(),
  })
  .meta({ id: "TeamDetail" });

export const ZListPeopleQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  q: z.string().trim().max(200).optional().describe("Search in name and email"),
  status: ZPersonStatus.optional(),
  role: ZRole.optional(),
  team: z.string().max(80).optional().describe("Team slug"),
});
