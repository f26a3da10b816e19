import type { TBotInputParsed } from "@bridle/contracts";
import type { DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";
import { rowsOf, toIso } from "../../lib/sql.ts";

type ExportRow = {
  name: string;
  email: string | null;
  owner: string | null;
  team: string | null;
  purpose: string;
  environment: TBotInputParsed["environment"];
  runtime: string | null;
  status: TBotInputParsed["status"];
  internal_data_access: TBotInputParsed["internalDataAccess"];
  channels: string[];
  credential_storage: string | null;
  gated_actions: TBotInputParsed["gatedActions"];
  created_at: unknown;
  last_reviewed_at: unknown;
  runtime_profile: TBotInputParsed["runtimeProfile"];
  grants: { system: string; scope: string; access: "read" | "write"; expiresAt: string | null }[] | null;
  accounts: { system: string; account: string }[] | null;
  creds: { system: string; reference: string; rotationIntervalDays: number | null; lastRotatedAt: string | null }[] | null;
  exception: (Omit<NonNullable<TBotInputParsed["exception"]>, never> & Record<string, unknown>) | null;
};

/**
 * Every bot in input form (what import accepts), ordered by name, optionally only some names.
 * One query; owners by email and teams by slug, so an export imports back unchanged.
 */
export async function loadBotsAsInput(db: DbOrTx, names?: readonly string[]): Promise<TBotInputParsed[]> {
  if (names && names.length === 0) return [];
  const filter = names ? sql`where b.name in (${sql.join(names.map((n) => sql`${n}`), sql`, `)})` : sql``;
  const res = await db.execute(sql`
    select b.name, b.email, p.email as owner, t.slug as team, b.purpose, b.environment, b.runtime, b.status,
           b.internal_data_access, b.channels, b.credential_storage, b.gated_actions, b.created_at, b.last_reviewed_at,
           b.runtime_profile,
           (select json_agg(json_build_object('system', s.key, 'scope', g.scope, 'access', g.access, 'expiresAt', g.expires_at) order by s.key, g.scope)
              from grants g join connected_systems s on s.id = g.system_id where g.bot_id = b.id) as grants,
           (select json_agg(json_build_object('system', s.key, 'account', a.account) order by s.key)
              from service_accounts a join connected_systems s on s.id = a.system_id where a.bot_id = b.id) as accounts,
           (select json_agg(json_build_object('system', s.key, 'reference', c.reference, 'rotationIntervalDays', c.rotation_interval_days, 'lastRotatedAt', c.last_rotated_at) order by s.key, c.reference)
              from credential_references c join connected_systems s on s.id = c.system_id where c.bot_id = b.id) as creds,
           (select json_build_object('status', e.status, 'businessPurpose', e.business_purpose, 'allowedSystems', e.allowed_systems,
                   'allowedChannels', e.allowed_channels, 'dataClassification', e.data_classification,
                   'approvalRequirements', e.approval_requirements, 'approvedBy', e.approved_by,
                   'approvedAt', e.approved_at, 'expiresAt', e.expires_at)
              from golden_rule_exceptions e where e.bot_id = b.id) as exception
    from bots b left join people p on p.id = b.owner_id left join teams t on t.id = b.team_id
    ${filter}
    order by b.name`);
  return rowsOf<ExportRow>(res).map((r) => ({
    name: r.name,
    email: r.email,
    owner: r.owner ?? "",
    team: r.team ?? "",
    purpose: r.purpose,
    environment: r.environment,
    runtime: r.runtime,
    status: r.status,
    internalDataAccess: r.internal_data_access,
    channels: r.channels,
    grants: (r.grants ?? []).map((g) => ({ ...g, expiresAt: toIso(g.expiresAt) })),
    serviceAccounts: r.accounts ?? [],
    credentialReferences: (r.creds ?? []).map((c) => ({ ...c, lastRotatedAt: toIso(c.lastRotatedAt) })),
    credentialStorage: r.credential_storage,
    gatedActions: r.gated_actions,
    createdAt: toIso(r.created_at),
    lastReviewedAt: toIso(r.last_reviewed_at),
    runtimeProfile: r.runtime_profile ?? {},
    exception: r.exception
      ? {
          ...(r.exception as NonNullable<TBotInputParsed["exception"]>),
          approvedAt: toIso(r.exception.approvedAt),
          expiresAt: toIso(r.exception.expiresAt),
        }
      : null,
  }));
}
