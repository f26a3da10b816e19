import { ROLES } from "@bridle/contracts";
import type { TRole } from "@bridle/contracts";
import type { MantineColor } from "@mantine/core";

export const ROLE_LABELS: Record<TRole, string> = { admin: "Admin", security: "Security", it: "IT", auditor: "Auditor" };

/** What each role adds to owning bots (every person may own bots), after PERMISSION_MATRIX. */
export const ROLE_DESCRIPTIONS: Record<TRole, string> = {
  admin: "Everything: org policy, SSO, SCIM, roles and sessions",
  security: "Reads every bot, finding and the audit log",
  it: "Changes any bot, imports the inventory, manages people",
  auditor: "Reads every bot, the audit log and exports evidence",
};

export const ROLE_COLORS: Record<TRole, MantineColor> = { admin: "red", security: "violet", it: "cyan", auditor: "gray" };

export const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

/** The `source` of a person: how they came to be in Bridle. */
export const SOURCE_LABELS: Record<string, string> = {
  seed: "Demo seed",
  bootstrap: "Bootstrap",
  admin: "Added by an admin",
  scim: "SCIM",
  sso: "SSO (just in time)",
};

export const sourceLabel = (source: string): string => SOURCE_LABELS[source] ?? source;
