import { z } from "zod";
import {
  ZDataAccessLevel,
  ZDateInput,
  ZEnvironment,
  ZExceptionStatus,
  ZFindingKind,
  ZGatedAction,
  ZGrantAccess,
  ZCredentialStatus,
  ZLifecycleStatus,
  ZPageQuery,
  ZRotationDueReason,
  ZPersonStatus,
  ZShellExecutionPolicy,
  ZTimestamp,
  page,
} from "./common-exports.ts";
import { ZChannelKey, ZSystemKey } from "./policy.ts";
import { NOT_A_VAULT_REFERENCE, parseVaultReference } from "./vault-reference.ts";

/**
 * Bot names are DNS-label-like so the bot email `<name>.bot@<domain>` is always a valid address:
 * lowercase letters, digits and hyphens, 2-63 characters, starting with a letter or digit.
 */
export const ZBotName = z
  .string()
  .trim()
  // Empty is "Name is required", not a pattern mismatch.
  .min(1, { abort: true })
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "2-63 lowercase letters, digits or hyphens, starting with a letter or digit");

const text = (max: number) => z.string().trim().max(max);
const optText = (max: number) => text(max).nullable().optional();

/** Per-bot runtime profile (DESIGN.md "Runtime profile"); a missing field raises `runtime_profile_incomplete`. */
export const ZRuntimeProfile = z
  .object({
    runtimeOwner: optText(200).describe("Who operates the runtime (a person's email or a team)"),
    hostingEnvironment: optText(200).describe("Where it runs, e.g. `k8s prod-eu / namespace bots`"),
    workspacePersistence: optText(200).describe("e.g. `ephemeral`, `persistent volume, 30 days`"),
    networkAccessPolicy: z.array(text(200)).nullable().optional().describe("Egress allowlist (hosts)"),
    allowedTools: z
      .array(text(120))
      .nullable()
      .optional()
      .describe("Tools / skills with pinned versions, e.g. `gh@2.63.0`"),
    shellExecutionPolicy: ZShellExecutionPolicy.nullable().optional(),
    dataRetention: optText(200).describe("e.g. `30 days`"),
    deletionProcedure: optText(500),
    incidentResponseOwner: optText(200),
  })
  .meta({ id: "RuntimeProfile" });
export type TRuntimeProfile = z.infer<typeof ZRuntimeProfile>;
export const RUNTIME_PROFILE_FIELDS = [
  "runtimeOwner",
  "hostingEnvironment",
  "workspacePersistence",
  "networkAccessPolicy",
  "allowedTools",
  "shellExecutionPolicy",
  "dataRetention",
  "deletionProcedure",
  "incidentResponseOwner",
] as const satisfies readonly (keyof TRuntimeProfile)[];

/** A grant: bot x connected system x scope, read-only or write, optional expiry. */
export const ZGrantInput = z
  .object({
    system: ZSystemKey,
    scope: text(200).min(1).describe("`<system>:<resource>:<action>`, e.g. `github:issues:write`"),
    access: ZGrantAccess,
    expiresAt: ZDateInput.nullable().optional(),
  })
  // The scope names its system first, so a CSV cell (`github:issues:write`) round-trips exactly.
  .refine((g) => g.scope.toLowerCase().startsWith(`${g.system}:`), {
    message: "the scope must start with its system key, e.g. `github:issues:write` for system github",
    path: ["scope"],
  })
  .refine((g) => g.scope.split(":").filter((part) => part.trim()).length >= 3, {
    message: "the scope is `<system>:<resource>:<action>`, e.g. `github:issues:write`",
    path: ["scope"],
  });
export type TGrantInput = z.infer<typeof ZGrantInput>;
export const ZGrant = z
  .object({
    id: z.uuid(),
    system: z.string(),
    systemName: z.string(),
    scope: z.string(),
    access: ZGrantAccess,
    expiresAt: ZTimestamp.nullable(),
  })
  .meta({ id: "Grant" });

