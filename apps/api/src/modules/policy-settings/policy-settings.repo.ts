import type { TOrgPolicy } from "@bridle/contracts";
import { orgPolicy, type DbOrTx } from "@bridle/db";
import { eq, sql } from "drizzle-orm";
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
    updatedAt: new Date(),
  };
  await db
    .insert(orgPolicy)
    .values({ id: 1, ...values })
    .onConflictDoUpdate({ target: orgPolicy.id, set: { ...values, version: sql`${orgPolicy.version} + 1` } });
}
