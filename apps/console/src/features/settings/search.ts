import { z } from "zod";

export const SETTINGS_TABS = ["sso", "sessions", "scim", "notifications"] as const;
export type SettingsTab = (typeof SETTINGS_TABS)[number];

/** `/settings?tab=sessions`; the single sign-on tab when absent or unknown. */
export function validateSettingsSearch(raw: Record<string, unknown>): { tab?: SettingsTab } {
  const tab = z.enum(SETTINGS_TABS).optional().catch(undefined).parse(raw.tab);
  return { tab };
}
