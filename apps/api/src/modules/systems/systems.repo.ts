import type { TSystemClassification, TSystemDetail } from "@bridle/contracts";
import { connectedSystems, type DbOrTx } from "@bridle/db";
import { eq, inArray, sql } from "drizzle-orm";

/** The only file that reads or writes `connected_systems`. */

export type SystemValues = { key: string; name: string; classification: TSystemClassification; description: string | null };

/** Records that point at a system: grants, service accounts and credential references. */
const usage = sql<{ grants: number; serviceAccounts: number; credentialReferences: number }>`json_build_object(
  'grants', (select count(*)::int from grants g where g.system_id = connected_systems.id),
  'serviceAccounts', (select count(*)::int from service_accounts sa where sa.system_id = connected_systems.id),
  'credentialReferences', (select count(*)::int from credential_references cr where cr.system_id = connected_systems.id))`;

const columns = {
  id: connectedSystems.id,
  key: connectedSystems.key,
  name: connectedSystems.name,
  classification: connectedSystems.classification,
  description: connectedSystems.description,
  usage,
};

const toDetail = (r: { id: string; key: string; name: string; classification: string; description: string | null; usage: TSystemDetail["usage"] }) => ({
  ...r,
  classification: r.classification as TSystemClassification,
});

/** Every system, by name, with how many records use it. */
export async function listSystems(db: DbOrTx): Promise<TSystemDetail[]> {
  const rows = await db.select(columns).from(connectedSystems).orderBy(connectedSystems.name, connectedSystems.key);
  return rows.map(toDetail);
}

export async function getSystem(db: DbOrTx, id: string): Promise<TSystemDetail | null> {
  const [row] = await db.select(columns).from(connectedSystems).where(eq(connectedSystems.id, id)).limit(1);
  return row ? toDetail(row) : null;
}

/** Locks a system's row for the rest of the transaction (so a grant cannot be added to it while it is deleted). */
export async function lockSystem(tx: DbOrTx, id: string): Promise<SystemValues & { id: string } | null> {
  const [row] = await tx.select().from(connectedSystems).where(eq(connectedSystems.id, id)).for("update");
  return row ? { id: row.id, key: row.key, name: row.name, classification: row.classification as TSystemClassification, description: row.description } : null;
}

/** The systems with these keys, locked for the rest of the transaction. */
export async function lockSystemsByKey(tx: DbOrTx, keys: string[]): Promise<(SystemValues & { id: string })[]> {
  if (!keys.length) return [];
  const rows = await tx.select().from(connectedSystems).where(inArray(connectedSystems.key, keys)).for("update");
  return rows.map((row) => ({ id: row.id, key: row.key, name: row.name, classification: row.classification as TSystemClassification, description: row.description }));
}

export async function findIdByKey(db: DbOrTx, key: string): Promise<string | null> {
  const [row] = await db.select({ id: connectedSystems.id }).from(connectedSystems).where(eq(connectedSystems.key, key)).limit(1);
  return row?.id ?? null;
}

/** Inserts a system; null when the key is taken (a concurrent create included). */
export async function insertSystem(tx: DbOrTx, v: SystemValues): Promise<string | null> {
  const [row] = await tx.insert(connectedSystems).values(v).onConflictDoNothing({ target: connectedSystems.key }).returning({ id: connectedSystems.id });
  return row?.id ?? null;
}

export async function updateSystem(tx: DbOrTx, id: string, v: Partial<Omit<SystemValues, "key">>): Promise<void> {
  await tx.update(connectedSystems).set(v).where(eq(connectedSystems.id, id));
}

export async function deleteSystem(tx: DbOrTx, id: string): Promise<void> {
  await tx.delete(connectedSystems).where(eq(connectedSystems.id, id));
}

export async function countSystems(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(connectedSystems);
  return row?.n ?? 0;
}

/** The catalog of an organization file, into an empty catalog (the bootstrap seed; its `org.seed` event covers it). */
export async function seedSystems(tx: DbOrTx, systems: readonly SystemValues[]): Promise<void> {
  if (systems.length) await tx.insert(connectedSystems).values(systems.map((s) => ({ ...s })));
}
