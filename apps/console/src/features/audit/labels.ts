import type { AuditAction, TAuditEvent } from "@bridle/contracts";
import type { MantineColor } from "@mantine/core";

/**
 * Audit actions in words, as the rest of a sentence that starts with the actor ("Maya Chen changed
 * the org policy"), one for each type of the contracts' AUDIT_EVENT_DETAILS. An action unknown to
 * this console (a newer server) is shown as its code.
 */
export const ACTION_LABELS: Record<AuditAction, string> = {
  "auth.login": "signed in with a password",
  "auth.logout": "signed out",
  "auth.token_used": "used the break-glass admin token",
  "auth.sso_login": "signed in with single sign-on",
  "bot.create": "registered a bot",
  "bot.update": "changed a bot",
  "bot.read": "read a bot",
  "bot.owner_deprovisioned": "left a bot without an active owner",
  "bot.ownership_transferred": "transferred a bot's ownership",
  "policy.update": "changed the org policy",
  "inventory.import": "imported the inventory",
  "inventory.export": "exported the inventory",
  "org.seed": "loaded the organization",
  "person.bootstrap_admin": "set up the bootstrap admin",
  "token.bootstrap_register": "registered the bootstrap admin token",
  "findings.recompute": "recomputed findings",
  "access.denied": "was refused access",
  "person.create": "added a person",
  "person.update": "changed a person",
  "person.read": "read a person",
  "person.deactivate": "deactivated a person",
  "person.reactivate": "reactivated a person",
  "person.delete": "deleted a person",
  "team.create": "created a team",
  "team.update": "changed a team",
  "team.delete": "deleted a team",
  "system.create": "added a connected system",
  "system.update": "changed a connected system",
  "system.delete": "removed a connected system",
  "identity_settings.update": "changed the identity settings",
  "scim_token.create": "created a SCIM token",
  "scim_token.revoke": "revoked a SCIM token",
  "scim.request": "made a SCIM request",
  "api_token.create": "created an API token",
  "api_token.revoke": "revoked an API token",
  "session.revoke": "ended a session",
  "approval.request": "opened an approval request",
  "approval.approve": "approved a request",
  "approval.deny": "denied a request",
  "approval.expire": "let a request expire",
  "approval.cancel": "cancelled a request",
  "approval.apply": "applied an approved request",
  "approval.read": "read an approval request",
  "gated_action.update": "changed a gated action's rule",
  "gated_action.override_set": "set a bot's gated-action override",
  "gated_action.override_remove": "removed a bot's gated-action override",
  "bot_token.create": "created a bot runtime token",
  "bot_token.revoke": "revoked a bot runtime token",
  "credential_reference.revoke": "revoked a bot's credential references",
  "credential_reference.rotation_due": "marked credential references due for rotation",
  "credential_reference.create": "added a credential reference",
  "credential_reference.update": "changed a credential reference",
  "credential_reference.delete": "removed a credential reference",
  "credential_reference.rotated": "marked a credential reference rotated",
  "credential_reference.secret_refused": "was refused: a credential reference field looked like a secret",
  "leak_playbook.start": "started a leak playbook",
  "leak_playbook.step": "completed a leak playbook step",
  "offboarding.case_open": "opened an offboarding case",
  "decision.allow": "was allowed an action",
  "decision.deny": "was denied an action",
  "decision.require_approval": "was told an action needs approval",
  "audit.read": "read the audit log",
  "audit.export": "exported the audit log",
};

/** Action families for the action filter: a prefix ending in `.` matches every action of it. */
export const ACTION_FAMILIES: { value: string; label: string }[] = [
  { value: "policy.", label: "Org policy" },
  { value: "gated_action.", label: "Gated actions" },
  { value: "bot.", label: "Bots" },
  { value: "bot_token.", label: "Bot runtime tokens" },
  { value: "credential_reference.", label: "Credential references" },
  { value: "leak_playbook.", label: "Leak playbooks" },
  { value: "offboarding.", label: "Offboarding" },
  { value: "decision.", label: "Decisions" },
  { value: "approval.", label: "Approval requests" },
  { value: "person.", label: "People" },
  { value: "team.", label: "Teams" },
  { value: "system.", label: "Connected systems" },
  { value: "auth.", label: "Sign-ins" },
  { value: "identity_settings.", label: "Identity settings" },
  { value: "api_token.", label: "API tokens" },
  { value: "scim_token.", label: "SCIM tokens" },
  { value: "inventory.", label: "Inventory import / export" },
  { value: "audit.", label: "Audit log" },
];

export const actionLabel = (action: string): string => (ACTION_LABELS as Record<string, string>)[action] ?? action;

export const ACTOR_TYPE_LABELS: Record<TAuditEvent["actor"]["type"], string> = {
  person: "Person",
  token: "API token",
  bot: "Bot runtime",
  system: "Bridle",
};

export const OUTCOME_LABELS: Record<TAuditEvent["outcome"], string> = { success: "Success", failure: "Failed", denied: "Denied" };
export const OUTCOME_COLORS: Record<TAuditEvent["outcome"], MantineColor> = { success: "teal", failure: "orange", denied: "red" };

/** Resource types the server writes, for the resource filter (free text is accepted too). */
export const RESOURCE_TYPE_LABELS: Record<string, string> = {
  bot: "Bot",
  org_policy: "Org policy",
  gated_action_policy: "Gated-action rule",
  approval_request: "Approval request",
  decision: "Decision",
  person: "Person",
  team: "Team",
  connected_system: "Connected system",
  bot_token: "Bot runtime token",
  credential_reference: "Credential reference",
  leak_playbook: "Leak playbook",
  api_token: "API token",
  scim_token: "SCIM token",
  identity_settings: "Identity settings",
  session: "Sign-in session",
  inventory: "Inventory",
  organization: "Organization",
  setup: "Setup",
  audit_event: "Audit log",
};

export const resourceTypeLabel = (type: string): string => RESOURCE_TYPE_LABELS[type] ?? type;
