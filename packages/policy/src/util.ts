/**
 * Small helpers shared by the rule files. Internal: not re-exported from the package.
 */

const DAY_MS = 86_400_000;
export { DAY_MS };

/**
 * System and channel keys are lowercase in the contracts; normalising again here keeps a
 * mis-cased key in hand-built data from slipping past a blocklist.
 */
export function normalizeKey(key: string): string {
  return key.trim().toLowerCase();
}

/** `2025-03-01`: the date part of an ISO timestamp, in UTC. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** `a`, `a and b`, `a, b and c`: lists in messages read as English. */
export function listText(items: readonly string[], conjunction: "and" | "or" = "and"): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}

export function quoteAll(items: readonly string[]): string[] {
  return items.map((item) => `"${item}"`);
}
