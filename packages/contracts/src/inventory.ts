import { z } from "zod";
import { ZRole, ZSystemClassification } from "./common-exports.ts";
import { ZBotInput } from "./bots.ts";
import { ZChannelKey, ZNamingRule, ZSystemKey } from "./policy.ts";
import { ZSkillName, ZSkillSource, ZSkillStatus, ZSkillVersion } from "./skills.ts";

/**
 * The inventory's flat columns, used by CSV import and export. List cells are separated by `;`.
 * - `grants`: `system:resource:action[@expiry]`, e.g. `github:issues:write@2026-12-31`; the system is the
 *   first segment, and the grant is read-only when the last segment is `read`, write otherwise.
 * - `service_accounts`, `credential_references`: `system=value`.
 */
export const INVENTORY_COLUMNS = [
  "name",
  "email",
  "owner",
  "team",
  "purpose",
  "environment",
  "runtime",
  "status",
  "internal_data_access",
  "channels",
  "grants",
  "service_accounts",
  "credential_references",
  "credential_storage",
  "gated_actions",
  "created_at",
  "last_reviewed_at",
  "runtime_owner",
  "hosting_environment",
  "workspace_persistence",
  "network_access_policy",
  "allowed_tools",
  "shell_execution_policy",
  "data_retention",
  "deletion_procedure",
  "incident_response_owner",
] as const;
export type TInventoryColumn = (typeof INVENTORY_COLUMNS)[number];

export const IMPORT_FORMATS = ["yaml", "json", "csv"] as const;
export const ZImportQuery = z.object({
  dryRun: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  format: z.enum(IMPORT_FORMATS).optional().describe("Overrides the Content-Type"),
  fileName: z
    .string()
    .trim()
    .max(255)
    .optional()
    .describe("The uploaded file's name, recorded in the audit log with the file's SHA-256"),
});

export const ZImportRowError = z
  .object({
    line: z.number().int().nullable().describe("1-based line in the uploaded file where the row starts"),
    row: z.number().int().describe("1-based row (record) number"),
    name: z.string().nullable(),
    field: z.string().nullable(),
    message: z.string(),
  })
  .meta({ id: "ImportRowError" });
export type TImportRowError = z.infer<typeof ZImportRowError>;

/**
 * One field an import changes on an existing bot, as text: lists joined by `; ` in the CSV cell
 * notation (`github:issues:write@2026-12-31`, `github=op://vault/item/field`); null when empty.
 * `field` is the CSV column for a CSV upload, the field path (`runtimeProfile.dataRetention`) otherwise.
 */
export const ZImportFieldChange = z
  .object({ field: z.string(), before: z.string().nullable(), after: z.string().nullable() })
  .meta({ id: "ImportFieldChange" });
export type TImportFieldChange = z.infer<typeof ZImportFieldChange>;

/** Scope an import takes away from a bot. */
export const IMPORT_REMOVAL_KINDS = ["grant", "channel", "credentialReference", "serviceAccount"] as const;
export const ZImportRemoval = z
  .object({
    kind: z.enum(IMPORT_REMOVAL_KINDS),
    value: z.string().describe("The grant's scope (with `@expiry`), the channel key, or `system=reference` / `system=account`"),
  })
  .meta({ id: "ImportRemoval" });
export type TImportRemoval = z.infer<typeof ZImportRemoval>;

export const ZImportResult = z
  .object({
    dryRun: z.boolean(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    removals: z.number().int().describe("Grants, channels, credential references and service accounts the import removes, over all bots"),
    systems: z
      .object({ created: z.array(z.string()), updated: z.array(z.string()), unchanged: z.array(z.string()) })
      .describe("Keys of the connected systems in the file's `systems:` block, by what the import does to them"),
    rows: z.array(
      z.object({
        row: z.number().int(),
        line: z.number().int().nullable(),
        name: z.string(),
        action: z.enum(["create", "update", "unchanged"]),
        changes: z.array(ZImportFieldChange).describe("Each field that would change, before and after (update only)"),
        removals: z.array(ZImportRemoval).describe("Scope this row takes away from the bot (update only)"),
      }),
    ),
  })
  .meta({ id: "ImportResult" });
export type TImportResult = z.infer<typeof ZImportResult>;

export const ZExportQuery = z.object({ format: z.enum(["csv", "json"]).default("json") });

/** The demo / bootstrap organization file (`examples/acme-inventory.yaml`). */
export const ZOrgFile = z
  .object({
    asOf: z.iso
      .date()
      .optional()
      .describe("When set, every date in the file is shifted by (today - asOf) on load, so a demo never ages"),
    organization: z.object({
      name: z.string().min(1),
      botEmailDomain: z.string().min(3),
      namingRule: ZNamingRule,
      channelAllowlist: z.array(ZChannelKey).default([]),
      channelBlocklist: z.array(ZChannelKey).default([]),
      reviewIntervalDays: z.number().int().min(1).default(90),
    }),
    systems: z.array(
      z.object({
        key: ZSystemKey,
        name: z.string().min(1),
        classification: ZSystemClassification,
        description: z.string().optional(),
      }),
    ),
    teams: z.array(z.object({ slug: z.string().min(1), name: z.string().min(1) })),
    people: z.array(
      z.object({
        email: z.email(),
        displayName: z.string().min(1),
        team: z.string().optional(),
        roles: z.array(ZRole).default([]),
        status: z.enum(["active", "deactivated"]).default("active"),
        manager: z.email().optional(),
      }),
    ),
    /** The skills registry as it stands: each version, its owner, and (unless pending) its reviewer. */
    skills: z
      .array(
        z
          .object({
            name: ZSkillName,
            version: ZSkillVersion,
            source: ZSkillSource,
            owner: z.email(),
            status: ZSkillStatus.default("approved"),
            reviewedBy: z.email().optional(),
            notes: z.string().max(2000).optional(),
          })
          .strict(),
      )
      .default([]),
    bots: z.array(ZBotInput.or(z.record(z.string(), z.unknown()))),
  })
  .strict();
export type TOrgFile = z.infer<typeof ZOrgFile>;
