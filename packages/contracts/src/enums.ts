import { z } from "zod";

export const ENVIRONMENTS = ["production", "staging", "test"] as const;
export const ZEnvironment = z.enum(ENVIRONMENTS);
export type TEnvironment = z.infer<typeof ZEnvironment>;

export const LIFECYCLE_STATUSES = ["proposed", "active", "paused", "offboarding", "offboarded"] as const;
export const ZLifecycleStatus = z.enum(LIFECYCLE_STATUSES);
export type TLifecycleStatus = z.infer<typeof ZLifecycleStatus>;

/**
 * The most sensitive internal data a bot can reach, by the usual data classification levels.
 * `none` means the bot reads no internal data at all.
 */
export const DATA_ACCESS_LEVELS = ["none", "internal", "confidential", "restricted"] as const;
export const ZDataAccessLevel = z.enum(DATA_ACCESS_LEVELS);
export type TDataAccessLevel = z.infer<typeof ZDataAccessLevel>;

/**
 * What access to a connected system gives a bot (DESIGN.md "Connected system").
 * For `both`, read access gives internal data access and write access gives external
 * communication as well (e.g. Gmail: reading the inbox vs sending mail).
 */
export const SYSTEM_CLASSIFICATIONS = ["internal_data", "external_communication", "both", "neither"] as const;
export const ZSystemClassification = z.enum(SYSTEM_CLASSIFICATIONS);
export type TSystemClassification = z.infer<typeof ZSystemClassification>;

export const GRANT_ACCESS = ["read", "write"] as const;
export const ZGrantAccess = z.enum(GRANT_ACCESS);
export type TGrantAccess = z.infer<typeof ZGrantAccess>;

export const FINDING_KINDS = [
  "golden_rule",
  "orphaned",
  "disallowed_channel",
  "naming",
  "bot_email",
  "shared_identity",
  "review_overdue",
  "runtime_profile_incomplete",
  "unapproved_skill",
  "credential_rotation_due",
  "offboarding_incomplete",
  "runtime_silent",
  "enforcement_gap",
] as const;
export const ZFindingKind = z.enum(FINDING_KINDS);
export type TFindingKind = z.infer<typeof ZFindingKind>;

export const GATED_ACTIONS = [
  "shell.exec",
  "email.send",
  "message.post_external",
  "config.change_production",
  "data.delete",
  "repo.approve",
  "repo.merge",
  "credential.rotate",
  "credential.expose",
  "billing.purchase",
  // an agent runtime starting a run on a backend whose tool calls it cannot pass through Bridle
  "runtime.ungated_backend",
] as const;
export const ZGatedAction = z.enum(GATED_ACTIONS);
export type TGatedAction = z.infer<typeof ZGatedAction>;

export const ROLES = ["admin", "security", "it", "auditor"] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

export const PERSON_STATUSES = ["active", "deactivated"] as const;
export const ZPersonStatus = z.enum(PERSON_STATUSES);
export type TPersonStatus = z.infer<typeof ZPersonStatus>;

export const EXCEPTION_STATUSES = ["pending", "approved", "denied", "revoked"] as const;
export const ZExceptionStatus = z.enum(EXCEPTION_STATUSES);
export type TExceptionStatus = z.infer<typeof ZExceptionStatus>;

export const SHELL_EXECUTION_POLICIES = ["deny", "allowlist", "ask", "full"] as const;
export const ZShellExecutionPolicy = z.enum(SHELL_EXECUTION_POLICIES);

/** A credential reference's lifecycle: in use, due for rotation in its vault, or revoked. */
export const CREDENTIAL_STATUSES = ["active", "rotation_due", "revoked"] as const;
export const ZCredentialStatus = z.enum(CREDENTIAL_STATUSES);
export type TCredentialStatus = z.infer<typeof ZCredentialStatus>;

/**
 * Why a credential reference became due for rotation: its rotation interval passed, its bot got
 * a new owner, its bot's scope changed (grants or channels), a leak is suspected, or its bot is
 * being offboarded.
 */
export const ROTATION_DUE_REASONS = ["interval", "owner_changed", "scope_changed", "leak_suspected", "offboarding"] as const;
export const ZRotationDueReason = z.enum(ROTATION_DUE_REASONS);
export type TRotationDueReason = z.infer<typeof ZRotationDueReason>;
