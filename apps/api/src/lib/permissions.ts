import type { TRole } from "@bridle/contracts";
import { AppError } from "./errors.ts";

/**
 * The permission matrix, in one place (README "Permissions"). A permission lists the roles that
 * hold it; every signed-in person additionally manages the bots they own (see `canManageBot`).
 */
export const PERMISSIONS = {
  /** read every bot, finding and the whole inventory */
  "bots.read_all": ["admin", "security", "it", "auditor"],
  /** create or change any bot, whoever owns it */
  "bots.write_all": ["admin", "it"],
  "policy.update": ["admin"],
  "inventory.import": ["admin", "it"],
  "inventory.export": ["admin", "security", "it", "auditor"],
} as const satisfies Record<string, readonly TRole[]>;
export type Permission = keyof typeof PERMISSIONS;

export type Principal = {
  personId: string;
  email: string;
  displayName: string;
  roles: TRole[];
  authMethod: "session" | "token";
  sessionId: string | null;
  tokenId: string | null;
  csrfToken: string | null;
};

export function can(principal: Principal, permission: Permission): boolean {
  const allowed: readonly TRole[] = PERMISSIONS[permission];
  return principal.roles.some((r) => allowed.includes(r));
}

/** An owner manages their own bots; admins and IT manage every bot. */
export function canManageBot(principal: Principal, bot: { ownerId: string | null }): boolean {
  return can(principal, "bots.write_all") || (bot.ownerId !== null && bot.ownerId === principal.personId);
}

export function canReadBot(principal: Principal, bot: { ownerId: string | null }): boolean {
  return can(principal, "bots.read_all") || (bot.ownerId !== null && bot.ownerId === principal.personId);
}

export const forbidden = (what: string) => new AppError("forbidden", `You do not have permission to ${what}`);
