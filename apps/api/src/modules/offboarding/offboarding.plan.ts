import {
  MANUAL_OFFBOARDING_STEPS,
  OFFBOARD_STEPS,
  TRANSFER_STEPS,
  type TOffboardingPlan,
  type TOffboardingStepKind,
  type TRecordOffboardingStepRequest,
} from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { emit } from "../../lib/domain-events.ts";
import { AppError, fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { recordAudit, type Actor } from "../audit/index.ts";
import { revokeBotTokensOf } from "../bot-tokens/index.ts";
import { assignOwner, lockBotForChange, removeAllAccess, setBotStatus } from "../bots/index.ts";
import { credentialReferencesOf, markRotationDue, revokeCredentialReferencesOf } from "../credentials/index.ts";
import { notify } from "../notifications/index.ts";
import * as repo from "./offboarding.repo.ts";

/**
 * The plans of an offboarding case, step by step, each inside the caller's transaction (a failure
 * rolls it back whole, so every bot is either fully as it was or has every step of its own done).
 * Every step is idempotent: a rerun completes only what is not done.
 */

const isManual = (k: TOffboardingStepKind) => (MANUAL_OFFBOARDING_STEPS as readonly string[]).includes(k);
const stepsOfPlan = (plan: TOffboardingPlan) => (plan === "transfer" ? TRANSFER_STEPS : OFFBOARD_STEPS) as readonly TOffboardingStepKind[];
const otherPlan = (plan: TOffboardingPlan): TOffboardingPlan => (plan === "transfer" ? "offboard" : "transfer");

/** Locks the open case and its bot; the case's steps by kind. @throws 404 no such case, 409 closed */
async function openCaseForChange(tx: DbOrTx, caseId: string) {
  const c = await repo.lockCase(tx, caseId);
  if (!c) throw notFound("Offboarding case");
  if (c.status !== "open") throw new AppError("conflict", `This offboarding case is closed (${c.outcome ?? "closed"})`);
  const bot = await lockBotForChange(tx, c.botId);
  if (!bot) throw notFound("Offboarding case");
  const botName = c.botName;
  const steps = new Map((await repo.stepsOf(tx, [caseId])).map((s) => [s.kind as TOffboardingStepKind, s]));
  return { c, bot, botName, steps };
}

/**
 * Applies IT's plan to one open case (a bulk choice calls it for BULK_CHUNK cases per
 * transaction, collecting the changed bots in `changed` for one `bots.changed`):
 * - `transfer`: offers the bot to `toPersonId` (default: the proposed owner, the former owner's
 *   manager), who is notified (`ownership_transfer_offered`) and accepts it with `acceptTransfer`;
 * - `offboard`: runs every automatic step not done yet (pause, revoke runtime tokens, revoke
 *   credential references, remove grants and channels), each through its owning module's command;
 *   IT then records the manual steps (`recordStep`), and the case closes when all are done.
 * Switching plans is allowed until a step of the other plan (other than the offer) is done.
 * Audit: `offboarding.plan_set` when the plan or new owner changes, `offboarding.steps_done` for
 * what ran, plus each command's own events (`bot_token.revoke`, `credential_reference.revoke`).
 * @throws 404, 409 (closed; the other plan under way), 400 (no new owner, an inactive one, the former owner)
 */
export async function applyPlan(
  tx: DbOrTx,
  input: { caseId: string; plan: TOffboardingPlan; toPersonId?: string | undefined; note?: string | undefined },
  actor: Actor,
  now: Date,
  /** bulk runs: the bots changed and their fields go here, for one `bots.changed` the caller emits, instead of a `bot.changed` per bot */
  changed?: { botIds: string[]; fields: Set<string> },
): Promise<void> {
  const { c, bot, botName, steps } = await openCaseForChange(tx, input.caseId);
  const planBefore = (c.plan as TOffboardingPlan | null) ?? null;
  const otherDone = [...steps.values()].filter((s) => s.status === "done" && stepsOfPlan(otherPlan(input.plan)).includes(s.kind as TOffboardingStepKind) && s.kind !== "offer_transfer");
  if (otherDone.length)
    throw new AppError("conflict", `${botName} is already being ${planBefore === "offboard" ? "offboarded" : "transferred"} (${otherDone.map((s) => s.kind).join(", ")} done); finish that plan`);
  if (steps.size) await repo.cancelPendingSteps(tx, c.id, stepsOfPlan(otherPlan(input.plan)));

  if (input.plan === "transfer") {
    const toId = input.toPersonId ?? c.proposedOwnerId;
    if (!toId) throw invalidFields([fieldError("toPersonId", "required", `choose the new owner of ${botName}: the case proposes nobody`)]);
    const to = await repo.personById(tx, toId);
    if (!to) throw invalidFields([fieldError("toPersonId", "unknown_reference", "no such person")]);
    if (to.status !== "active") throw invalidFields([fieldError("toPersonId", "invalid", `${to.displayName} <${to.email}> is not active; a bot needs an active owner`)]);
    if (to.id === c.formerOwnerId || to.id === bot.ownerId) throw invalidFields([fieldError("toPersonId", "invalid", `${to.displayName} already owns ${botName}`)]);
    const changed = planBefore !== "transfer" || c.transferToId !== to.id;
    if (!changed) return;
    await repo.resetSteps(tx, c.id, ["offer_transfer"]);
    await repo.ensureSteps(tx, c.id, TRANSFER_STEPS.map((kind, position) => ({ kind, position, automatic: !isManual(kind) })));
    await repo.setPlan(tx, c.id, { plan: "transfer", transferToId: to.id, at: now });
    await repo.markStepsDone(tx, c.id, [{ kind: "offer_transfer", note: input.note ?? null, details: { to: to.email } }], actor, now);
    await notify(
      tx,
      {
        recipients: { personIds: [to.id] },
        kind: "ownership_transfer_offered",
        title: `${botName} is offered to you`,
        body: `${actor.label ?? "IT"} offers you the bot ${botName}${input.note ? `: ${input.note}` : ""}.\nOpen the offboarding case to accept it. Once you accept, every credential reference of the bot becomes due for rotation.`,
        link: `/offboarding/${c.id}`,
        botId: c.botId,
      },
      actor,
    );
    await recordAudit(tx, {
      actor,
      action: "offboarding.plan_set",
      resourceType: "bot",
      resourceId: c.botId,
      outcome: "success",
      details: { caseId: c.id, botId: c.botId, bot: botName, plan: "transfer", planBefore, to: to.email, note: input.note ?? null },
    });
    await recordAudit(tx, {
      actor,
      action: "offboarding.steps_done",
      resourceType: "bot",
      resourceId: c.botId,
      outcome: "success",
      details: { caseId: c.id, botId: c.botId, bot: botName, steps: [{ kind: "offer_transfer", note: input.note ?? null, details: { to: to.email } }] },
    });
    return;
  }

  let current = [...steps.values()];
  if (planBefore !== "offboard") {
    current = await repo.ensureSteps(tx, c.id, OFFBOARD_STEPS.map((kind, position) => ({ kind, position, automatic: !isManual(kind) })));
    await repo.setPlan(tx, c.id, { plan: "offboard", transferToId: null, at: now });
    await recordAudit(tx, {
      actor,
      action: "offboarding.plan_set",
      resourceType: "bot",
      resourceId: c.botId,
      outcome: "success",
      details: { caseId: c.id, botId: c.botId, bot: botName, plan: "offboard", planBefore, to: null, note: input.note ?? null },
    });
  }
  const pending = new Set(current.filter((s) => s.status === "pending").map((s) => s.kind as TOffboardingStepKind));
  const reason = `offboarding of ${botName}: ${c.reason}`;
  const done: { kind: TOffboardingStepKind; details: Record<string, unknown> }[] = [];
  const fields: string[] = [];
  if (pending.has("pause")) {
    const before = await setBotStatus(tx, { botId: c.botId, status: "paused", now });
    done.push({ kind: "pause", details: { statusBefore: before } });
    fields.push("status");
  }
  if (pending.has("revoke_tokens")) {
    // No event per token nor per reference: the one bot.changed below refreshes the bot (its
    // tokens and references too) in every replica's snapshot and recomputes its findings, once.
    const tokens = await revokeBotTokensOf(tx, { botId: c.botId, botName, reason, emit: false }, actor);
    done.push({ kind: "revoke_tokens", details: { tokens: tokens.map((t) => ({ name: t.name, prefix: t.prefix })) } });
    if (tokens.length) fields.push("tokens");
  }
  if (pending.has("revoke_credentials")) {
    const refs = await revokeCredentialReferencesOf(tx, { botId: c.botId, reason, emit: false }, actor);
    if (refs.some((r) => r.revokedNow)) fields.push("credentialReferences");
    // Each revoked reference is listed for rotation in its vault (the reference names the vault item).
    done.push({ kind: "revoke_credentials", details: { toRotate: refs.map((r) => ({ system: r.system, reference: r.reference })) } });
  }
  if (pending.has("remove_access")) {
    const { grants: removed, channels } = await removeAllAccess(tx, c.botId);
    done.push({ kind: "remove_access", details: { grants: removed.map((g) => `${g.system} ${g.scope} (${g.access})`), channels } });
    fields.push("grants", "channels");
  }
  if (done.length) {
    await repo.markStepsDone(tx, c.id, done, actor, now);
    if (fields.length && changed) {
      changed.botIds.push(c.botId);
      for (const f of fields) changed.fields.add(f);
    } else if (fields.length) await emit(tx, { type: "bot.changed", botId: c.botId, fields });
    await recordAudit(tx, {
      actor,
      action: "offboarding.steps_done",
      resourceType: "bot",
      resourceId: c.botId,
      outcome: "success",
      details: { caseId: c.id, botId: c.botId, bot: botName, steps: done },
    });
  }
  // Only the manual steps can be left: a rerun after they were recorded finishes the case.
  if (!pending.has("destroy_runtime") && !pending.has("archive_workspace")) await finishIfDone(tx, c.id, c.botId, botName, actor, now);
}

/** Bots per transaction in a bulk run (`applyPlanEach`). */
export const BULK_CHUNK = 25;

/**
 * `applyPlan` for many cases (a person's "offboard all" / "transfer all to ..."): BULK_CHUNK cases
 * per transaction, in turn, with one `bots.changed` per transaction (one findings recompute and one
 * change notice for its bots, not one per bot). A failure rolls back its whole transaction, so
 * every bot is either as it was or has every automatic step of its own done; the first failure
 * stops the run (the bots after it are untouched) and is thrown. Rerunning completes the rest
 * (each step is idempotent).
 */
export async function applyPlanEach(
  db: Db,
  caseIds: readonly string[],
  input: { plan: TOffboardingPlan; toPersonId?: string | undefined; note?: string | undefined },
  actor: Actor,
): Promise<void> {
  for (let i = 0; i < caseIds.length; i += BULK_CHUNK)
    await db.transaction(async (tx) => {
      const now = new Date();
      const changed = { botIds: [] as string[], fields: new Set<string>() };
      for (const caseId of caseIds.slice(i, i + BULK_CHUNK)) await applyPlan(tx, { caseId, ...input }, actor, now, changed);
      if (changed.botIds.length) await emit(tx, { type: "bots.changed", botIds: changed.botIds, fields: [...changed.fields] });
    });
}

/**
 * An offboard case whose every other step is done: marks the bot `offboarded` (the last step) and
 * closes the case `offboarded`. Nothing happens while a step is pending.
 * Audit: `offboarding.steps_done` (mark_offboarded) and `offboarding.case_close`.
 */
async function finishIfDone(tx: DbOrTx, caseId: string, botId: string, botName: string, actor: Actor, now: Date): Promise<boolean> {
  const steps = (await repo.stepsOf(tx, [caseId])).filter((s) => s.status !== "cancelled");
  const mark = steps.find((s) => s.kind === "mark_offboarded");
  if (!mark || mark.status !== "pending") return false;
  if (steps.some((s) => s.kind !== "mark_offboarded" && s.status !== "done")) return false;
  const before = await setBotStatus(tx, { botId, status: "offboarded", now });
  await repo.markStepsDone(tx, caseId, [{ kind: "mark_offboarded", details: { statusBefore: before } }], actor, now);
  await emit(tx, { type: "bot.changed", botId, fields: ["status"] });
  await repo.closeCase(tx, caseId, { outcome: "offboarded", by: actor, at: now });
  await recordAudit(tx, {
    actor,
    action: "offboarding.steps_done",
    resourceType: "bot",
    resourceId: botId,
    outcome: "success",
    details: { caseId, botId, bot: botName, steps: [{ kind: "mark_offboarded", details: { statusBefore: before } }] },
  });
  await recordAudit(tx, { actor, action: "offboarding.case_close", resourceType: "bot", resourceId: botId, outcome: "success", details: { caseId, botId, bot: botName, outcome: "offboarded" } });
  return true;
}

/**
 * IT records a manual step of an offboard case (the runtime destroyed, the workspace archived):
 * who and when are the server's, the note or link IT's. When it was the last step, the bot is
 * marked `offboarded` and the case closes.
 * Audit: `offboarding.steps_done`.
 * @throws 404, 409 (closed; not an offboard case; the step is done already)
 */
export async function recordStep(
  tx: DbOrTx,
  input: { caseId: string; kind: "destroy_runtime" | "archive_workspace" } & TRecordOffboardingStepRequest,
  actor: Actor,
  now: Date,
): Promise<void> {
  const { c, botName, steps } = await openCaseForChange(tx, input.caseId);
  if (c.plan !== "offboard") throw new AppError("conflict", `${botName} is not being offboarded; choose the offboard plan first`);
  const step = steps.get(input.kind);
  if (!step || step.status === "cancelled") throw notFound("Offboarding step");
  if (step.status === "done") throw new AppError("conflict", `This step was already recorded by ${step.doneByLabel ?? "someone"} at ${step.doneAt?.toISOString()}`);
  const s = { kind: input.kind, note: input.note ?? null, link: input.link ?? null };
  await repo.markStepsDone(tx, c.id, [s], actor, now);
  await recordAudit(tx, { actor, action: "offboarding.steps_done", resourceType: "bot", resourceId: c.botId, outcome: "success", details: { caseId: c.id, botId: c.botId, bot: botName, steps: [s] } });
  await finishIfDone(tx, c.id, c.botId, botName, actor, now);
}

/**
 * The new owner accepts a transfer (only the person IT chose): the bot becomes theirs
 * (`bot.owner_changed`, so the credentials subscriber makes every credential reference due for
 * rotation and notifies, findings and decisions follow), a bot the orphan job paused is resumed,
 * and the case closes `transferred`.
 * Audit: `offboarding.transfer_accept`, `bot.ownership_transferred`, `offboarding.steps_done`, `offboarding.case_close`.
 * @throws 404, 409 (closed; not a transfer; no longer waiting), 403 when `actor` is not the chosen owner
 */
export async function acceptTransfer(tx: DbOrTx, input: { caseId: string; personId: string }, actor: Actor, now: Date): Promise<void> {
  const { c, bot, botName, steps } = await openCaseForChange(tx, input.caseId);
  if (c.plan !== "transfer" || steps.get("accept_transfer")?.status !== "pending") throw new AppError("conflict", `${botName} is not waiting for a new owner to accept it`);
  if (c.transferToId !== input.personId) throw new AppError("forbidden", "Only the person this bot was offered to may accept it");
  const [before] = await repo.botsWithOwners(tx, [c.botId]);
  await assignOwner(tx, c.botId, input.personId);
  await emit(tx, { type: "bot.owner_changed", botId: c.botId, fromOwnerId: bot.ownerId, toOwnerId: input.personId });
  // The subscriber marked them due already; this covers a reference it did not (idempotent).
  await markRotationDue(tx, { botIds: [c.botId], reason: "owner_changed" }, actor);
  const due = (await credentialReferencesOf(tx, c.botId)).filter((r) => r.status === "rotation_due");
  if (c.orphanPausedAt && bot.status === "paused") {
    await setBotStatus(tx, { botId: c.botId, status: "active", now });
    await emit(tx, { type: "bot.changed", botId: c.botId, fields: ["status"] });
  }
  const done = [
    { kind: "accept_transfer" as const, details: {} },
    { kind: "rotation_due" as const, details: { references: due.map((r) => ({ system: r.system, reference: r.reference })) } },
  ];
  await repo.markStepsDone(tx, c.id, done.slice(0, 1), actor, now);
  await repo.markStepsDone(tx, c.id, done.slice(1), actor, now);
  await repo.closeCase(tx, c.id, { outcome: "transferred", by: actor, at: now });
  const base = { resourceType: "bot", resourceId: c.botId, outcome: "success" as const };
  await recordAudit(tx, {
    actor,
    action: "offboarding.transfer_accept",
    ...base,
    details: { caseId: c.id, botId: c.botId, bot: botName, from: before?.ownerEmail ?? null, to: actor.label ?? input.personId, rotationDue: due.length },
  });
  await recordAudit(tx, {
    actor,
    action: "bot.ownership_transferred",
    ...base,
    details: { name: botName, from: before?.ownerEmail ?? null, fromStatus: before?.ownerStatus ?? null, to: actor.label ?? input.personId, direct: false, note: `offboarding case: ${c.reason}` },
  });
  await recordAudit(tx, { actor, action: "offboarding.steps_done", ...base, details: { caseId: c.id, botId: c.botId, bot: botName, steps: done } });
  await recordAudit(tx, { actor, action: "offboarding.case_close", ...base, details: { caseId: c.id, botId: c.botId, bot: botName, outcome: "transferred" } });
}
