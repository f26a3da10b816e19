import diff from "microdiff";

/** A field an audit event changed: its value before and after; `undefined` when not recorded. */
export type FieldChange = {
  /** dotted path, e.g. `namingRule.orgPrefix` */
  field: string;
  kind: "added" | "removed" | "changed";
  before: unknown;
  after: unknown;
  /** the event recorded only the new value (e.g. `identity_settings.update`) */
  beforeUnknown?: boolean;
};

export type Change = {
  rows: FieldChange[];
  /** the detail keys the change was read from, so the rest can be shown as other details */
  usedKeys: string[];
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function valueAt(value: unknown, path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

const kindOf = (before: unknown, after: unknown): FieldChange["kind"] =>
  before === undefined || before === null ? "added" : after === undefined || after === null ? "removed" : "changed";

/**
 * Field-by-field differences of two records, with microdiff. A change inside a list is shown as the
 * whole list before and after (a list of channels reads better whole than index by index).
 */
export function diffRecords(before: Record<string, unknown> | null, after: Record<string, unknown> | null): FieldChange[] {
  const fields = new Map<string, (string | number)[]>();
  for (const d of diff(before ?? {}, after ?? {})) {
    const cut = d.path.findIndex((key) => typeof key === "number");
    const path = cut === -1 ? d.path : d.path.slice(0, cut);
    if (path.length === 0) continue;
    fields.set(path.join("."), path);
  }
  return [...fields].map(([field, path]) => {
    const b = valueAt(before, path);
    const a = valueAt(after, path);
    return { field, kind: kindOf(b, a), before: b, after: a };
  });
}

const isFieldChange = (value: unknown): value is { before: unknown; after: unknown } =>
  isRecord(value) && "before" in value && "after" in value && Object.keys(value).length === 2;

/**
 * What an audit event's details say changed, in the shapes the server writes:
 * - `changes` as `{ field: { before, after } }` (every typed change event: `policy.update`,
 *   `bot.update`, `identity_settings.update`, `gated_action.update`, `person.update`, ...); a
 *   field holding a record is compared inside it, field by field;
 * - `before` and `after` records (older events; either may be null for a creation or a removal);
 * - `before` and a `changes` patch (older `policy.update` events): the changed keys only;
 * - a `changes` patch alone (older `identity_settings.update`): the new values, the old not recorded;
 * - pairs `xBefore` / `xAfter` (older `person.update` roles, `team.update` name);
 * - `after` alone (a creation, e.g. `system.create`) or `before` alone (a removal, `system.delete`).
 * Null when the details record no values of a change.
 */
export function changeOf(details: Record<string, unknown>): Change | null {
  const { before, after, changes } = details;
  const beforeRecord = isRecord(before) ? before : null;
  const afterRecord = isRecord(after) ? after : null;
  if (isRecord(changes) && Object.keys(changes).length > 0 && Object.values(changes).every(isFieldChange)) {
    const rows = Object.entries(changes).flatMap(([field, change]) => {
      const { before: b, after: a } = change as { before: unknown; after: unknown };
      if (isRecord(b) && isRecord(a))
        return diffRecords(b, a).map((row) => ({ ...row, field: `${field}.${row.field}` }));
      return [{ field, kind: kindOf(b, a), before: b, after: a }];
    });
    return { rows, usedKeys: ["changes"] };
  }
  if ((beforeRecord || before === null) && (afterRecord || after === null) && (beforeRecord || afterRecord))
    // `changes` (the request's patch) says again what the diff shows.
    return { rows: diffRecords(beforeRecord, afterRecord), usedKeys: ["before", "after", ...(isRecord(changes) ? ["changes"] : [])] };
  if (beforeRecord && isRecord(changes)) {
    const keys = Object.keys(changes);
    const pick = (record: Record<string, unknown>) => Object.fromEntries(keys.map((key) => [key, record[key]]));
    return { rows: diffRecords(pick(beforeRecord), pick(changes)), usedKeys: ["before", "changes"] };
  }
  if (isRecord(changes) && Object.keys(changes).length > 0 && before === undefined) {
    return {
      rows: Object.entries(changes).map(([field, value]) => ({ field, kind: "changed" as const, before: undefined, after: value, beforeUnknown: true })),
      usedKeys: ["changes"],
    };
  }
  const pairs = Object.keys(details)
    .filter((key) => key.endsWith("Before") && `${key.slice(0, -"Before".length)}After` in details)
    .map((key) => key.slice(0, -"Before".length));
  if (pairs.length > 0) {
    const rows = pairs.flatMap((field) => {
      const b = details[`${field}Before`];
      const a = details[`${field}After`];
      return JSON.stringify(b) === JSON.stringify(a) ? [] : [{ field, kind: kindOf(b, a), before: b, after: a }];
    });
    return { rows, usedKeys: pairs.flatMap((field) => [`${field}Before`, `${field}After`]) };
  }
  if (afterRecord && before === undefined) return { rows: diffRecords(null, afterRecord), usedKeys: ["after"] };
  if (beforeRecord && after === undefined) return { rows: diffRecords(beforeRecord, null), usedKeys: ["before"] };
  return null;
}

/**
 * The org policy version a change made, and the one it replaced, where recorded: `version:
 * { before, after }` (`policy.update`), `policyVersion` (gated-action changes: the version made),
 * or the older `before.version` / `after.version`.
 */
export function policyVersions(details: Record<string, unknown>): { before: number | null; after: number | null } {
  const num = (value: unknown) => (typeof value === "number" ? value : null);
  if (isRecord(details.version)) return { before: num(details.version.before), after: num(details.version.after) };
  const before = isRecord(details.before) ? num(details.before.version) : null;
  const after = num(details.policyVersion) ?? (isRecord(details.after) ? num(details.after.version) : null);
  return { before, after };
}
