import type { TOrgPolicy } from "@bridle/contracts";
import { orgPolicy, orgPolicyVersions, type DbOrTx } from "@bridle/db";
import type { PolicyInput } from "@bridle/policy";
import { desc, eq, lt, sql } from "drizzle-orm";
import { toIso } from "../../lib/sql.ts";

export async function getPolicy(db: DbOrTx): Promise<TOrgPolicy | null> {
  const [p] = await db.select().from(orgPolicy).where(eq(orgPolicy.id, 1)).limit(1);
  if (!p) return null;
  return {
    orgName: p.orgName,
    botEmailDomain: p.botEmailDomain,
    namingRule: { requiredTokens: p.namingRequiredTokens, orgPrefix: p.namingOrgPrefix },
    channelAllowlist: p.channelAllowlist,
    channelBlocklist: p.channelBlocklist,
    reviewIntervalDays: p.reviewIntervalDays,
    auditRetentionDays: p.auditRetentionDays,
    reviewOverdueFailClosed: p.reviewOverdueFailClosed,
    reviewSchedule: p.reviewSchedule as TOrgPolicy["reviewSchedule"],
    reviewDueDays: p.reviewDueDays,
    reviewLookbackDays: p.reviewLookbackDays,
    orphanDeadlineDays: p.orphanDeadlineDays,
    version: p.version,
    updatedAt: toIso(p.updatedAt)!,
  };
}

export type PolicyValues = Omit<TOrgPolicy, "version" | "updatedAt">;

/** Writes the policy row (creating it on first use) and bumps its version. */
export async function savePolicy(db: DbOrTx, v: PolicyValues) {
  const values = {
    orgName: v.orgName,
    botEmailDomain: v.botEmailDomain,
    namingRequiredTokens: v.namingRule.requiredTokens,
    namingOrgPrefix: v.namingRule.orgPrefix,
    channelAllowlist: v.channelAllowlist,
    channelBlocklist: v.channelBlocklist,
    reviewIntervalDays: v.reviewIntervalDays,
    auditRetentionDays: v.auditRetentionDays,
    reviewOverdueFailClosed: v.reviewOverdueFailClosed,
    reviewSchedule: v.reviewSchedule,
    reviewDueDays: v.reviewDueDays,
    reviewLookbackDays: v.reviewLookbackDays,
    orphanDeadlineDays: v.orphanDeadlineDays,
    updatedAt: new Date(),
  };
  await db
    .insert(orgPolicy)
    .values({ id: 1, ...values })
    .onConflictDoUpdate({ target: orgPolicy.id, set: { ...values, version: sql`${orgPolicy.version} + 1` } });
}

/**
 * The org policy as the policy rules read it (@bridle/policy `PolicyInput`) and its version; null
 * before the organization is set up. Read by the findings, the bots and the import.
 */
export async function loadPolicyInput(db: DbOrTx): Promise<{ policy: PolicyInput; version: number } | null> {
  const rows = await db.select().from(orgPolicy).limit(1);
  const p = rows[0];
  if (!p) return null;
  return {
    version: p.version,
    policy: {
      botEmailDomain: p.botEmailDomain,
      namingRule: { requiredTokens: p.namingRequiredTokens, orgPrefix: p.namingOrgPrefix },
      channelAllowlist: p.channelAllowlist,
      channelBlocklist: p.channelBlocklist,
      reviewIntervalDays: p.reviewIntervalDays,
    },
  };
}

/** Decisions carry the policy version; any change to what they depend on bumps it. */
export async function bumpPolicyVersion(tx: DbOrTx): Promise<number | null> {
  const [row] = await tx
    .update(orgPolicy)
    .set({ version: sql`${orgPolicy.version} + 1`, updatedAt: new Date() })
    .where(eq(orgPolicy.id, 1))
    .returning({ version: orgPolicy.version });
  return row?.version ?? null;
}

/** The first policy row (the bootstrap seed, in its transaction; its `org.seed` event covers it). */
export async function seedOrgPolicy(
  tx: DbOrTx,
  v: { orgName: string; botEmailDomain: string; namingRequiredTokens: string[]; namingOrgPrefix: string | null; channelAllowlist?: string[]; channelBlocklist?: string[]; reviewIntervalDays?: number },
): Promise<void> {
  await tx.insert(orgPolicy).values({ id: 1, ...v });
}

/** A minimal policy row when there is none, so Bridle can run without the demo (the bootstrap). */
export async function ensureOrgPolicy(db: DbOrTx, v: { orgName: string; botEmailDomain: string; namingRequiredTokens: string[]; namingOrgPrefix: string | null }): Promise<void> {
  await db
    .insert(orgPolicy)
    .values({ id: 1, ...v })
    .onConflictDoNothing();
}

/** Whether the organization has its policy row (it is set up). */
export async function hasOrgPolicy(db: DbOrTx): Promise<boolean> {
  const rows = await db.select({ id: orgPolicy.id }).from(orgPolicy).limit(1);
  return rows.length > 0;
}

/** The org's access review settings (the access-reviews module and its job); null before setup. */
export async function loadReviewSettings(db: DbOrTx): Promise<Pick<TOrgPolicy, "reviewOverdueFailClosed" | "reviewSchedule" | "reviewDueDays" | "reviewLookbackDays"> | null> {
  const p = await getPolicy(db);
  return p ? { reviewOverdueFailClosed: p.reviewOverdueFailClosed, reviewSchedule: p.reviewSchedule, reviewDueDays: p.reviewDueDays, reviewLookbackDays: p.reviewLookbackDays } : null;
}

/** Days an orphaned bot may stay unresolved before the orphan job pauses it (the org policy; 7 before the org is set up). */
export async function loadOrphanDeadlineDays(db: DbOrTx): Promise<number> {
  const [p] = await db.select({ days: orgPolicy.orphanDeadlineDays }).from(orgPolicy).where(eq(orgPolicy.id, 1)).limit(1);
  return p?.days ?? 7;
}

export type PolicyVersionRow = typeof orgPolicyVersions.$inferSelect;

/** What a version keeps: every org policy field but `version` and `updatedAt`. */
export const versionContent = (p: TOrgPolicy): PolicyValues => {
  const { version: _v, updatedAt: _u, ...values } = p;
  return values;
};

/** Records a version of the org policy (idempotent for the baseline: an existing row stays). */
export async function insertPolicyVersion(
  tx: DbOrTx,
  v: { version: number; content: PolicyValues; changedBy: string | null; changedAt: Date; source: "baseline" | "update" | "rollback"; restoredFrom?: number | null },
): Promise<void> {
  await tx
    .insert(orgPolicyVersions)
    .values({ version: v.version, content: v.content, changedBy: v.changedBy, changedAt: v.changedAt, source: v.source, restoredFrom: v.restoredFrom ?? null })
    .onConflictDoNothing();
}

export async function listPolicyVersions(db: DbOrTx): Promise<PolicyVersionRow[]> {
  return db.select().from(orgPolicyVersions).orderBy(desc(orgPolicyVersions.version));
}

/** One version and the kept version just before it. */
export async function findPolicyVersion(db: DbOrTx, version: number): Promise<{ row: PolicyVersionRow; previous: PolicyVersionRow | null } | null> {
  const [row] = await db.select().from(orgPolicyVersions).where(eq(orgPolicyVersions.version, version)).limit(1);
  if (!row) return null;
  const [previous] = await db.select().from(orgPolicyVersions).where(lt(orgPolicyVersions.version, version)).orderBy(desc(orgPolicyVersions.version)).limit(1);
  return { row, previous: previous ?? null };
}
