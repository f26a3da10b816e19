/** Normalizes a timestamp from either driver (Date or string) to ISO-8601, keeping null. */
export function toIso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  const d = new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function toDate(v: unknown): Date | null {
  const iso = toIso(v);
  return iso === null ? null : new Date(iso);
}

/** Escapes LIKE wildcards so user search text matches literally. */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** Rows from `db.execute` on either driver. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}

/** Is `e` a PostgreSQL error with this SQLSTATE, from either driver, also when wrapped (`cause`)? */
export const hasPgCode = (e: unknown, sqlState: string): boolean =>
  typeof e === "object" && e !== null && ((e as { code?: unknown }).code === sqlState || (e as { cause?: { code?: unknown } }).cause?.code === sqlState);

/** unique_violation (23505): a row with the same unique key exists. */
export const isUniqueViolation = (e: unknown) => hasPgCode(e, "23505");
