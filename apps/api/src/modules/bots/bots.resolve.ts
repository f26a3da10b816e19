import type { TBot, TBotInputParsed } from "@bridle/contracts";
import type { Refs, ResolvedBot } from "./bots.repo.ts";

export type FieldError = { field: string; message: string };

const date = (v: string | null | undefined) => (v ? new Date(v) : null);

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
  if (!owner) errors.push({ field: "owner", message: `unknown owner ${input.owner}: no person has this email` });
  const teamId = refs.teams.get(input.team.toLowerCase());
  if (!teamId) errors.push({ field: "team", message: `unknown team ${input.team}` });
  const system = (field: string, key: string) => {
    const id = refs.systems.get(key);
    if (!id) errors.push({ field, message: `unknown connected system ${key}` });
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
      errors.push({ field: `serviceAccounts.${i}.system`, message: `one service account per connected system: ${s.system} appears twice` });
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
