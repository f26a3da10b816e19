import { randomUUID } from "node:crypto";
import { NOTIFICATION_BODY_MAX, NOTIFICATION_TITLE_MAX, ZNotificationKind, type NotificationKind, type TRole } from "@bridle/contracts";
import type { DbOrTx } from "@bridle/db";
import { findSecretRanges } from "../../lib/secrets.ts";
import type { Actor } from "../audit/index.ts";
import { activePeopleAmong } from "../people/index.ts";
import * as repo from "./notifications.repo.ts";

/** Who a notification goes to: these people, and everyone holding one of these roles (active people only, each once). */
export type NotifyRecipients = { personIds?: readonly string[]; roles?: readonly TRole[] };

export type NotifyInput = {
  recipients: NotifyRecipients;
  kind: NotificationKind;
  /** one line; whitespace runs become one space; cut to NOTIFICATION_TITLE_MAX characters */
  title: string;
  /** plain text; cut to NOTIFICATION_BODY_MAX characters */
  body: string;
  /** a console path such as `/bots/<id>` (starts with one `/`, no scheme or host, at most 500 characters) */
  link?: string;
  /** the bot it is about, when there is one */
  botId?: string;
};

export type NotifyResult = {
  /** shared by the rows of this call */
  noticeId: string;
  /** one per recipient, in the order of `recipientIds` */
  notificationIds: string[];
  /** the active people it reached, ordered by email; [] when nobody matched */
  recipientIds: string[];
  /** true when something that looked like a secret was cut out of the title, body or link */
  redacted: boolean;
};

/** A notify call its caller got wrong (a bug, not bad user input): unknown kind, a link that is not a console path, an empty title. */
export class NotifyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotifyInputError";
  }
}

const CONSOLE_PATH = /^\/(?![/\\])[^\s]{0,499}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REDACTED = "[redacted]";
/** Appended to the body of a notification a secret was cut out of. */
export const REDACTION_NOTE = "Bridle removed something from this notification that looked like a secret.";

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** `text` with every range findSecretRanges reports replaced by `[redacted]`. */
async function redact(text: string): Promise<{ text: string; hit: boolean }> {
  if (!text) return { text, hit: false };
  const ranges = await findSecretRanges(text);
  if (!ranges.length) return { text, hit: false };
  let out = "";
  let at = 0;
  for (const r of ranges) {
    if (r.end <= at) continue; // inside a range already cut
    out += text.slice(at, Math.max(at, r.start)) + REDACTED;
    at = r.end;
  }
  return { text: out + text.slice(at), hit: true };
}

/**
 * Notifies people, inside the caller's transaction: writes one notification per recipient (the
 * in-console list), so they commit with the change that caused them, or not at all. Call it
 * from the module that made the change (offboarding, credentials, access reviews, ...); it checks
 * no permission of its own (the caller's command already did) and records no audit event (the
 * caller's event records the change; a notification is its consequence).
 *
 * - Recipients: `personIds` and the holders of any of `roles`, resolved through the people
 *   module to ACTIVE people only, each once. Unknown or deactivated ids are skipped silently (a
 *   person who left is told nothing); nobody matching is not an error (`recipientIds: []`).
 * - No secret is ever stored: title, body and link are scanned with `lib/secrets.ts`
 *   (secretlint's recommended rules); each hit is replaced by `[redacted]` (a link with a hit is
 *   dropped) and REDACTION_NOTE is appended to the body (`redacted: true`).
 * - Title: whitespace runs become one space; title and body are cut (ending `…`) to
 *   NOTIFICATION_TITLE_MAX / NOTIFICATION_BODY_MAX characters rather than refused, so a long
 *   bot name never fails the caller's change.
 * @param actor who caused it (shown as "from" in the list): the person, token, bot or `SYSTEM_ACTOR`
 * @throws NotifyInputError (a bug in the caller; the transaction should roll back): unknown
 *   `kind`, empty title, `link` not a console path, `botId` not a UUID
 */
export async function notify(tx: DbOrTx, input: NotifyInput, actor: Actor): Promise<NotifyResult> {
  if (!ZNotificationKind.safeParse(input.kind).success) throw new NotifyInputError(`unknown notification kind ${JSON.stringify(input.kind)}`);
  const title0 = input.title.replace(/\s+/g, " ").trim();
  if (!title0) throw new NotifyInputError("a notification needs a title");
  if (input.link !== undefined && !CONSOLE_PATH.test(input.link)) throw new NotifyInputError("a notification's link is a console path such as /bots/<id>");
  if (input.botId !== undefined && !UUID.test(input.botId)) throw new NotifyInputError("a notification's botId is a bot's id (a UUID)");

  const [title, body, link] = await Promise.all([redact(title0), redact(input.body.trim()), redact(input.link ?? "")]);
  const redacted = title.hit || body.hit || link.hit;
  const bodyText = redacted ? `${cut(body.text, NOTIFICATION_BODY_MAX - REDACTION_NOTE.length - 2)}\n\n${REDACTION_NOTE}`.trim() : cut(body.text, NOTIFICATION_BODY_MAX);

  const noticeId = randomUUID();
  const people = await activePeopleAmong(tx, input.recipients);
  if (!people.length) return { noticeId, notificationIds: [], recipientIds: [], redacted };
  const ids = await repo.insertNotifications(
    tx,
    people.map((p) => ({
      noticeId,
      recipientId: p.id,
      kind: input.kind,
      title: cut(title.text, NOTIFICATION_TITLE_MAX),
      body: bodyText,
      link: link.hit || !input.link ? null : input.link,
      botId: input.botId ?? null,
      redacted,
      actorType: actor.type,
      actorLabel: actor.label,
    })),
  );
  return { noticeId, notificationIds: ids, recipientIds: people.map((p) => p.id), redacted };
}
