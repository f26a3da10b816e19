import { auditEvents, identitySettings, people, type DbOrTx } from "@bridle/db";
import { and, desc, eq, inArray, or } from "drizzle-orm";

export type IdentitySettingsRow = typeof identitySettings.$inferSelect;

/** The identity settings row (created by the migration; defaults if somehow missing). */
export async function loadIdentitySettings(db: DbOrTx): Promise<IdentitySettingsRow> {
  const [row] = await db.select().from(identitySettings).where(eq(identitySettings.id, 1)).limit(1);
  if (row) return row;
  const [created] = await db.insert(identitySettings).values({ id: 1 }).onConflictDoNothing().returning();
  return created ?? (await db.select().from(identitySettings).where(eq(identitySettings.id, 1)))[0]!;
}

export type IdentitySettingsChange = Partial<Omit<IdentitySettingsRow, "id" | "updatedAt">>;

export async function saveIdentitySettings(tx: DbOrTx, change: IdentitySettingsChange, now: Date) {
  await tx
    .update(identitySettings)
    .set({ ...change, updatedAt: now })
    .where(eq(identitySettings.id, 1));
}

/** What counts as a use of the break-glass account: sign-ins (and refusals), sign-outs, token uses. */
const USE_ACTIONS = ["auth.login", "auth.logout", "auth.token_used"];

/**
 * Audit events about the local bootstrap admin, newest first: every sign-in attempt (successes
 * and failures, also while it is disabled), sign-out and API token use by it, and changes to the
 * account itself (`person.bootstrap_admin`, e.g. a password reset from the environment).
 */
export async function listBreakGlassEvents(db: DbOrTx, limit: number) {
  const admins = await db.select({ id: people.id }).from(people).where(eq(people.isBootstrapAdmin, true));
  const ids = admins.map((a) => a.id);
  if (!ids.length) return [];
  return db
    .select({
      at: auditEvents.at,
      action: auditEvents.action,
      outcome: auditEvents.outcome,
      requestId: auditEvents.requestId,
      actorType: auditEvents.actorType,
      details: auditEvents.details,
    })
    .from(auditEvents)
    .where(
      or(
        and(inArray(auditEvents.actorId, ids), inArray(auditEvents.action, USE_ACTIONS)),
        and(inArray(auditEvents.resourceId, ids), eq(auditEvents.action, "person.bootstrap_admin")),
      ),
    )
    .orderBy(desc(auditEvents.seq))
    .limit(limit);
}
