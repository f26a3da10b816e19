import type { TBotInputParsed, TImportFieldChange, TImportRemoval } from "@bridle/contracts";
import { stableJson } from "../../lib/json.ts";

/**
 * Pure helpers of an import's plan: how a file's record lands on a stored bot, and what that
 * changes and takes away. No I/O.
 */

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A file's record laid over the stored bot (input form), before validation: a key the record does
 * not have keeps the stored value, so a file with five columns never erases the other twenty.
 * `runtimeProfile` merges key by key the same way. The stored Golden Rule exception is not carried
 * over: an exception left out of the file stays as it is (writeBot keeps it), one in the file is
 * compared with it by the service. A record that is not an object, or has no stored bot, is
 * returned as it is.
 */
export function mergeOverStored(raw: unknown, stored: TBotInputParsed | undefined): unknown {
  if (!stored || !isPlainObject(raw)) return raw;
  const { exception: _kept, ...base } = stored;
  const profile = raw.runtimeProfile;
  return {
    ...base,
    ...raw,
    runtimeProfile: profile === undefined ? stored.runtimeProfile : isPlainObject(profile) ? { ...stored.runtimeProfile, ...profile } : profile,
  };
}

/**
 * A record without the `approvedBy` / `approvedAt` of its Golden Rule exception: the server
 * records who approved an imported exception and when, so a file's claim is neither stored nor
 * validated (an export's `approvedBy` may be a label such as `cli (sam)`, not an email).
 */
export function withoutFileApproval(raw: unknown): unknown {
  if (!isPlainObject(raw) || !isPlainObject(raw.exception)) return raw;
  const { approvedBy: _by, approvedAt: _at, ...exception } = raw.exception;
  return { ...raw, exception };
}

type Exception = NonNullable<TBotInputParsed["exception"]>;
const iso = (v: string | null | undefined) => (v ? new Date(v).toISOString() : null);

/**
 * What an exception documents, without who approved it and when: those are the server's record
 * (the person who approved or recorded it, and the time), never a file's claim.
 */
export function exceptionContent(e: Exception): string {
  return stableJson({
    status: e.status,
    businessPurpose: e.businessPurpose,
    allowedSystems: [...new Set(e.allowedSystems)].sort(),
    allowedChannels: [...new Set(e.allowedChannels)].sort(),
    dataClassification: e.dataClassification,
    approvalRequirements: e.approvalRequirements,
    expiresAt: iso(e.expiresAt),
  });
}

/** Canonical JSON per field of a bot input, for change detection: dates as ISO instants, sets sorted, defaults applied. */
export function canonical(b: TBotInputParsed, domain: string): Record<string, string> {
  const out: Record<string, unknown> = {
    ...b,
    email: (b.email ?? `${b.name}.bot@${domain}`).toLowerCase(),
    owner: b.owner.toLowerCase(),
    createdAt: iso(b.createdAt),
    lastReviewedAt: iso(b.lastReviewedAt),
    channels: [...new Set(b.channels)].sort(),
    gatedActions: [...new Set(b.gatedActions)].sort(),
    grants: b.grants
      .map((g) => ({ system: g.system, scope: g.scope, access: g.access, expiresAt: iso(g.expiresAt) }))
      .sort((x, y) => `${x.system}${x.scope}`.localeCompare(`${y.system}${y.scope}`)),
    serviceAccounts: [...b.serviceAccounts].sort((x, y) => x.system.localeCompare(y.system)),
    credentialReferences: b.credentialReferences
      .map((c) => ({ system: c.system, reference: c.reference, rotationIntervalDays: c.rotationIntervalDays ?? null, lastRotatedAt: iso(c.lastRotatedAt) }))
      .sort((x, y) => `${x.system}${x.reference}`.localeCompare(`${y.system}${y.reference}`)),
    runtimeProfile: Object.fromEntries(Object.entries(b.runtimeProfile).filter(([, v]) => v !== null && v !== undefined)),
    exception: b.exception ? exceptionContent(b.exception) : b.exception,
  };
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, stableJson(v ?? null)]));
}

/** A date as YYYY-MM-DD when it is midnight UTC, the full instant otherwise. */
const when = (v: string | null | undefined) => {
  const i = iso(v);
  return i && i.endsWith("T00:00:00.000Z") ? i.slice(0, 10) : i;
};
const joined = (items: readonly string[]) => (items.length ? items.join("; ") : null);

/** A grant in the CSV cell notation: `github:issues:write@2026-12-31`, with the access when the scope does not imply it. */
export const grantText = (g: TBotInputParsed["grants"][number]) => {
  const implied = g.scope.split(":").pop() === "read" ? "read" : "write";
  return `${g.scope}${g.access === implied ? "" : ` (${g.access})`}${g.expiresAt ? `@${when(g.expiresAt)}` : ""}`;
};
const referenceText = (c: TBotInputParsed["credentialReferences"][number]) => `${c.system}=${c.reference}`;
const accountText = (s: TBotInputParsed["serviceAccounts"][number]) => `${s.system}=${s.account}`;

