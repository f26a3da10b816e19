import type { TGatedAction, TGatedActionRule } from "@bridle/contracts";
import type { MantineColor } from "@mantine/core";

type Mode = TGatedActionRule["mode"];

export const MODE_LABELS: Record<Mode, string> = { allow: "Allow", require_approval: "Require approval", deny: "Deny" };
export const MODE_COLORS: Record<Mode, MantineColor> = { allow: "teal", require_approval: "orange", deny: "red" };

/** Roles that may approve; auditors read and never decide (the API refuses them). */
export const APPROVER_ROLES = [
  { value: "security", label: "Security" },
  { value: "it", label: "IT" },
  { value: "admin", label: "Admin" },
] as const;

export const ROLE_NAMES: Record<TGatedActionRule["approverRole"], string> = { admin: "Admin", security: "Security", it: "IT", auditor: "Auditor" };

/** What each gated action is, in a few words (DESIGN.md "Gated action"). */
export const ACTION_DESCRIPTIONS: Record<TGatedAction, string> = {
  "shell.exec": "Run a shell command",
  "email.send": "Send an email",
  "message.post_external": "Post a message outside the company",
  "config.change_production": "Change production configuration",
  "data.delete": "Delete data",
  "repo.approve": "Approve a pull request",
  "repo.merge": "Merge a pull request",
  "credential.rotate": "Rotate a credential",
  "credential.expose": "Reveal a credential",
  "billing.purchase": "Spend money",
  "runtime.ungated_backend": "Run an agent on a backend Bridle cannot gate",
};

/** "2 h", "1 day", "90 min". */
export function minutesText(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? "1 day" : `${minutes / 1440} days`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/** "2 approvals (dual control)" */
export function approvalsText(count: number): string {
  if (count === 1) return "1 approval";
  return count === 2 ? "2 approvals (dual control)" : `${count} approvals`;
}

/** One line for a rule: "Require approval · Security · 2 approvals (dual control) · expires after 1 h". */
export function ruleText(rule: Pick<TGatedActionRule, "mode" | "approverRole" | "approvalsRequired" | "requestTtlMinutes">): string {
  if (rule.mode !== "require_approval") return MODE_LABELS[rule.mode];
  return `${MODE_LABELS[rule.mode]} · ${ROLE_NAMES[rule.approverRole]} · ${approvalsText(rule.approvalsRequired)} · expires after ${minutesText(rule.requestTtlMinutes)}`;
}