/** One service account per connected system (the bot identity on that system). */
export const ZServiceAccountInput = z.object({ system: ZSystemKey, account: text(200).min(1) });
export const ZServiceAccount = ZServiceAccountInput.extend({ id: z.uuid() }).meta({ id: "ServiceAccount" });

/**
 * A pointer to a secret in a vault, as a bot record (registration, edits, imports) carries it.
 * Bridle never stores a secret value: only a reference of one of the vault kinds
 * (vault-reference.ts: `op://vault/item/field`, `vault:secret/data/path#key`, an AWS, GCP or
 * Azure secret id, another vault's URI), its kind read from its prefix and checked in full.
 */
export const ZCredentialReferenceInput = z.object({
  system: ZSystemKey,
  reference: text(500).refine((r) => parseVaultReference(r) !== null, NOT_A_VAULT_REFERENCE),
  rotationIntervalDays: z.number().int().min(1).max(3650).nullable().optional(),
  lastRotatedAt: ZDateInput.nullable().optional(),
});
export type TCredentialReferenceInput = z.infer<typeof ZCredentialReferenceInput>;
/** Who revoked a credential reference, as the audit log records actors. */
export const ZCredentialActor = z
  .object({ type: z.enum(["person", "token", "bot", "system"]), id: z.string().nullable(), label: z.string().nullable() })
  .meta({ id: "CredentialActor" });
export const ZCredentialReference = z
  .object({
    id: z.uuid(),
    system: z.string(),
    reference: z.string(),
    rotationIntervalDays: z.number().int().nullable(),
    lastRotatedAt: ZTimestamp.nullable(),
    createdAt: ZTimestamp,
    status: ZCredentialStatus,
    /** when it became due for rotation and why; null unless `status` is `rotation_due` */
    rotationDueSince: ZTimestamp.nullable(),
    rotationDueReason: ZRotationDueReason.nullable(),
    /** when and by whom it was revoked; null unless `status` is `revoked` */
    revokedAt: ZTimestamp.nullable(),
    revokedBy: ZCredentialActor.nullable(),
  })
  .meta({ id: "CredentialReference" });
export type TCredentialReference = z.infer<typeof ZCredentialReference>;

/** A documented Golden Rule exception (DESIGN.md "The Golden Rule"). */
export const ZGoldenRuleExceptionInput = z.object({
  status: ZExceptionStatus,
  businessPurpose: text(1000).min(1),
  allowedSystems: z.array(ZSystemKey).max(50),
  allowedChannels: z.array(ZChannelKey).max(50),
  dataClassification: text(100).min(1),
  approvalRequirements: text(1000).min(1),
  approvedBy: z.email().nullable().optional(),
  approvedAt: ZDateInput.nullable().optional(),
  expiresAt: ZDateInput.nullable().optional(),
});
export type TGoldenRuleExceptionInput = z.infer<typeof ZGoldenRuleExceptionInput>;
/**
 * A Golden Rule exception an admin records directly on a bot (`POST /bots`, `PATCH /bots/{id}`).
 * Who approved it and when are facts the server records (the admin making the request, and the
 * time it commits), so `approvedBy` and `approvedAt` are not accepted here: an unknown key is a
 * 400. DESIGN/STYLE "Show what is true".
 */
export const ZGoldenRuleExceptionRequest = ZGoldenRuleExceptionInput.omit({ approvedBy: true, approvedAt: true })
  .strict()
  .meta({ id: "GoldenRuleExceptionRequest" });
export const ZGoldenRuleException = z
  .object({
    id: z.uuid(),
    status: ZExceptionStatus,
    businessPurpose: z.string(),
    allowedSystems: z.array(z.string()),
    allowedChannels: z.array(z.string()),
    dataClassification: z.string(),
    approvalRequirements: z.string(),
    approvedBy: z.string().nullable(),
    approvedAt: ZTimestamp.nullable(),
    expiresAt: ZTimestamp.nullable(),
  })
  .meta({ id: "GoldenRuleException" });

