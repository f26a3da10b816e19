import type { TInstructionActor, TInstructionFile, TInstructionVersion, TInstructionVersionStatus, TInstructionVersionSummary } from "@bridle/contracts";
import { bots, instructionFiles, instructionVersions, orgPolicy, type DbOrTx } from "@bridle/db";
import { and, desc, eq, getTableColumns, sql } from "drizzle-orm";
import { rowsOf, toIso } from "../../lib/sql.ts";

/** The instructions module's only queries. It owns `instruction_files` and `instruction_versions`. */

export type FileRow = typeof instructionFiles.$inferSelect;
export type VersionRow = typeof instructionVersions.$inferSelect;
/** A version row without its content (lists). */
export type VersionMeta = Omit<VersionRow, "content">;
const { content: _content, ...META_COLUMNS } = getTableColumns(instructionVersions);

const actor = (type: string, id: string | null, label: string): TInstructionActor => ({ type: type === "bot" ? "bot" : "person", id, label });

/** A version row as the API shows it, without its content. */
export function toSummary(v: VersionMeta, fileName: string): TInstructionVersionSummary {
  return {
    id: v.id,
    file: fileName,
    version: v.version,
    sha256: v.sha256,
    bytes: v.bytes,
    loadedByDefault: v.loadedByDefault,
    status: v.status as TInstructionVersionStatus,
    reviewRequired: v.reviewRequired,
    uploadedBy: actor(v.uploadedByType, v.uploadedByType === "bot" ? v.botId : v.uploadedByPersonId, v.uploadedByLabel),
    uploadedAt: toIso(v.uploadedAt)!,
    reviewedBy: v.reviewedByLabel ? actor("person", v.reviewedByPersonId, v.reviewedByLabel) : null,
    reviewedAt: toIso(v.reviewedAt),
    reviewNote: v.reviewNote,
    currentFrom: toIso(v.currentFrom),
  };
}

export const toVersion = (v: VersionRow, fileName: string): TInstructionVersion => ({ ...toSummary(v, fileName), content: v.content });

/** The bot's file of that name (ignoring case), locked for the rest of the transaction when asked. */
export async function findFile(db: DbOrTx, botId: string, name: string, opts: { lock?: boolean } = {}): Promise<FileRow | null> {
  const q = db
    .select()
    .from(instructionFiles)
    .where(and(eq(instructionFiles.botId, botId), sql`lower(${instructionFiles.name}) = ${name.toLowerCase()}`))
    .limit(1);
  const [row] = opts.lock ? await q.for("update") : await q;
  return row ?? null;
}

/** The bot's file of that name, created (without versions) when it has none; locked until the transaction ends. */
export async function lockOrCreateFile(tx: DbOrTx, botId: string, name: string): Promise<FileRow> {
  await tx.insert(instructionFiles).values({ botId, name }).onConflictDoNothing();
  const file = await findFile(tx, botId, name, { lock: true });
  if (!file) throw new Error(`instruction file ${name} vanished`);
  return file;
}

export async function setRequiresReview(tx: DbOrTx, fileId: string, requiresReview: boolean): Promise<void> {
  await tx.update(instructionFiles).set({ requiresReview, updatedAt: sql`now()` }).where(eq(instructionFiles.id, fileId));
}

export async function latestVersion(db: DbOrTx, fileId: string): Promise<VersionRow | null> {
  const [row] = await db.select().from(instructionVersions).where(eq(instructionVersions.fileId, fileId)).orderBy(desc(instructionVersions.version)).limit(1);
  return row ?? null;
}

export async function findVersion(db: DbOrTx, fileId: string, version: number, opts: { lock?: boolean } = {}): Promise<VersionRow | null> {
  const q = db
    .select()
    .from(instructionVersions)
    .where(and(eq(instructionVersions.fileId, fileId), eq(instructionVersions.version, version)))
    .limit(1);
  const [row] = opts.lock ? await q.for("update") : await q;
  return row ?? null;
}

/** The number of the file's version in force now (the one approved last), or null. */
export async function currentVersionOf(db: DbOrTx, fileId: string): Promise<number | null> {
  const [row] = await db
    .select({ version: instructionVersions.version })
    .from(instructionVersions)
    .where(and(eq(instructionVersions.fileId, fileId), sql`${instructionVersions.currentFrom} is not null`))
    .orderBy(desc(instructionVersions.currentFrom), desc(instructionVersions.version))
    .limit(1);
  return row?.version ?? null;
}

/** Marks the file's version waiting for review, if any, `superseded`; @returns its number. */
export async function supersedePending(tx: DbOrTx, fileId: string): Promise<number | null> {
  const [row] = await tx
    .update(instructionVersions)
    .set({ status: "superseded" })
    .where(and(eq(instructionVersions.fileId, fileId), eq(instructionVersions.status, "pending_review")))
    .returning({ version: instructionVersions.version });
  return row?.version ?? null;
}