function exceptionText(e: Exception | null | undefined): string | null {
  if (!e) return null;
  const parts = [
    e.status,
    `systems ${e.allowedSystems.join(", ") || "none"}`,
    `channels ${e.allowedChannels.join(", ") || "none"}`,
    `data ${e.dataClassification}`,
    e.expiresAt ? `expires ${when(e.expiresAt)}` : "no expiry",
    e.approvedBy ? `approved by ${e.approvedBy}${e.approvedAt ? ` on ${when(e.approvedAt)}` : ""}` : null,
  ];
  return parts.filter(Boolean).join("; ");
}

/** Each field of a bot as the person reading a dry run sees it; runtime profile fields as `runtimeProfile.<key>`. */
function displayed(b: TBotInputParsed, domain: string): Record<string, string | null> {
  const sorted = (items: string[]) => joined([...new Set(items)].sort());
  const out: Record<string, string | null> = {
    name: b.name,
    email: (b.email ?? `${b.name}.bot@${domain}`).toLowerCase(),
    owner: b.owner.toLowerCase(),
    team: b.team,
    purpose: b.purpose,
    environment: b.environment,
    runtime: b.runtime ?? null,
    status: b.status,
    internalDataAccess: b.internalDataAccess,
    channels: sorted(b.channels),
    grants: sorted(b.grants.map(grantText)),
    serviceAccounts: sorted(b.serviceAccounts.map(accountText)),
    credentialReferences: sorted(
      b.credentialReferences.map((c) => {
        const rotation = [
          c.rotationIntervalDays ? `rotated every ${c.rotationIntervalDays} days` : null,
          c.lastRotatedAt ? `last ${when(c.lastRotatedAt)}` : null,
        ].filter(Boolean);
        return `${referenceText(c)}${rotation.length ? ` (${rotation.join(", ")})` : ""}`;
      }),
    ),
    credentialStorage: b.credentialStorage ?? null,
    gatedActions: sorted(b.gatedActions),
    createdAt: when(b.createdAt),
    lastReviewedAt: when(b.lastReviewedAt),
    exception: exceptionText(b.exception),
  };
  for (const [k, v] of Object.entries(b.runtimeProfile))
    out[`runtimeProfile.${k}`] = v === null || v === undefined ? null : Array.isArray(v) ? joined(v as string[]) : String(v);
  return out;
}

/**
 * The fields an import changes on a stored bot, before and after, as text. `changedKeys` are the
 * top-level fields whose canonical forms differ; `runtimeProfile` is split into its changed keys.
 * `fieldName` turns a field path into what the user sees (a CSV column for a CSV upload).
 */
export function fieldChanges(args: {
  before: TBotInputParsed;
  after: TBotInputParsed;
  changedKeys: readonly string[];
  domain: string;
  fieldName: (path: string) => string;
}): TImportFieldChange[] {
  const a = displayed(args.before, args.domain);
  const b = displayed(args.after, args.domain);
  return args.changedKeys.flatMap((key) => {
    if (key !== "runtimeProfile") return [{ field: args.fieldName(key), before: a[key] ?? null, after: b[key] ?? null }];
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k.startsWith("runtimeProfile.")).sort();
    return keys.filter((k) => (a[k] ?? null) !== (b[k] ?? null)).map((k) => ({ field: args.fieldName(k), before: a[k] ?? null, after: b[k] ?? null }));
  });
}

/**
 * Scope the import takes away: grants (by system and scope), channels, credential references (by
 * system and reference) and service accounts (by system and account) that the stored bot has and
 * the imported one does not. A grant whose expiry or access changes is a change, not a removal.
 */
export function scopeRemovals(before: TBotInputParsed, after: TBotInputParsed): TImportRemoval[] {
  const gone = <T>(kind: TImportRemoval["kind"], was: readonly T[], now: readonly T[], key: (x: T) => string, text: (x: T) => string) => {
    const kept = new Set(now.map(key));
    const seen = new Set<string>();
    return was.filter((x) => !kept.has(key(x)) && !seen.has(key(x)) && seen.add(key(x))).map((x) => ({ kind, value: text(x) }));
  };
  return [
    ...gone("grant", before.grants, after.grants, (g) => `${g.system}\u0000${g.scope}`, grantText),
    ...gone("channel", before.channels, after.channels, (c) => c, (c) => c),
    ...gone("credentialReference", before.credentialReferences, after.credentialReferences, (c) => `${c.system}\u0000${c.reference}`, referenceText),
    ...gone("serviceAccount", before.serviceAccounts, after.serviceAccounts, (s) => `${s.system}\u0000${s.account.toLowerCase()}`, accountText),
  ];
}
