import type { TBot, TBotInputParsed, TFieldErrorCode } from "@bridle/contracts";
import type { Refs, ResolvedBot } from "./bots.repo.ts";

/**
 * A problem with one field of a bot record. `message` may quote the value (`unknown team
 * <slug>`); `echoed` is that value and `withoutValue` the same message without it, so callers can
 * drop the quote when the value looks like a secret (lib/secrets.ts withoutEchoedSecrets).
 */
export type FieldError = { field: string; code: TFieldErrorCode; message: string; echoed?: string; withoutValue?: string };

const date = (v: string | null | undefined) => (v ? new Date(v) : null);

const unknownOwner = (email: string): FieldError => ({
  field: "owner",
  code: "unknown_reference",
  message: `unknown owner ${email}: no person has this email`,
  echoed: email,
  withoutValue: "unknown owner: no person has this email",
});
const unknownTeam = (slug: string): FieldError => ({
  field: "team",
  code: "unknown_reference",
  message: `unknown team ${slug}`,
  echoed: slug,
  withoutValue: "unknown team: no team has this slug",
});
const unknownSystem = (field: string, key: string): FieldError => ({
  field,
  code: "unknown_reference",
  message: `unknown connected system ${key}`,
  echoed: key,
  withoutValue: "unknown connected system",
});

/** The lists of a bot record whose entries name a connected system (`system`). */
const SYSTEM_LISTS = ["grants", "serviceAccounts", "credentialReferences"] as const;

/**
 * The references resolveBotInput checks (owner email, team slug, the system of each grant,
 * service account and credential reference), checked on a raw record that failed validation, so
 * an import reports them together with the validation errors instead of after those are fixed.
 * Only string values are looked up (normalized as the schema would), and a field listed in
 * `skip` (it already has a validation error) is left alone. Pure.
 */
export function rawReferenceErrors(raw: unknown, refs: Refs, skip: ReadonlySet<string> = new Set()): FieldError[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return [];
  const r = raw as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);
  const errors: FieldError[] = [];
  const owner = str(r.owner)?.toLowerCase();
  if (owner && !skip.has("owner") && !refs.people.has(owner)) errors.push(unknownOwner(owner));
  const team = str(r.team);
  if (team && !skip.has("team") && !refs.teams.has(team.toLowerCase())) errors.push(unknownTeam(team));
  for (const list of SYSTEM_LISTS) {
    const items = r[list];
    if (!Array.isArray(items)) continue;
    items.forEach((item: unknown, i) => {
      const field = `${list}.${i}.system`;
      const key = typeof item === "object" && item !== null ? str((item as { system?: unknown }).system)?.toLowerCase() : null;
      if (key && !skip.has(field) && !refs.systems.has(key)) errors.push(unknownSystem(field, key));
    });
  }
  return errors;
}

/**
 * Resolves owner email, team slug and system keys of a validated bot input to ids, and fills the
 * default bot email `<name>.bot@<domain>`. Pure: returns every problem found, not only the first.
 */
export function resolveBotInput(
  input: TBotInputParsed,
  refs: Refs,
  domain: string,
): { ok: true; bot: ResolvedBot } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const owner = refs.people.get(input.owner.toLowerCase());
  if (!owner) errors.push(unknownOwner(input.owner));
  const teamId = refs.teams.get(input.team.toLowerCase());
  if (!teamId) errors.push(unknownTeam(input.team));
  const system = (field: string, key: string) => {
    const id = refs.systems.get(key);
    if (!id) errors.push(unknownSystem(field, key));
    return id ?? "";
  };
  const grants = input.grants.map((g, i) => ({
    systemId: system(`grants.${i}.system`, g.system),
    scope: g.scope,
    access: g.access,
    expiresAt: date(g.expiresAt),
  }));
  const seenSystems = new Set<string>();
  const serviceAccounts = input.serviceAccounts.map((s, i) => {
    if (seenSystems.has(s.system))
      errors.push({ field: `serviceAccounts.${i}.system`, code: "duplicate", message: `one service account per connected system: ${s.system} appears twice` });
    seenSystems.add(s.system);
    return { systemId: system(`serviceAccounts.${i}.system`, s.system), account: s.account };
  });
  const credentialReferences = input.credentialReferences.map((c, i) => ({
    systemId: system(`credentialReferences.${i}.system`, c.system),
    reference: c.reference,
    rotationIntervalDays: c.rotationIntervalDays ?? null,
    lastRotatedAt: date(c.lastRotatedAt),
  }));
  if (errors.length || !owner || !teamId) return { ok: false, errors };
  const e = input.exception;
  return {
    ok: true,
    bot: {
      name: input.name,
      email: (input.email ?? `${input.name}.bot@${domain}`).toLowerCase(),
      ownerId: owner.id,
      teamId,
      purpose: input.purpose,
      environment: input.environment,
      runtime: input.runtime ?? null,
      status: input.status,
      internalDataAccess: input.internalDataAccess,
      channels: [...new Set(input.channels)],
      credentialStorage: input.credentialStorage ?? null,
      gatedActions: [...new Set(input.gatedActions)],
      runtimeProfile: input.runtimeProfile,
      createdAt: date(input.createdAt),
      lastReviewedAt: date(input.lastReviewedAt),
      grants,
      serviceAccounts,
      credentialReferences,
      exception:
        e === undefined
          ? undefined
          : e === null
            ? null
            : {
                status: e.status,
                businessPurpose: e.businessPurpose,
                allowedSystems: e.allowedSystems,
                allowedChannels: e.allowedChannels,
                dataClassification: e.dataClassification,
                approvalRequirements: e.approvalRequirements,
                approvedBy: e.approvedBy ?? null,
                approvedAt: date(e.approvedAt),
                expiresAt: date(e.expiresAt),
              },
    },
  };
}

/** The input form of a stored bot: what export writes and what PATCH merges into. */
export function botToInput(bot: TBot): TBotInputParsed {
  return {
    name: bot.name,
    email: bot.email,
    owner: bot.owner?.email ?? "",
    team: bot.team?.slug ?? "",
    purpose: bot.purpose,
    environment: bot.environment,
    runtime: bot.runtime,
    status: bot.status,
    internalDataAccess: bot.internalDataAccess,
    channels: bot.channels,
    grants: bot.grants.map((g) => ({ system: g.system, scope: g.scope, access: g.access, expiresAt: g.expiresAt })),
    serviceAccounts: bot.serviceAccounts.map((s) => ({ system: s.system, account: s.account })),
    credentialReferences: bot.credentialReferences.map((c) => ({
      system: c.system,
      reference: c.reference,
      rotationIntervalDays: c.rotationIntervalDays,
      lastRotatedAt: c.lastRotatedAt,
    })),
    credentialStorage: bot.credentialStorage,
    gatedActions: bot.gatedActions,
    createdAt: bot.createdAt,
    lastReviewedAt: bot.lastReviewedAt,
    runtimeProfile: bot.runtimeProfile,
    exception: bot.exception
      ? {
          status: bot.exception.status,
          businessPurpose: bot.exception.businessPurpose,
          allowedSystems: bot.exception.allowedSystems,
          allowedChannels: bot.exception.allowedChannels,
          dataClassification: bot.exception.dataClassification,
          approvalRequirements: bot.exception.approvalRequirements,
          approvedBy: bot.exception.approvedBy,
          approvedAt: bot.exception.approvedAt,
          expiresAt: bot.exception.expiresAt,
        }
      : null,
  };
}