export const FINDING_SEVERITIES = ["high", "medium", "low"] as const;
export const ZFinding = z
  .object({
    kind: ZFindingKind,
    rule: z.string().describe("The rule that raised it, e.g. `BR-GOLDEN-RULE`"),
    severity: z.enum(FINDING_SEVERITIES),
    message: z.string(),
    remediation: z.string().describe("How to fix it"),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: "Finding" });
export type TFinding = z.infer<typeof ZFinding>;

export const ZPersonRef = z
  .object({ id: z.uuid(), email: z.string(), displayName: z.string(), status: ZPersonStatus })
  .meta({ id: "PersonRef" });
export const ZTeamRef = z.object({ id: z.uuid(), slug: z.string(), name: z.string() }).meta({ id: "TeamRef" });

export const ZBotSummary = z
  .object({
    id: z.uuid(),
    name: z.string(),
    purpose: z.string(),
    owner: ZPersonRef.nullable(),
    team: ZTeamRef.nullable(),
    environment: ZEnvironment,
    status: ZLifecycleStatus,
    internalDataAccess: ZDataAccessLevel,
    channels: z.array(z.string()),
    lastReviewedAt: ZTimestamp.nullable(),
    nextReviewDue: ZTimestamp.nullable(),
    findingCount: z.number().int(),
    findingKinds: z.array(ZFindingKind),
  })
  .meta({ id: "BotSummary" });
export type TBotSummary = z.infer<typeof ZBotSummary>;

export const ZBot = ZBotSummary.extend({
  email: z.string().nullable(),
  runtime: z.string().nullable(),
  credentialStorage: z.string().nullable(),
  gatedActions: z.array(ZGatedAction),
  createdAt: ZTimestamp,
  updatedAt: ZTimestamp,
  runtimeProfile: ZRuntimeProfile,
  emailSendingEnabled: z.boolean().describe("The bot's mailbox is read-only; sending is off unless an approval allows it"),
  grants: z.array(ZGrant),
  serviceAccounts: z.array(ZServiceAccount),
  credentialReferences: z.array(ZCredentialReference),
  exception: ZGoldenRuleException.nullable(),
  findings: z.array(ZFinding),
  suggestedOwner: ZPersonRef.nullable().describe(
    "When the owner has left (deactivated): their manager, if an active person, proposed first as the new owner; otherwise null",
  ),
  version: z.number().int().describe("Optimistic concurrency version"),
}).meta({ id: "Bot" });
export type TBot = z.infer<typeof ZBot>;

/** The bot record's fields without defaults: the base of create (with defaults) and PATCH (without). */
const botFields = {
  name: ZBotName,
  email: z.email().trim().toLowerCase().nullable().optional().describe("Generated as `<name>.bot@<domain>` when omitted"),
  owner: z.email().trim().toLowerCase().describe("The owner's email"),
  team: text(80).min(1).describe("The team's slug"),
  purpose: text(2000).min(1),
  environment: ZEnvironment,
  runtime: optText(200),
  status: ZLifecycleStatus,
  internalDataAccess: ZDataAccessLevel,
  channels: z.array(ZChannelKey).max(50),
  grants: z.array(ZGrantInput).max(200),
  serviceAccounts: z.array(ZServiceAccountInput).max(50),
  credentialReferences: z.array(ZCredentialReferenceInput).max(50),
  credentialStorage: optText(300).describe("Where the bot's credentials live, e.g. `1Password vault bots-prod`"),
  gatedActions: z.array(ZGatedAction).max(20),
  createdAt: ZDateInput.nullable().optional(),
  lastReviewedAt: ZDateInput.nullable().optional(),
  runtimeProfile: ZRuntimeProfile,
  exception: ZGoldenRuleExceptionInput.nullable().optional(),
};

/** What a bot record accepts on create and import. Owner and team are named by email and slug. */
export const ZBotInput = z
  .object({
    ...botFields,
    status: botFields.status.default("active"),
    internalDataAccess: botFields.internalDataAccess.default("none"),
    channels: botFields.channels.default([]),
    grants: botFields.grants.default([]),
    serviceAccounts: botFields.serviceAccounts.default([]),
    credentialReferences: botFields.credentialReferences.default([]),
    gatedActions: botFields.gatedActions.default([]),
    runtimeProfile: botFields.runtimeProfile.default({}),
  })
  .strict()
  .meta({ id: "BotFields" });
