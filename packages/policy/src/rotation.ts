import { ROTATION_DUE_REASON_LABELS, ROTATION_OVERDUE_AFTER_DAYS, type TCredentialStatus, type TFinding, type TRotationDueReason, type TRotationState } from "@bridle/contracts";
import { makeFinding } from "./catalog.ts";
import type { BotFacts } from "./types.ts";
import { DAY_MS, isoDate } from "./util.ts";

/** What the rotation rules read of a credential reference. */
export type CredentialRotationFacts = {
  id: string;
  system: string;
  reference: string;
  status: TCredentialStatus;
  rotationIntervalDays: number | null;
  lastRotatedAt: Date | null;
  createdAt: Date;
  rotationDueSince: Date | null;
  rotationDueReason: TRotationDueReason | null;
};

/** When the interval makes it due: its last rotation (or, never rotated, its creation) plus the interval; null without one. */
export function intervalDueAt(ref: Pick<CredentialRotationFacts, "rotationIntervalDays" | "lastRotatedAt" | "createdAt">): Date | null {
  if (!ref.rotationIntervalDays) return null;
  return new Date((ref.lastRotatedAt ?? ref.createdAt).getTime() + ref.rotationIntervalDays * DAY_MS);
}

/**
 * When the reference is (or was) due for rotation: the earlier of when it was marked due and when
 * its interval passes; null for a revoked one, or one with neither.
 */
export function rotationDueAt(ref: Omit<CredentialRotationFacts, "id" | "system" | "reference" | "rotationDueReason">): Date | null {
  if (ref.status === "revoked") return null;
  const byInterval = intervalDueAt(ref);
  const marked = ref.status === "rotation_due" ? ref.rotationDueSince : null;
  if (byInterval && marked) return byInterval < marked ? byInterval : marked;
  return byInterval ?? marked;
}

/**
 * Where the reference stands at `now` (the contracts' ROTATION_STATES): `overdue` more than
 * ROTATION_OVERDUE_AFTER_DAYS days after it became due, `due` from then, else `ok` (an interval
 * not passed yet) or `no_interval`.
 */
export function rotationState(ref: Omit<CredentialRotationFacts, "id" | "system" | "reference" | "rotationDueReason">, now: Date): TRotationState {
  if (ref.status === "revoked") return "revoked";
  const due = rotationDueAt(ref);
  if (!due) return "no_interval";
  const late = now.getTime() - due.getTime();
  if (late < 0) return "ok";
  return late > ROTATION_OVERDUE_AFTER_DAYS * DAY_MS ? "overdue" : "due";
}

/** Why it is due, in words: the reason it was marked due, or its interval. */
function whyDue(ref: CredentialRotationFacts, due: Date): string {
  const byInterval = intervalDueAt(ref);
  if (ref.status === "rotation_due" && ref.rotationDueReason && !(byInterval && byInterval.getTime() === due.getTime()))
    return ROTATION_DUE_REASON_LABELS[ref.rotationDueReason];
  const last = ref.lastRotatedAt ? `last rotated on ${isoDate(ref.lastRotatedAt)}` : `never rotated since it was added on ${isoDate(ref.createdAt)}`;
  return `it is rotated every ${ref.rotationIntervalDays} days and was ${last}`;
}

/**
 * BR-CREDENTIAL-ROTATION: one finding per credential reference of the bot that is due or overdue
 * for rotation at `now` (revoked references are not: they are to be rotated and are never used
 * again). Bots that are not running or resumable (proposed, offboarding, offboarded) are skipped:
 * offboarding revokes their references.
 */
export function checkCredentialRotation(bot: Pick<BotFacts, "status" | "credentialReferences">, now: Date): TFinding[] {
  if (bot.status !== "active" && bot.status !== "paused") return [];
  const out: TFinding[] = [];
  for (const ref of bot.credentialReferences) {
    const state = rotationState(ref, now);
    if (state !== "due" && state !== "overdue") continue;
    const due = rotationDueAt(ref)!;
    const days = Math.floor((now.getTime() - due.getTime()) / DAY_MS);
    const since = days === 0 ? "today" : days === 1 ? "for 1 day" : `for ${days} days`;
    out.push(
      makeFinding(
        "credential_rotation_due",
        `The ${ref.system} credential ${ref.reference} has been due for rotation ${since} (since ${isoDate(due)}): ${whyDue(ref, due)}.`,
        { credentialReferenceId: ref.id, system: ref.system, reference: ref.reference, dueAt: due.toISOString(), state, reason: ref.status === "rotation_due" ? ref.rotationDueReason : "interval" },
        `Rotate the secret in its vault, then mark the credential reference rotated on the bot's page.`,
      ),
    );
  }
  return out;
}