/**
 * When a version becomes current: the transaction's time, to the millisecond, as the API shows
 * it (so `at` = a version's `currentFrom` finds that version; ties go to the higher version).
 */
const NOW_MS = sql`date_trunc('milliseconds', now())`;

/** Inserts a version; an approved one is current from the transaction's time. */
export async function insertVersion(tx: DbOrTx, v: Omit<typeof instructionVersions.$inferInsert, "currentFrom" | "uploadedAt">): Promise<VersionRow> {
  const [row] = await tx
    .insert(instructionVersions)
    .values({ ...v, uploadedAt: sql`now()`, currentFrom: v.status === "approved" ? NOW_MS : null })
    .returning();
  return row!;
}

/** Records a review: approved versions become current from the transaction's time. */
export async function reviewVersion(tx: DbOrTx, id: string, r: { approve: boolean; personId: string; label: string; note: string | null }): Promise<VersionRow> {
  const [row] = await tx
    .update(instructionVersions)
    .set({
      status: r.approve ? "approved" : "rejected",
      reviewedByPersonId: r.personId,
      reviewedByLabel: r.label,
      reviewedAt: sql`now()`,
      reviewNote: r.note,
      currentFrom: r.approve ? NOW_MS : null,
    })
    .where(eq(instructionVersions.id, id))
    .returning();
  return row!;
}

/** Every version of a file, newest first, without content. */
export async function listVersions(db: DbOrTx, fileId: string): Promise<VersionMeta[]> {
  return db.select(META_COLUMNS).from(instructionVersions).where(eq(instructionVersions.fileId, fileId)).orderBy(desc(instructionVersions.version));
}

/**
 * The bot's files, each with its current version (the latest approved), the version waiting for
 * review and the latest one, by name.
 */
export async function listFiles(db: DbOrTx, botId: string): Promise<TInstructionFile[]> {
  const files = await db.select().from(instructionFiles).where(eq(instructionFiles.botId, botId)).orderBy(instructionFiles.name);
  if (files.length === 0) return [];
  const versions = await db
    .select(META_COLUMNS)
    .from(instructionVersions)
    .where(eq(instructionVersions.botId, botId))
    .orderBy(desc(instructionVersions.version));
  return files.flatMap((f) => {
    const own = versions.filter((v) => v.fileId === f.id);
    const latest = own[0];
    if (!latest) return [];
    const current = own.filter((v) => v.currentFrom !== null).sort((a, b) => b.currentFrom!.getTime() - a.currentFrom!.getTime() || b.version - a.version)[0];
    const pending = own.find((v) => v.status === "pending_review");
    return [
      {
        name: f.name,
        requiresReview: f.requiresReview,
        versions: own.length,
        current: current ? toSummary(current, f.name) : null,
        pending: pending ? toSummary(pending, f.name) : null,
        latest: toSummary(latest, f.name),
      },
    ];
  });
}

/**
 * The instructions in force at `at`: for each file of the bot, the version with the latest
 * `current_from` at or before `at` (the one approved last by then), with its content. `at` null: now.
 */
export async function setAt(db: DbOrTx, botId: string, at: Date | null): Promise<TInstructionVersion[]> {
  const res = await db.execute(sql`
    select distinct on (v.file_id) v.id, v.file_id
    from instruction_versions v
    where v.bot_id = ${botId} and v.current_from is not null and v.current_from <= coalesce(${at?.toISOString() ?? null}::timestamptz, now())
    order by v.file_id, v.current_from desc, v.version desc`);
  const ids = rowsOf<{ id: string }>(res).map((r) => r.id);
  if (ids.length === 0) return [];
  const rows = await db
    .select({ v: instructionVersions, name: instructionFiles.name })
    .from(instructionVersions)
    .innerJoin(instructionFiles, eq(instructionFiles.id, instructionVersions.fileId))
    .where(sql`${instructionVersions.id} in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`)
    .orderBy(instructionFiles.name);
  return rows.map((r) => toVersion(r.v, r.name));
}

/** The org's bot email domain and whether `email` is some bot's mailbox (a person record that is a bot identity never reviews). */
export async function botEmailFacts(db: DbOrTx, email: string): Promise<{ domain: string | null; isKnownBotEmail: boolean }> {
  const [policy] = await db.select({ domain: orgPolicy.botEmailDomain }).from(orgPolicy).limit(1);
  const [bot] = await db
    .select({ id: bots.id })
    .from(bots)
    .where(sql`lower(${bots.email}) = ${email.toLowerCase()}`)
    .limit(1);
  return { domain: policy?.domain ?? null, isKnownBotEmail: bot !== undefined };
}
