import { mayManageBot, mayReadBot, permissionsOf, type TPermission, type TRole } from "@bridle/contracts";
import { AppError } from "./errors.ts";

/**
 * Permission checks, in one place. The matrix itself is `PERMISSION_MATRIX` in
 * packages/contracts (shared with the console); README "Permissions" documents it.
 */
export type Permission = TPermission;

export type Principal = {
  personId: string;
  email: string;
  displayName: string;
  roles: TRole[];
  /** what this session or token may do: the roles' permissions, narrowed by a token's scopes */
  permissions: TPermission[];
  authMethod: "session" | "token";
  sessionId: string | null;
  tokenId: string | null;
  csrfToken: string | null;
  isBootstrapAdmin: boolean;
};

/** The permissions of `roles`, narrowed to `scopes` when a token has any. */
export function effectivePermissions(roles: readonly TRole[], scopes: readonly string[] = []): TPermission[] {
  const all = permissionsOf(roles);
  return scopes.length ? all.filter((p) => scopes.includes(p)) : all;
}

export function can(principal: Principal, permission: Permission): boolean {
  return principal.permissions.includes(permission);
}

/** An owner manages their own bots (`bots.own`); admins and IT manage every bot (`mayManageBot` in the contracts, shared with the console). */
export function canManageBot(principal: Principal, bot: { ownerId: string | null }): boolean {
  return mayManageBot(principal, bot);
}

export function canReadBot(principal: Principal, bot: { ownerId: string | null }): boolean {
  return mayReadBot(principal, bot);
}

export const forbidden = (what: string) => new AppError("forbidden", `You do not have permission to ${what}`);
