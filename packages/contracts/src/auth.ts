import { z } from "zod";
import { ZPersonStatus, ZRole } from "./common-exports.ts";
import { ZPermission } from "./permissions.ts";

export const ZLoginRequest = z
  .object({ email: z.email().trim().toLowerCase(), password: z.string().min(1).max(1000) })
  .meta({ id: "LoginRequest" });

export const ZMe = z
  .object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    roles: z.array(ZRole),
    authMethod: z.enum(["session", "token"]),
    permissions: z.array(ZPermission).describe("What this session or token may do (the console hides the rest)"),
    isBootstrapAdmin: z.boolean(),
    csrfToken: z.string().nullable().describe("Send as `x-csrf-token` on cookie-authenticated writes"),
  })
  .meta({ id: "Me" });
export type TMe = z.infer<typeof ZMe>;

export const ZPerson = z
  .object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    status: ZPersonStatus,
    roles: z.array(ZRole),
    team: z.object({ id: z.uuid(), slug: z.string(), name: z.string() }).nullable(),
    botsOwned: z.number().int(),
    manager: z.object({ id: z.uuid(), email: z.string(), displayName: z.string() }).nullable(),
    lastSignInAt: z.iso.datetime({ offset: true }).nullable(),
    source: z.string(),
  })
  .meta({ id: "Person" });
export type TPerson = z.infer<typeof ZPerson>;

/**
 * Who changes a team: `identity_provider` for a team provisioned by SCIM, and for every team while
 * SCIM provisioning is on; `bridle` for a team admins and IT manage in Bridle.
 */
export const ZTeamManagedBy = z.enum(["bridle", "identity_provider"]);
export type TTeamManagedBy = z.infer<typeof ZTeamManagedBy>;

export const ZTeam = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    members: z.number().int(),
    bots: z.number().int(),
    managedBy: ZTeamManagedBy,
  })
  .meta({ id: "Team" });
export type TTeam = z.infer<typeof ZTeam>;

export const ZTeamList = z
  .object({ items: z.array(ZTeam), scimEnabled: z.boolean().describe("While on, teams come from the identity provider and are read-only here") })
  .meta({ id: "TeamList" });

const ZTeamName = z.string().trim().min(1, "give the team a name").max(120);

/** `POST /api/v1/teams` (admins and IT, while SCIM provisioning is off). */
export const ZCreateTeamRequest = z
  .object({
    name: ZTeamName,
    slug: z
      .string()
      .trim()
      .toLowerCase()
      .min(1)
      .max(60)
      .regex(/^[a-z0-9][a-z0-9-]*$/, "use lowercase letters, digits and '-'")
      .optional()
      .describe("How bots and imports name the team (`team: platform`); made from the name when left out; cannot be changed later"),
  })
  .strict()
  .meta({ id: "CreateTeamRequest" });
export type TCreateTeamRequest = z.infer<typeof ZCreateTeamRequest>;

export const ZUpdateTeamRequest = z.object({ name: ZTeamName }).strict().meta({ id: "UpdateTeamRequest" });
export type TUpdateTeamRequest = z.infer<typeof ZUpdateTeamRequest>;

/** `POST /auth/logout` after an SSO session, when the provider supports RP-initiated logout. */
export const ZLogoutResponse = z
  .object({
    redirectTo: z
      .string()
      .describe("The identity provider's logout URL (with id_token_hint and post_logout_redirect_uri): navigate there to end the provider session too"),
  })
  .meta({ id: "LogoutResponse" });
