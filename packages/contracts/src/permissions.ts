import { z } from "zod";
import type { TRole } from "./enums.ts";

/**
 * The permission matrix: each permission and the roles that hold it. The API enforces it in one
 * place (apps/api/src/lib/permissions.ts) and the console uses it to hide what would fail.
 * `bots.own` is held by every signed-in person: register bots and manage the ones they own.
 */
export const PERMISSION_MATRIX = {
  "bots.own": ["admin", "security", "it", "auditor", "*"],
  "bots.read_all": ["admin", "security", "it", "auditor"],
  "bots.write_all": ["admin", "it"],
  "policy.update": ["admin"],
  "systems.manage": ["admin"],
  "inventory.import": ["admin", "it"],
  "inventory.export": ["admin", "security", "it", "auditor"],
  "people.read_all": ["admin", "security", "it", "auditor"],
  "people.manage": ["admin", "it"],
  "identity.manage": ["admin"],
  "sessions.manage": ["admin"],
  "audit.read": ["admin", "security", "auditor"],
  "notifications.manage": ["admin"],
  "skills.manage": ["admin", "security"],
  "skills.review": ["security"],
  "instructions.review": ["security"],
  "reviews.manage": ["admin"],
  "reviews.read_all": ["admin", "auditor"],
  "credentials.respond": ["admin", "security"],
  "alerts.read": ["admin", "security", "auditor"],
  "alerts.manage": ["admin", "security"],
  "incidents.manage": ["admin", "security"],
  "incidents.read": ["admin", "security", "it", "auditor"],
  "budgets.manage": ["admin"],
  "siem.read": ["admin", "security"],
  "siem.manage": ["admin"],
  "kill_switch.manage": ["admin", "security"],
} as const satisfies Record<string, readonly (TRole | "*")[]>;
export type TPermission = keyof typeof PERMISSION_MATRIX;
export const PERMISSIONS_LIST = Object.keys(PERMISSION_MATRIX) as TPermission[];
export const ZPermission = z.enum(PERMISSIONS_LIST as [TPermission, ...TPermission[]]);

export const PERMISSION_LABELS: Record<TPermission, string> = {
  "bots.own": "Register bots and manage the bots you own",
  "bots.read_all": "Read every bot and finding",
  "bots.write_all": "Change any bot",
  "policy.update": "Change org policy",
  "systems.manage": "Add, change and remove connected systems",
  "inventory.import": "Import the inventory",
  "inventory.export": "Export the inventory",
  "people.read_all": "Read every person's details",
  "people.manage": "Manage people and teams",
  "identity.manage": "Manage SSO, role mapping, SCIM tokens and sessions",
  "sessions.manage": "End other people's sessions",
  "audit.read": "Read the audit log",
  "notifications.manage": "Set the org's notification webhook and see deliveries",
  "skills.manage": "Register skills and plugins, and change registry entries",
  "skills.review": "Approve or reject skill versions in the registry",
  "instructions.review": "Review new versions of any bot's persistent instructions",
  "reviews.manage": "Start access review campaigns and decide any review item",
  "reviews.read_all": "Read every access review campaign and export its evidence pack",
  "credentials.respond": "Run the leak playbook on a credential reference",
  "alerts.read": "See alerts and the alert rules",
  "alerts.manage": "Acknowledge, snooze and resolve alerts, and change the alert rules",
  "incidents.manage": "Declare incidents and drills, and run their response",
  "incidents.read": "Read incidents and export their summaries",
  "budgets.manage": "Set and remove budget caps of bots and teams",
  "siem.read": "See where the audit log streams to (SIEM destinations) and how far delivery is",
  "siem.manage": "Add, change, test and remove SIEM destinations",
  "kill_switch.manage": "Engage and resume the kill switch on any scope (a bot, a team, a channel, a skill, every bot)",
};

/** The permissions a set of roles holds (every person holds `bots.own`). */
export function permissionsOf(roles: readonly TRole[]): TPermission[] {
  return PERMISSIONS_LIST.filter((p) => (PERMISSION_MATRIX[p] as readonly string[]).some((r) => r === "*" || roles.includes(r as TRole)));
}

/**
 * Who manages a bot (changes it, requests changes to it, its runtime tokens): its owner with
 * `bots.own`, and anyone with `bots.write_all` (admins, IT). One rule for the API (which enforces
 * it) and the console (which offers the actions only when they would work).
 */
export function mayManageBot(who: { permissions: readonly TPermission[]; personId: string }, bot: { ownerId: string | null }): boolean {
  return who.permissions.includes("bots.write_all") || (who.permissions.includes("bots.own") && bot.ownerId !== null && bot.ownerId === who.personId);
}

/** Who reads a bot: its owner with `bots.own`, and anyone with `bots.read_all`. */
export function mayReadBot(who: { permissions: readonly TPermission[]; personId: string }, bot: { ownerId: string | null }): boolean {
  return who.permissions.includes("bots.read_all") || (who.permissions.includes("bots.own") && bot.ownerId !== null && bot.ownerId === who.personId);
}