export type TBotInput = z.input<typeof ZBotInput>;
export type TBotInputParsed = z.output<typeof ZBotInput>;

/** `POST /bots`: the owner set here is the initial owner; the exception's approver is the server's record. */
export const ZCreateBotRequest = ZBotInput.extend({ exception: ZGoldenRuleExceptionRequest.nullable().optional() })
  .strict()
  .meta({ id: "CreateBotRequest" });
export type TCreateBotRequest = z.input<typeof ZCreateBotRequest>;
// No defaults here: a field left out of a PATCH keeps its stored value.
export const ZUpdateBotRequest = z
  .object(botFields)
  .partial()
  .extend({
    owner: botFields.owner
      .optional()
      .describe(
        "Only the current owner is accepted (400 otherwise): the owner changes through an ownership transfer " +
          "(`POST /approval-requests` kind ownership_transfer, or `POST /bots/{id}/transfer` for IT and admins)",
      ),
    exception: ZGoldenRuleExceptionRequest.nullable().optional(),
    version: z.number().int().optional().describe("When given, the update fails with 409 if the bot changed since"),
  })
  .strict()
  .meta({ id: "UpdateBotRequest" });
export type TUpdateBotRequest = z.input<typeof ZUpdateBotRequest>;

export const BOT_SORTS = ["name", "owner", "team", "environment", "status", "lastReviewedAt", "findingCount", "createdAt"] as const;
const ZBool = z.enum(["true", "false"]).transform((v) => v === "true");
export const ZListBotsQuery = ZPageQuery.extend({
  owner: z.string().max(320).optional().describe("Owner id or email"),
  team: z.string().max(80).optional().describe("Team id or slug"),
  environment: ZEnvironment.optional(),
  status: ZLifecycleStatus.optional(),
  finding: ZFindingKind.optional().describe("Only bots with a finding of this kind"),
  hasFindings: ZBool.optional(),
  q: z.string().trim().max(200).optional().describe("Case-insensitive search in name and purpose"),
  sort: z.enum(BOT_SORTS).default("name"),
  order: z.enum(["asc", "desc"]).default("asc"),
});
export type TListBotsQuery = z.input<typeof ZListBotsQuery>;
export const ZBotPage = page(ZBotSummary).extend({ total: z.number().int() }).meta({ id: "BotPage" });
export type TBotPage = z.infer<typeof ZBotPage>;

export const ZFindingsOverview = z
  .object({
    totalBots: z.number().int(),
    botsWithFindings: z.number().int(),
    kinds: z.array(
      z.object({
        kind: ZFindingKind,
        title: z.string(),
        description: z.string(),
        rule: z.string(),
        bots: z.number().int().describe("Bots with at least one finding of this kind"),
      }),
    ),
  })
  .meta({ id: "FindingsOverview" });
export type TFindingsOverview = z.infer<typeof ZFindingsOverview>;

export const ZFindingRow = ZFinding.extend({ botId: z.uuid(), botName: z.string() }).meta({ id: "FindingRow" });
export const ZFindingPage = page(ZFindingRow).meta({ id: "FindingPage" });
export const ZListFindingsQuery = ZPageQuery.extend({ kind: ZFindingKind.optional() });

/**
 * `POST /bots/{id}/transfer`: IT and admins give a bot to a new owner at once, without an approval
 * request. The note is required and kept in the audit event (`bot.ownership_transferred`, `direct: true`).
 */
export const ZDirectTransferRequest = z
  .object({
    toEmail: z.email().trim().toLowerCase().describe("The new owner's email: an active person, not a bot mailbox"),
    note: z.string().trim().min(1, "Say why the bot moves (kept in the audit log)").max(2000),
  })
  .strict()
  .meta({ id: "DirectTransferRequest" });
export type TDirectTransferRequest = z.infer<typeof ZDirectTransferRequest>;
