import { GATED_ACTIONS, type TGatedAction, type TGatedActionRule, type TRole } from "@bridle/contracts";
import { botGatedActionOverrides, goldenRuleExceptions, gatedActionPolicies, gatedActionPolicyVersions, type DbOrTx } from "@bridle/db";
import type { GatedActionMode } from "@bridle/policy";
import { and, desc, eq, lt, sql } from "drizzle-orm";

export type OverrideRow = {
  action: TGatedAction;
  mode: GatedActionMode | null;
  approverRole: TRole | null;
  approvalsRequired: number | null;
  requestTtlMinutes: number | null;
};

const order = (a: string) => (GATED_ACTIONS as readonly string[]).indexOf(a);

/** The org's rule for every gated action, in the catalog's order (the migration seeds all ten). */
export async function listRules(db: DbOrTx): Promise<TGatedActionRule[]> {
  const rows = await db.select().from(gatedActionPolicies);
  return rows
    .filter((r) => order(r.action) >= 0)
    .sort((a, b) => order(a.action) - order(b.action))
    .map((r) => ({
      action: r.action as TGatedAction,
      mode: r.mode as TGatedActionRule["mode"],
      approverRole: r.approverRole as TRole,
      approvalsRequired: r.approvalsRequired,
      requestTtlMinutes: r.requestTtlMinutes,
    }));
}

export async function saveRule(tx: DbOrTx, rule: TGatedActionRule): Promise<void> {
  const { action, ...fields } = rule;
  await tx
    .insert(gatedActionPolicies)
    .values({ action, ...fields, updatedAt: new Date() })
    .onConflictDoUpdate({ target: gatedActionPolicies.action, set: { ...fields, updatedAt: new Date() } });
}

export async function listOverrides(db: DbOrTx, botId: string): Promise<Map<TGatedAction, OverrideRow>> {
  const rows = await db.select().from(botGatedActionOverrides).where(eq(botGatedActionOverrides.botId, botId));
  return new Map(
    rows.map((r) => [
      r.action as TGatedAction,
      {
        action: r.action as TGatedAction,
        mode: r.mode as GatedActionMode | null,
        approverRole: r.approverRole as TRole | null,
        approvalsRequired: r.approvalsRequired,
        requestTtlMinutes: r.requestTtlMinutes,
      },
    ]),
  );
}

export async function saveOverride(tx: DbOrTx, botId: string, o: OverrideRow): Promise<void> {
  const { action, ...fields } = o;
  await tx
    .insert(botGatedActionOverrides)
    .values({ botId, action, ...fields, updatedAt: new Date() })
    .onConflictDoUpdate({ target: [botGatedActionOverrides.botId, botGatedActionOverrides.action], set: { ...fields, updatedAt: new Date() } });
}

export async function deleteOverride(tx: DbOrTx, botId: string, action: TGatedAction): Promise<boolean> {
  const rows = await tx
    .delete(botGatedActionOverrides)
    .where(and(eq(botGatedActionOverrides.botId, botId), eq(botGatedActionOverrides.action, action)))
    .returning({ action: botGatedActionOverrides.action });
  return rows.length > 0;
}

/** Whether the bot has an approved Golden Rule exception that has not expired at `now`. */
export async function hasValidException(db: DbOrTx, botId: string, now: Date): Promise<boolean> {
  const rows = await db
    .select({ id: goldenRuleExceptions.id })
    .from(goldenRuleExceptions)
    .where(
      and(
        eq(goldenRuleExceptions.botId, botId),
        eq(goldenRuleExceptions.status, "approved"),
        sql`(${goldenRuleExceptions.expiresAt} is null or ${goldenRuleExceptions.expiresAt} > ${now})`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}

export type RuleSet = Record<string, Omit<TGatedActionRule, "action">>;
export type RuleVersionRow = typeof gatedActionPolicyVersions.$inferSelect;

/** The org's rules as a version keeps them: action -> rule. */
export const ruleSetOf = (rules: readonly TGatedActionRule[]): RuleSet =>
  Object.fromEntries(rules.map(({ action, ...rule }) => [action, rule]));

export async function latestRuleVersion(db: DbOrTx): Promise<RuleVersionRow | null> {
  const [row] = await db.select().from(gatedActionPolicyVersions).orderBy(desc(gatedActionPolicyVersions.version)).limit(1);
  return row ?? null;
}

export async function insertRuleVersion(
  tx: DbOrTx,
  v: { version: number; content: RuleSet; policyVersion: number | null; changedBy: string | null; changedAt: Date; source: "baseline" | "update" | "rollback"; restoredFrom?: number | null },
): Promise<void> {
  await tx.insert(gatedActionPolicyVersions).values({ ...v, restoredFrom: v.restoredFrom ?? null });
}

export async function listRuleVersions(db: DbOrTx): Promise<RuleVersionRow[]> {
  return db.select().from(gatedActionPolicyVersions).orderBy(desc(gatedActionPolicyVersions.version));
}

export async function findRuleVersion(db: DbOrTx, version: number): Promise<{ row: RuleVersionRow; previous: RuleVersionRow | null } | null> {
  const [row] = await db.select().from(gatedActionPolicyVersions).where(eq(gatedActionPolicyVersions.version, version)).limit(1);
  if (!row) return null;
  const [previous] = await db
    .select()
    .from(gatedActionPolicyVersions)
    .where(lt(gatedActionPolicyVersions.version, version))
    .orderBy(desc(gatedActionPolicyVersions.version))
    .limit(1);
  return { row, previous: previous ?? null };
}

/** Locks the version sequence for the rest of the transaction (two changes at once get distinct numbers). */
export async function lockRuleVersions(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('bridle.gated_action_policy_versions'))`);
}
