import { z } from "zod";
import { ZCredentialActor, ZCredentialReference, ZPersonRef, ZTeamRef } from "./bots.ts";
import { ZDateInput, ZPageQuery, ZTimestamp, page } from "./common.ts";
import { type ZRotationDueReason } from "./enums.ts";
import { ZSystemKey } from "./policy.ts";
import { VAULT_KINDS, vaultReferenceProblem } from "./vault-reference.ts";

/**
 * Credential references as their own resource (the credentials module, `/bots/{id}/credential-references`,
 * `/credential-rotation`, `/leak-playbooks`). Bridle stores where a secret lives, never the secret.
 */

export const ZVaultKind = z.enum(VAULT_KINDS);

/** A reference stops being "due" and becomes "overdue" this many days after it became due. */
export const ROTATION_OVERDUE_AFTER_DAYS = 7;

/**
 * Where a reference stands on rotation, computed when read: `revoked`; `overdue` (due for more
 * than ROTATION_OVERDUE_AFTER_DAYS days); `due` (marked due, or its interval has passed); `ok`
 * (an interval that has not passed yet); `no_interval` (no rotation interval and not marked due).
 */
export const ROTATION_STATES = ["ok", "no_interval", "due", "overdue", "revoked"] as const;
export const ZRotationState = z.enum(ROTATION_STATES);
export type TRotationState = z.infer<typeof ZRotationState>;

/** One credential reference of a bot, with everything its list and the Rotation page show. */
export const ZCredentialReferenceDetail = ZCredentialReference.extend({
  botId: z.uuid(),
  systemName: z.string(),
  vault: z.object({ kind: ZVaultKind, name: z.string().describe("the vault it names: a 1Password vault, a Vault mount, `<account>/<region>`, a GCP project, an Azure vault, a URI's `<scheme>://<host>`") }),
  serviceAccount: z.string().nullable().describe("the bot's service account on this system, which the credential belongs to; null when none is recorded"),
  owner: ZPersonRef.nullable().describe("who is responsible for it: `ownerIsBotOwner` tells whether that is the bot's owner (the default)"),
  ownerIsBotOwner: z.boolean(),
  lastRotatedBy: ZCredentialActor.nullable(),
  rotationDueAt: ZTimestamp.nullable().describe("when it is (or was) due: the earlier of when it was marked due and its last rotation (or creation) plus its interval"),
  rotationState: ZRotationState,
  /** the open leak playbook on it, if any */
  openLeakPlaybookId: z.uuid().nullable(),
}).meta({ id: "CredentialReferenceDetail" });
export type TCredentialReferenceDetail = z.infer<typeof ZCredentialReferenceDetail>;

export const ZCredentialReferenceList = z.object({ items: z.array(ZCredentialReferenceDetail) }).meta({ id: "CredentialReferenceList" });

const text = (max: number) => z.string().trim().max(max);
const email = z.string().trim().max(320).email();

/** Checks `reference` against the kind in `vault` and puts a problem on the `reference` field. */
function checkKind(v: { vault?: z.infer<typeof ZVaultKind> | undefined; reference?: string | undefined }, ctx: z.RefinementCtx) {
  if (v.vault === undefined || v.reference === undefined) return;
  const problem = vaultReferenceProblem(v.vault, v.reference);
  if (problem) ctx.addIssue({ code: "custom", path: ["reference"], message: problem });
}

const referenceFields = {
  system: ZSystemKey.describe("the connected system the credential opens (its key)"),
  vault: ZVaultKind.describe("the kind of vault that holds it; `reference` is checked against that kind's form"),
  reference: text(500).min(1).describe("where the secret lives (never the secret): `op://...`, `vault:...`, an ARN, `projects/...`, an Azure secret URI, another vault's URI"),
  owner: email.nullable().optional().describe("the responsible person's email; null or absent: the bot's owner"),
  rotationIntervalDays: z.number().int().min(1).max(3650).nullable().optional().describe("rotate every this many days; null: no interval"),
  lastRotatedAt: ZDateInput.nullable().optional().describe("when it was last rotated (not in the future)"),
};

