import type {
  TBot,
  TBotInput,
  TDataAccessLevel,
  TEnvironment,
  TGatedAction,
  TGrantAccess,
  TLifecycleStatus,
  TRuntimeProfile,
  TUpdateBotRequest,
} from "@bridle/contracts";

/**
 * The bot form's working state. Text fields hold "" for "not set"; `toBotInput` turns that into
 * the contract's null / omitted values, so the server's zod contract stays the only validator.
 */

let rowCounter = 0;
/** A stable React key for a new editable row (randomUUID needs a secure context). */
export const newRowKey = () => `row-${++rowCounter}`;

export type GrantRow = { key: string; system: string; scope: string; access: TGrantAccess; expiresAt: string };
export type ServiceAccountRow = { key: string; system: string; account: string };

export type RuntimeProfileValues = {
  runtimeOwner: string;
  hostingEnvironment: string;
  workspacePersistence: string;
  networkAccessPolicy: string[];
  allowedTools: string[];
  shellExecutionPolicy: NonNullable<TRuntimeProfile["shellExecutionPolicy"]> | null;
  dataRetention: string;
  deletionProcedure: string;
  incidentResponseOwner: string;
};

export type BotFormValues = {
  name: string;
  email: string;
  owner: string;
  team: string;
  purpose: string;
  environment: TEnvironment;
  status: TLifecycleStatus;
  internalDataAccess: TDataAccessLevel;
  runtime: string;
  channels: string[];
  grants: GrantRow[];
  serviceAccounts: ServiceAccountRow[];
  credentialStorage: string;
  gatedActions: TGatedAction[];
  runtimeProfile: RuntimeProfileValues;
};

export const emptyGrant = (): GrantRow => ({ key: newRowKey(), system: "", scope: "", access: "read", expiresAt: "" });
export const emptyServiceAccount = (): ServiceAccountRow => ({ key: newRowKey(), system: "", account: "" });

const dateOnly = (value: string | null | undefined) => (value ? value.slice(0, 10) : "");

export function toFormValues(bot?: TBot): BotFormValues {
  const profile = bot?.runtimeProfile ?? {};
  return {
    name: bot?.name ?? "",
    email: bot?.email ?? "",
    owner: bot?.owner?.email ?? "",
    team: bot?.team?.slug ?? "",
    purpose: bot?.purpose ?? "",
    environment: bot?.environment ?? "production",
    status: bot?.status ?? "active",
    internalDataAccess: bot?.internalDataAccess ?? "none",
    runtime: bot?.runtime ?? "",
    channels: bot?.channels ?? [],
    grants: (bot?.grants ?? []).map((grant) => ({
      key: newRowKey(),
      system: grant.system,
      scope: grant.scope,
      access: grant.access,
      expiresAt: dateOnly(grant.expiresAt),
    })),
    serviceAccounts: (bot?.serviceAccounts ?? []).map((account) => ({
      key: newRowKey(),
      system: account.system,
      account: account.account,
    })),
    credentialStorage: bot?.credentialStorage ?? "",
    gatedActions: bot?.gatedActions ?? [],
    runtimeProfile: {
      runtimeOwner: profile.runtimeOwner ?? "",
      hostingEnvironment: profile.hostingEnvironment ?? "",
      workspacePersistence: profile.workspacePersistence ?? "",
      networkAccessPolicy: profile.networkAccessPolicy ?? [],
      allowedTools: profile.allowedTools ?? [],
      shellExecutionPolicy: profile.shellExecutionPolicy ?? null,
      dataRetention: profile.dataRetention ?? "",
      deletionProcedure: profile.deletionProcedure ?? "",
      incidentResponseOwner: profile.incidentResponseOwner ?? "",
    },
  };
}

const orNull = (value: string) => (value.trim() === "" ? null : value.trim());
const listOrNull = (values: string[]) => (values.length === 0 ? null : values);

function toRuntimeProfile(values: RuntimeProfileValues): TRuntimeProfile {
  return {
    runtimeOwner: orNull(values.runtimeOwner),
    hostingEnvironment: orNull(values.hostingEnvironment),
    workspacePersistence: orNull(values.workspacePersistence),
    networkAccessPolicy: listOrNull(values.networkAccessPolicy),
    allowedTools: listOrNull(values.allowedTools),
    shellExecutionPolicy: values.shellExecutionPolicy,
    dataRetention: orNull(values.dataRetention),
    deletionProcedure: orNull(values.deletionProcedure),
    incidentResponseOwner: orNull(values.incidentResponseOwner),
  };
}

/**
 * The body of POST /api/v1/bots. An empty email is left out: the server generates `<name>.bot@<domain>`.
 * Credential references are not part of the form: the bot page's "Credential references" section
 * adds and edits them one at a time (so an edit of the bot never touches their status).
 */
export function toBotInput(values: BotFormValues): TBotInput {
  const input: TBotInput = {
    name: values.name.trim(),
    owner: values.owner,
    team: values.team,
    purpose: values.purpose.trim(),
    environment: values.environment,
    runtime: orNull(values.runtime),
    status: values.status,
    internalDataAccess: values.internalDataAccess,
    channels: values.channels,
    grants: values.grants.map((grant) => ({
      system: grant.system,
      scope: grant.scope.trim(),
      access: grant.access,
      expiresAt: grant.expiresAt || null,
    })),
    serviceAccounts: values.serviceAccounts.map((account) => ({ system: account.system, account: account.account.trim() })),
    credentialStorage: orNull(values.credentialStorage),
    gatedActions: values.gatedActions,
    runtimeProfile: toRuntimeProfile(values.runtimeProfile),
  };
  const email = values.email.trim();
  if (email !== "") input.email = email;
  return input;
}

/**
 * The body of PATCH /api/v1/bots/{id}: every field the form edits, plus the version it was loaded
 * at. The owner changes only through a transfer, and the Golden Rule exception and review dates
 * are not edited here, so none of them is sent.
 */
export function toUpdateRequest(values: BotFormValues, version: number): TUpdateBotRequest {
  const { owner: _owner, ...fields } = toBotInput(values);
  return { ...fields, version };
}
