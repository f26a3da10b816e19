import type { TFinding, TFindingKind } from "@bridle/contracts";

export type FindingSeverity = TFinding["severity"];

export type RuleInfo = {
  /** Stable rule id, e.g. `BR-GOLDEN-RULE`; shown in findings and exports. */
  rule: string;
  /** A heading a console can show for the group of findings. */
  title: string;
  description: string;
  severity: FindingSeverity;
  /** The generic fix; individual findings may carry a more specific one. */
  remediation: string;
};

/** The rule catalog: one entry per finding kind, in the order of FINDING_KINDS. */
export const RULES: Record<TFindingKind, RuleInfo> = {
  golden_rule: {
    rule: "BR-GOLDEN-RULE",
    title: "Golden Rule violations",
    description:
      "A bot has internal data access or external communication, never both, unless an approved, unexpired exception documents and covers every external system and channel it uses.",
    severity: "high",
    remediation:
      "Remove either the bot's internal data access or its external communication, or request a Golden Rule exception that covers its external systems and channels and have security approve it.",
  },
  orphaned: {
    rule: "BR-ORPHANED",
    title: "Bots without an active owner",
    description:
      "Every bot has a named human owner who is still in the organisation. Bots of people who left are transferred or offboarded: no orphaned agents.",
    severity: "high",
    remediation: "Transfer the bot to an active owner, or offboard it.",
  },
  disallowed_channel: {
    rule: "BR-CHANNEL",
    title: "Bots on disallowed channels",
    description:
      "A bot talks only where the org allows it: never on a blocklisted channel, and, when the org keeps an allowlist, only on allowlisted channels.",
    severity: "high",
    remediation: "Remove the channel from the bot, or have an admin change the channel policy.",
  },
  naming: {
    rule: "BR-NAMING",
    title: "Naming rule violations",
    description: "Bot names follow the org naming rule, so anyone can tell at a glance that an account is a bot.",
    severity: "medium",
    remediation: "Rename the bot so that it satisfies the org naming rule.",
  },
  bot_email: {
    rule: "BR-BOT-EMAIL",
    title: "Missing or non-standard bot emails",
    description: "Each bot has its own email identity, `<name>.bot@<org domain>`, and never uses a human's mailbox.",
    severity: "medium",
    remediation: "Provision the bot's own mailbox `<name>.bot@<org domain>` and record it on the bot.",
  },
  shared_identity: {
    rule: "BR-SHARED-IDENTITY",
    title: "Shared bot identities",
    description:
      "One identity per bot and per environment: a bot email or a service account is never shared between bots, and never between environments.",
    severity: "high",
    remediation: "Provision a separate email or service account for each bot and environment, then revoke the shared one.",
  },
  review_overdue: {
    rule: "BR-REVIEW-OVERDUE",
    title: "Overdue access reviews",
    description: "The owner of every active or paused bot re-certifies its access once per review interval.",
    severity: "medium",
    remediation: "Have the owner review and re-certify the bot's access, or pause or offboard the bot.",
  },
  runtime_profile_incomplete: {
    rule: "BR-RUNTIME-PROFILE",
    title: "Incomplete runtime profiles",
    description:
      "Every bot documents where and how it runs: runtime owner, hosting, workspace persistence, egress allowlist, pinned tools, shell policy, data retention, deletion procedure and incident response owner.",
    severity: "low",
    remediation: "Fill in the missing runtime profile fields.",
  },
  unapproved_skill: {
    rule: "BR-SKILL-REGISTRY",
    title: "Unapproved skills",
    description:
      "Every tool or skill a bot may use is registered in the org's skills registry at an exact version, and security has approved that version.",
    severity: "medium",
    remediation:
      "Pin each tool to an exact version, register that version in the skills registry and have security approve it, or remove the tool from the bot's allowed tools.",
  },
  credential_rotation_due: {
    rule: "BR-CREDENTIAL-ROTATION",
    title: "Credentials due for rotation",
    description:
      "Every credential reference is rotated in its vault when its rotation interval passes, when its bot changes owner or scope, and when a leak is suspected.",
    severity: "medium",
    remediation: "Rotate the secret in its vault, then mark the credential reference rotated on the bot's page.",
  },
  offboarding_incomplete: {
    rule: "BR-OFFBOARDING",
    title: "Offboarded bots that still hold access",
    description:
      "A bot marked offboarded holds nothing: no grants, no live runtime tokens, no unrevoked credential references. No orphaned agents.",
    severity: "high",
    remediation: "Remove the bot's remaining grants, revoke its runtime tokens and its credential references (rerun its offboarding plan).",
  },
  runtime_silent: {
    rule: "BR-RUNTIME-HEARTBEAT",
    title: "Bots whose runtime stopped reporting",
    description:
      "An active bot whose runtime sent heartbeats keeps sending them: when none arrives for 15 minutes, Bridle can no longer tell that its tool calls are enforced.",
    severity: "high",
    remediation: "Check the gateway that enforces the bot (is it running, does it reach Bridle, is the Bridle plugin loaded); pause the bot if it runs unenforced.",
  },
  enforcement_gap: {
    rule: "BR-ENFORCEMENT-GAP",
    title: "Tool calls that ran without a Bridle decision",
    description:
      "Every tool call a bot's runtime executes was decided by Bridle first. A tool execution reported without a matching allow decision in its session, or a runtime reporting a path it cannot gate, is an enforcement gap.",
    severity: "high",
    remediation:
      "Open the session on the bot's page to see the call; move the agent off the ungated backend or path (see the plugin's README), and apply the bot's static OpenClaw configuration as a floor.",
  },
};

/** Builds a finding with the catalog's rule id, severity and (unless overridden) remediation. */
export function makeFinding(
  kind: TFindingKind,
  message: string,
  details?: Record<string, unknown>,
  remediation?: string,
): TFinding {
  const info = RULES[kind];
  const finding: TFinding = {
    kind,
    rule: info.rule,
    severity: info.severity,
    message,
    remediation: remediation ?? info.remediation,
  };
  if (details !== undefined) finding.details = details;
  return finding;
}