/** `POST /bots/{id}/credential-references`. */
export const ZCreateCredentialReference = z.object(referenceFields).superRefine(checkKind).meta({ id: "CreateCredentialReference" });
export type TCreateCredentialReference = z.infer<typeof ZCreateCredentialReference>;

/** `PATCH /bots/{id}/credential-references/{refId}`: the fields given replace the stored ones; `vault` and `reference` go together. */
export const ZUpdateCredentialReference = z
  .object({
    system: referenceFields.system.optional(),
    vault: referenceFields.vault.optional(),
    reference: referenceFields.reference.optional(),
    owner: referenceFields.owner,
    rotationIntervalDays: referenceFields.rotationIntervalDays,
  })
  .superRefine((v, ctx) => {
    if ((v.vault === undefined) !== (v.reference === undefined))
      ctx.addIssue({ code: "custom", path: [v.vault === undefined ? "vault" : "reference"], message: "send the vault kind and the reference together" });
    checkKind(v, ctx);
  })
  .meta({ id: "UpdateCredentialReference" });
export type TUpdateCredentialReference = z.infer<typeof ZUpdateCredentialReference>;

/** `POST /bots/{id}/credential-references/{refId}/rotations`: "mark rotated". */
export const ZMarkRotated = z
  .object({
    rotatedAt: ZDateInput.optional().describe("when it was rotated in its vault; default now; never in the future"),
    note: text(500).optional(),
  })
  .meta({ id: "MarkRotated" });
export type TMarkRotated = z.infer<typeof ZMarkRotated>;

/** `GET /credential-rotation`: what is due and overdue, with filters. */
export const ZRotationQuery = ZPageQuery.extend({
  state: z.enum(["due", "overdue", "due_or_overdue"]).default("due_or_overdue").describe("`due`: due, not overdue yet; `overdue`; default both"),
  bot: z.uuid().optional(),
  team: z.string().trim().max(100).optional().describe("a team's id or slug"),
  vaultKind: ZVaultKind.optional(),
  vault: z.string().trim().max(300).optional().describe("a vault's name, as `vault.name` shows it"),
});
export type TRotationQuery = z.infer<typeof ZRotationQuery>;

export const ZRotationItem = ZCredentialReferenceDetail.extend({
  bot: z.object({ id: z.uuid(), name: z.string() }),
  team: ZTeamRef.nullable(),
}).meta({ id: "RotationItem" });
export type TRotationItem = z.infer<typeof ZRotationItem>;
export const ZRotationPage = page(ZRotationItem)
  .extend({ counts: z.object({ due: z.number().int(), overdue: z.number().int() }).describe("over every filter but `state`") })
  .meta({ id: "RotationPage" });

// ----- the leak playbook ------------------------------------------------------------------------

/** The four steps, in order: revoke; review recent usage; notify stakeholders; trace how it leaked. */
export const LEAK_PLAYBOOK_STEPS = ["revoke", "review_usage", "notify", "trace"] as const;
export const ZLeakPlaybookStep = z.enum(LEAK_PLAYBOOK_STEPS);
export type TLeakPlaybookStep = z.infer<typeof ZLeakPlaybookStep>;

/** How a credential leaked (the trace step). */
export const LEAK_SOURCES = ["screenshot", "ci_artifact", "chat", "screen_share", "other"] as const;
export const ZLeakSource = z.enum(LEAK_SOURCES);
export type TLeakSource = z.infer<typeof ZLeakSource>;
export const LEAK_SOURCE_LABELS: Record<TLeakSource, string> = {
  screenshot: "Screenshot",
  ci_artifact: "CI artifact or log",
  chat: "Chat message",
  screen_share: "Screen share",
  other: "Other",
};

