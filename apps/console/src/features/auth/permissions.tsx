import { mayManageBot, type TMe, type TPermission } from "@bridle/contracts";
import { ButtonLink } from "../../components/links.tsx";
import { EmptyBlock } from "../../components/states.tsx";
import type { ReactNode } from "react";
import { useMe } from "./queries.ts";

/**
 * What the signed-in person may do, from `permissions` in GET /api/v1/me (the roles' permissions,
 * narrowed by a token's scopes). The console hides what would fail; the API still decides.
 */
export function useCan(): (permission: TPermission) => boolean {
  const me = useMe();
  const permissions = me.data?.permissions ?? [];
  return (permission) => permissions.includes(permission);
}

/** An owner changes their own bots (`bots.own`); admins and IT change any bot (`bots.write_all`): the contracts' `mayManageBot`, as the API checks it. */
export function canManageBot(me: TMe | null | undefined, bot: { owner: { id: string } | null }): boolean {
  if (!me) return false;
  return mayManageBot({ permissions: me.permissions, personId: me.id }, { ownerId: bot.owner?.id ?? null });
}

export const canRegisterBot = (can: (permission: TPermission) => boolean): boolean => can("bots.own") || can("bots.write_all");

/** Renders its page only with the permission; otherwise says so, instead of showing a page of errors. */
export function RequirePermission({ permission, children }: { permission: TPermission | TPermission[]; children: ReactNode }) {
  const can = useCan();
  const needed = Array.isArray(permission) ? permission : [permission];
  if (needed.some(can)) return <>{children}</>;
  return (
    <EmptyBlock
      title="You do not have access to this page"
      description="Your roles do not include it. Ask an admin if you need it."
      action={
        <ButtonLink to="/bots" variant="default">
          Go to the inventory
        </ButtonLink>
      }
    />
  );
}
