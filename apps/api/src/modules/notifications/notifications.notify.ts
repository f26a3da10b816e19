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

/**
 * Each text with every range findSecretRanges reports replaced by `[redacted]`. One scan for all
 * of them (joined by line breaks; a range is cut from each text it overlaps).
 */
type Scanned = { text: string; hit: boolean };
async function redact(texts: readonly string[]): Promise<Scanned[]> {
  const joined = texts.join("\n");
  const ranges = joined.trim() ? await findSecretRanges(joined) : [];
  let offset = 0;
  return texts.map((text) => {
    const start = offset;
    offset += text.length + 1;
    const mine = ranges.filter((r) => r.start < start + text.length && r.end > start).map((r) => ({ start: Math.max(r.start - start, 0), end: Math.min(r.end - start, text.length) }));
    if (!mine.length) return { text, hit: false };
    let out = "";
    let at = 0;
    for (const r of mine) {
      if (r.end <= at) continue; // inside a range already cut
      out += text.slice(at, Math.max(at, r.start)) + REDACTED;
      at = r.end;
    }
    return { text: out + text.slice(at), hit: true };
  });
}

/**
 * Notifies people, inside the caller's transaction: writes one notification per recipient (the
 * in-console list) and queues its deliveries in the outbox (an email per recipient who keeps
 * email on for this kind; one webhook post for the whole call when an org webhook is set and any
 * recipient keeps the webhook on), so they commit with the change that caused them, or not at
 * all. The delivery worker sends them after commit, with retries; notify never waits for a mail
 * server or a webhook, and a failed delivery never fails the caller. Call it from the module that
 * made the change (offboarding, credentials, access reviews, ...); it checks no permission of its
 * own (the caller's command already did) and records no audit event (the caller's event records
 * the change; a notification is its consequence).
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
 * - Cost: one secret scan and two statements (bench/notifications.ts); to notify about many
 *   things at once (one notification per bot of an offboarding), `notifyMany` does it all in the
 *   same one scan and two statements.
 * @param actor who caused it (shown as "from" in the list): the person, token, bot or `SYSTEM_ACTOR`
 * @throws NotifyInputError (a bug in the caller; the transaction should roll back): unknown
 *   `kind`, empty title, `link` not a console path, `botId` not a UUID
 */
export async function notify(tx: DbOrTx, input: NotifyInput, actor: Actor): Promise<NotifyResult> {
  return (await notifyMany(tx, [input], actor))[0]!;
}

/**
 * `notify` for several notifications at once (each its own notice, with its own recipients),
 * in one secret scan and two statements whatever their number. Same rules and errors as `notify`
 * (nothing is written when any input is wrong).
 * @returns one result per input, in order
 */
export async function notifyMany(tx: DbOrTx, inputs: readonly NotifyInput[], actor: Actor): Promise<NotifyResult[]> {
  if (!inputs.length) return [];
  const titles = inputs.map(check);
  // one scan: per input its title, its link and its body
  const scanned = await redact(inputs.flatMap((input, i) => [titles[i]!, input.link ?? "", input.body.trim()]));
  const texts = inputs.map((input, i) => {
    const [title, link, body] = scanned.slice(i * 3, i * 3 + 3) as [Scanned, Scanned, Scanned];
    const redacted = title.hit || body.hit || link.hit;
    return {
      kind: input.kind,
      title: cut(title.text, NOTIFICATION_TITLE_MAX),
      body: redacted ? `${cut(body.text, NOTIFICATION_BODY_MAX - REDACTION_NOTE.length - 2)}\n\n${REDACTION_NOTE}`.trim() : cut(body.text, NOTIFICATION_BODY_MAX),
      link: link.hit || !input.link ? null : input.link,
      botId: input.botId ?? null,
      redacted,
    };
  });

  // one read: every person any input names or reaches through a role, then each input's own
  const everyone = await activePeopleAmong(tx, {
    personIds: inputs.flatMap((i) => i.recipients.personIds ?? []),
    roles: inputs.flatMap((i) => i.recipients.roles ?? []),
  });
  const notices = inputs.map((input, i) => {
    const ids = new Set(input.recipients.personIds ?? []);
    const roles = input.recipients.roles ?? [];
    const recipientIds = everyone.filter((p) => ids.has(p.id) || p.roles.some((r) => roles.includes(r))).map((p) => p.id);
    return { noticeId: randomUUID(), recipientIds, ...texts[i]! };
  });

  // One statement writes the notifications and queues their deliveries (the outbox), which the
  // delivery worker sends after commit, never here: a slow mail server must not hold the
  // caller's transaction, and a failed send must not undo its change.
  const written = await repo.writeNotices(tx, notices, { actorType: actor.type, actorLabel: actor.label });
  return notices.map((n, i) => ({ noticeId: n.noticeId, notificationIds: written[i]!, recipientIds: n.recipientIds, redacted: n.redacted }));
}

/** The input's title, normalized; throws NotifyInputError for what only a caller's bug produces. */
function check(input: NotifyInput): string {
  if (!ZNotificationKind.safeParse(input.kind).success) throw new NotifyInputError(`unknown notification kind ${JSON.stringify(input.kind)}`);
  const title = input.title.replace(/\s+/g, " ").trim();
  if (!title) throw new NotifyInputError("a notification needs a title");
  if (input.link !== undefined && !CONSOLE_PATH.test(input.link)) throw new NotifyInputError("a notification's link is a console path such as /bots/<id>");
  if (input.botId !== undefined && !UUID.test(input.botId)) throw new NotifyInputError("a notification's botId is a bot's id (a UUID)");
  return title;
}
