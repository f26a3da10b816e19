import type { TSetupStatus } from "@bridle/contracts";
import { bots, orgPolicy, type Db } from "@bridle/db";
import { eq, ne, sql } from "drizzle-orm";
import { countTeams } from "../people/index.ts";
import { ssoReady, type IdentitySettingsService } from "../identity-settings/index.ts";
import { countSystems } from "../systems/index.ts";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The first-run checklist (README "Start from an empty organization"), computed from what is in
 * place now: SSO ready, SCIM on or teams created, systems in the catalog, a channel allowlist,
 * a bot registered. Nothing here is stored; a step undone later shows as not done again.
 */
export function createSetupService(deps: { db: Db; settings: Pick<IdentitySettingsService, "effective"> }) {
  const { db, settings } = deps;

  async function status(): Promise<TSetupStatus> {
    const s = await settings.effective();
    const teams = await countTeams(db);
    const systems = await countSystems(db);
    const [policy] = await db.select({ allowlist: orgPolicy.channelAllowlist }).from(orgPolicy).where(eq(orgPolicy.id, 1));
    const [botRow] = await db.select({ n: sql<number>`count(*)::int` }).from(bots).where(ne(bots.status, "offboarded"));
    const allowlist = policy?.allowlist ?? [];
    const botCount = botRow?.n ?? 0;
    const sso = ssoReady(s);
    const steps: TSetupStatus["steps"] = [
      {
        key: "sso",
        done: sso,
        detail: sso
          ? `People sign in with ${s.issuerUrl}${s.managedBy === "environment" ? " (set by the environment)" : ""}.`
          : "Only the bootstrap admin can sign in: connect your identity provider.",
      },
      {
        key: "teams",
        done: s.scimEnabled || teams > 0,
        detail: s.scimEnabled
          ? `SCIM provisioning is on: your identity provider sends people and teams (${plural(teams, "team", "teams")} so far).`
          : teams > 0
            ? `${plural(teams, "team", "teams")}.`
            : "No teams yet: turn on SCIM provisioning, or create the teams that own bots.",
      },
      {
        key: "systems",
        done: systems > 0,
        detail: systems > 0 ? `${plural(systems, "connected system", "connected systems")} in the catalog.` : "No connected systems yet: add the systems your bots use.",
      },
      {
        key: "channels",
        done: allowlist.length > 0,
        detail: allowlist.length ? `Allowed channels: ${allowlist.join(", ")}.` : "No channel allowlist yet: say where bots may talk.",
      },
      {
        key: "first_bot",
        done: botCount > 0,
        detail: botCount > 0 ? `${plural(botCount, "bot", "bots")} in the inventory.` : "No bots yet: register the first one.",
      },
    ];
    return { steps, complete: steps.every((x) => x.done), scimEnabled: s.scimEnabled };
  }

  return { status };
}
export type SetupService = ReturnType<typeof createSetupService>;
