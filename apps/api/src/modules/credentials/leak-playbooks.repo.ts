import { leakPlaybooks, leakPlaybookSteps, type DbOrTx } from "@bridle/db";
import { and, asc, desc, eq, lt, or, sql, type SQL } from "drizzle-orm";
import type { Actor } from "../audit/index.ts";
import { rowsOf } from "../../lib/sql.ts";

/** The only file that queries `leak_playbooks` and `leak_playbook_steps` (owned by the credentials module). */

export type PlaybookRow = typeof leakPlaybooks.$inferSelect;
export type StepRow = typeof leakPlaybookSteps.$inferSelect;

export async function insertPlaybook(
  tx: DbOrTx,
  v: { botId: string; credentialReferenceId: string; system: string; reference: string; reason: string; by: Actor; at: Date },
): Promise<PlaybookRow> {
  const [row] = await tx
    .insert(leakPlaybooks)
    .values({
      botId: v.botId,
      credentialReferenceId: v.credentialReferenceId,
      system: v.system,
      reference: v.reference,
      reason: v.reason,
      startedAt: v.at,
      startedByType: v.by.type,
      startedById: v.by.id,
      startedByLabel: v.by.label,
    })
    .returning();
  return row!;
}

/** The open playbook on a reference, if any. */
export async function openPlaybookOn(db: DbOrTx, credentialReferenceId: string): Promise<PlaybookRow | null> {
  const [row] = await db
    .select()
    .from(leakPlaybooks)
    .where(and(eq(leakPlaybooks.credentialReferenceId, credentialReferenceId), eq(leakPlaybooks.status, "open")))
    .limit(1);
  return row ?? null;
}

export async function findPlaybook(db: DbOrTx, id: string, opts: { lock?: boolean } = {}): Promise<PlaybookRow | null> {
  const q = db.select().from(leakPlaybooks).where(eq(leakPlaybooks.id, id));
  const [row] = opts.lock ? await q.for("update") : await q;
  return row ?? null;
}

export async function stepsOf(db: DbOrTx, playbookId: string): Promise<StepRow[]> {
  return db.select().from(leakPlaybookSteps).where(eq(leakPlaybookSteps.playbookId, playbookId)).orderBy(asc(leakPlaybookSteps.doneAt));
}

/** Records a step as done; false when it was done already (one row per step). */
export async function insertStep(
  tx: DbOrTx,
  v: { playbookId: string; step: string; by: Actor; at: Date; notes: string | null; details: Record<string, unknown> },
): Promise<boolean> {
  const rows = await tx
    .insert(leakPlaybookSteps)
    .values({ playbookId: v.playbookId, step: v.step, doneAt: v.at, doneByType: v.by.type, doneById: v.by.id, doneByLabel: v.by.label, notes: v.notes, details: v.details })
    .onConflictDoNothing()
    .returning({ step: leakPlaybookSteps.step });
  return rows.length > 0;
}

export async function closePlaybook(tx: DbOrTx, id: string, at: Date): Promise<void> {
  await tx.update(leakPlaybooks).set({ status: "closed", closedAt: at }).where(eq(leakPlaybooks.id, id));
}

/**
 * Playbooks newest first, keyset-paginated on (started_at, id), with the number of steps done.
 * `visibleTo` (null: all) limits them to bots that person owns (a read of `bots`).
 */
export async function listPlaybooks(
  db: DbOrTx,
  f: { status?: string | undefined; botId?: string | undefined; visibleTo: string | null; before?: { at: Date; id: string } | null; limit: number },
) {
  const where: (SQL | undefined)[] = [
    f.status ? eq(leakPlaybooks.status, f.status) : undefined,
    f.botId ? eq(leakPlaybooks.botId, f.botId) : undefined,
    f.visibleTo ? sql`${leakPlaybooks.botId} in (select id from bots where owner_id = ${f.visibleTo})` : undefined,
    f.before ? or(lt(leakPlaybooks.startedAt, f.before.at), and(eq(leakPlaybooks.startedAt, f.before.at), lt(leakPlaybooks.id, f.before.id))) : undefined,
  ];
  return db
    .select({ p: leakPlaybooks, stepsDone: sql<number>`(select count(*)::int from leak_playbook_steps s where s.playbook_id = ${leakPlaybooks.id})` })
    .from(leakPlaybooks)
    .where(and(...where.filter((w) => w !== undefined)))
    .orderBy(desc(leakPlaybooks.startedAt), desc(leakPlaybooks.id))
    .limit(f.limit + 1);
}

/** A bot's name, status, owner and incident response owner (from its runtime profile), for a playbook (a read of `bots`). */
export async function botOf(db: DbOrTx, botId: string) {
  const res = await db.execute(sql`
    select b.id, b.name, b.status, b.owner_id, b.runtime_profile->>'incidentResponseOwner' as ir_owner
    from bots b where b.id = ${botId}`);
  return rowsOf<{ id: string; name: string; status: string; owner_id: string | null; ir_owner: string | null }>(res)[0] ?? null;
}

/** People by id or by email (case-insensitive), for a playbook's stakeholders (a read of `people`). */
export async function peopleAmong(db: DbOrTx, q: { ids: readonly string[]; emails: readonly string[] }) {
  if (!q.ids.length && !q.emails.length) return [];
  const res = await db.execute(sql`
    select id, email, display_name, status from people
    where id in (select jsonb_array_elements_text(${JSON.stringify(q.ids)}::jsonb)::uuid)
       or lower(email) in (select lower(jsonb_array_elements_text(${JSON.stringify(q.emails)}::jsonb)))`);
  return rowsOf<{ id: string; email: string; display_name: string; status: string }>(res);
}