/** Who a leak playbook notifies (the notify step). */
export const LEAK_STAKEHOLDER_ROLES = ["owner", "credential_owner", "incident_response_owner", "security"] as const;
export const ZLeakStakeholder = z.object({
  role: z.enum(LEAK_STAKEHOLDER_ROLES),
  person: ZPersonRef.nullable().describe("null for `security` (every active person with the role) or an incident response owner who is not a person in Bridle"),
  email: z.string().nullable(),
});

/** A suspected leak is started with a reason (shown in the audit log: never a secret). */
export const ZStartLeakPlaybook = z.object({ reason: text(1000).min(1).describe("why a leak is suspected") }).meta({ id: "StartLeakPlaybook" });

const notes = text(2000).optional();
/** `POST /leak-playbooks/{id}/steps`: complete one step, with its notes. */
export const ZCompleteLeakStep = z
  .discriminatedUnion("step", [
    z.object({ step: z.literal("revoke"), notes }),
    z.object({
      step: z.literal("review_usage"),
      notes,
      from: ZTimestamp.optional().describe("the start of the window reviewed; default the playbook's"),
      to: ZTimestamp.optional().describe("its end; default now"),
    }),
    z.object({ step: z.literal("notify"), notes }),
    z.object({ step: z.literal("trace"), source: ZLeakSource, notes }),
  ])
  .superRefine((v, ctx) => {
    if (v.step === "trace" && v.source === "other" && !v.notes) ctx.addIssue({ code: "custom", path: ["notes"], message: "say how it leaked when the source is Other" });
  })
  .meta({ id: "CompleteLeakStep" });
export type TCompleteLeakStep = z.infer<typeof ZCompleteLeakStep>;

export const ZLeakPlaybookStepState = z.object({
  step: ZLeakPlaybookStep,
  done: z.boolean(),
  doneAt: ZTimestamp.nullable(),
  doneBy: ZCredentialActor.nullable(),
  notes: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).describe("revoke: `references`; review_usage: `from`, `to`; notify: `recipients`; trace: `source`"),
});

export const LEAK_PLAYBOOK_STATUSES = ["open", "closed"] as const;
export const ZLeakPlaybook = z
  .object({
    id: z.uuid(),
    status: z.enum(LEAK_PLAYBOOK_STATUSES),
    bot: z.object({ id: z.uuid(), name: z.string(), status: z.string() }),
    credentialReference: z.object({
      id: z.uuid().nullable().describe("null once the reference was removed"),
      system: z.string(),
      reference: z.string(),
      status: ZCredentialReference.shape.status.nullable(),
    }),
    reason: z.string(),
    startedAt: ZTimestamp,
    startedBy: ZCredentialActor,
    closedAt: ZTimestamp.nullable(),
    usageWindow: z.object({ from: ZTimestamp, to: ZTimestamp.nullable().describe("null while open: until now") }),
    steps: z.array(ZLeakPlaybookStepState).describe("the four steps, in order"),
    stakeholders: z.array(ZLeakStakeholder).describe("who the notify step tells"),
  })
  .meta({ id: "LeakPlaybook" });
export type TLeakPlaybook = z.infer<typeof ZLeakPlaybook>;

export const ZLeakPlaybookSummary = ZLeakPlaybook.pick({ id: true, status: true, bot: true, credentialReference: true, reason: true, startedAt: true, startedBy: true, closedAt: true })
  .extend({ stepsDone: z.number().int() })
  .meta({ id: "LeakPlaybookSummary" });
export const ZLeakPlaybookQuery = ZPageQuery.extend({
  status: z.enum(LEAK_PLAYBOOK_STATUSES).optional(),
  bot: z.uuid().optional(),
});
export const ZLeakPlaybookPage = page(ZLeakPlaybookSummary).meta({ id: "LeakPlaybookPage" });

/** Where the console links a reason code of the rotation: why it became due, in words. */
export const ROTATION_DUE_REASON_LABELS: Record<z.infer<typeof ZRotationDueReason>, string> = {
  interval: "its rotation interval passed",
  owner_changed: "its bot changed owner",
  scope_changed: "its bot's scope changed",
  leak_suspected: "a leak is suspected",
  offboarding: "its bot is being offboarded",
};
