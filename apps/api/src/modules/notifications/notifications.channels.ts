import { NOTIFICATION_KIND_LABELS, type TNotificationKind } from "@bridle/contracts";
import nodemailer, { type Transporter } from "nodemailer";
import { findSecretRanges } from "../../lib/secrets.ts";

/**
 * The two outside channels: email over SMTP (nodemailer) and a Slack-compatible webhook (JSON
 * `{ text, blocks }` over HTTPS). Each send answers `ok`, or a failure that says whether trying
 * again may help and why it failed, in words that never hold a secret (the SMTP password, the
 * webhook URL, or anything that looks like a secret).
 */
export type SendResult = { ok: true } | { ok: false; retry: boolean; error: string };

/** The text a message carries, as stored (already scanned for secrets by notify). */
export type MessageText = { kind: string; title: string; body: string; link: string | null };

const MAX_ERROR = 500;

/**
 * An error message safe to store and show: `secrets` (the SMTP URL and its credentials, the
 * webhook URL) replaced, anything else that looks like a secret replaced, cut to 500 characters.
 */
export async function safeError(message: string, secrets: readonly (string | null | undefined)[]): Promise<string> {
  let text = message.replace(/\s+/g, " ").trim() || "unknown error";
  for (const s of secrets) if (s && s.length >= 3) text = text.split(s).join("[redacted]");
  const ranges = await findSecretRanges(text);
  for (const r of [...ranges].reverse()) text = `${text.slice(0, r.start)}[redacted]${text.slice(r.end)}`;
  return text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR - 1)}…` : text;
}

/** An absolute console URL for a link, when Bridle knows its public address. */
const consoleUrl = (publicUrl: string | undefined, link: string | null) => (link && publicUrl ? `${publicUrl}${link}` : null);
const kindLabel = (kind: string) => NOTIFICATION_KIND_LABELS[kind as TNotificationKind] ?? kind;

// ---------------------------------------------------------------------------------------------
// Email

export type Mailer = {
  /** `smtp(s)://host:port`, without credentials (shown to admins) */
  server: string;
  from: string;
  send: (to: { address: string; name: string }, m: MessageText) => Promise<SendResult>;
  close: () => void;
};

/** The SMTP server of BRIDLE_SMTP_URL without its user name and password. */
export function smtpServerOf(smtpUrl: string): string {
  const u = new URL(smtpUrl);
  return `${u.protocol}//${u.host}`;
}

/** The email for one notification: subject `[Bridle] <title>`, a plain-text body with the console link. */
export function emailMessage(m: MessageText, publicUrl: string | undefined) {
  const url = consoleUrl(publicUrl, m.link);
  const lines = [m.body];
  if (url) lines.push("", `Open in Bridle: ${url}`);
  else if (m.link) lines.push("", `In the Bridle console: ${m.link}`);
  lines.push(
    "",
    "--",
    `${kindLabel(m.kind)}. You get this by email because you keep email on for it;`,
    publicUrl ? `choose your channels at ${publicUrl}/notifications/preferences` : "choose your channels in the Bridle console, Notifications > Preferences.",
  );
  return { subject: `[Bridle] ${m.title}`, text: lines.join("\n").trim() };
}

/**
 * A mailer on BRIDLE_SMTP_URL (`smtp://user:pass@host:port`: STARTTLS when the server offers it;
 * `smtps://`: TLS from the start), sending from BRIDLE_MAIL_FROM over up to 5 pooled connections
 * (about twice the rate of one connection per mail: bench/notifications.ts). Connection, greeting
 * and socket timeouts keep one slow server from holding the worker. Retry: 4xx replies and connection
 * problems; not: 5xx replies (a refused address, failed authentication: an admin must act).
 */
export function createMailer(opts: { smtpUrl: string; from: string; publicUrl: string | undefined }): Mailer {
  const u = new URL(opts.smtpUrl);
  const secrets = [opts.smtpUrl, decodeURIComponent(u.password), u.password];
  const transport: Transporter = nodemailer.createTransport({ url: opts.smtpUrl, pool: true, maxConnections: 5, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    server: smtpServerOf(opts.smtpUrl),
    from: opts.from,
    async send(to, m) {
      const message = emailMessage(m, opts.publicUrl);
      try {
        await transport.sendMail({ from: opts.from, to: { address: to.address, name: to.name }, subject: message.subject, text: message.text });
        return { ok: true };
      } catch (err) {
        const e = err as { responseCode?: number; code?: string; message?: string };
        const permanent = typeof e.responseCode === "number" && e.responseCode >= 500;
        const what = [e.responseCode ? `SMTP ${e.responseCode}` : null, e.code ?? null].filter(Boolean).join(" ");
        return { ok: false, retry: !permanent, error: await safeError(`${what ? `${what}: ` : ""}${e.message ?? String(err)}`, secrets) };
      }
    },
    close: () => transport.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Webhook

/** Slack's mrkdwn needs &, < and > escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
const mrkdwn = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/**
 * Console paths on their own in a body (an alert's evidence: `/audit/<id>`, `/bots/<id>/sessions/<sid>`)
 * become links (`<url|path>`) when Bridle knows its public URL.
 */
const linkPaths = (text: string, publicUrl: string | undefined) =>
  publicUrl ? text.replace(/(^|\s)(\/(?:audit|bots|alerts)\/[^\s<>|]+)/g, (_m, pre: string, path: string) => `${pre}<${publicUrl}${path}|${path}>`) : text;

/**
 * The JSON a Slack incoming webhook takes (and Mattermost, Rocket.Chat, Teams workflows' Slack
 * format): `text` (the fallback for notifications) and `blocks`: the title and body, who it was
 * for and its kind, and a button to the console when Bridle knows its public URL.
 */
export function webhookPayload(m: MessageText & { recipients: readonly string[] }, publicUrl: string | undefined) {
  const url = consoleUrl(publicUrl, m.link);
  const who = m.recipients.length > 5 ? `${m.recipients.slice(0, 5).join(", ")} and ${m.recipients.length - 5} more` : m.recipients.join(", ");
  const blocks: Record<string, unknown>[] = [
    { type: "section", text: { type: "mrkdwn", text: cut(m.body ? `*${mrkdwn(m.title)}*\n${linkPaths(mrkdwn(m.body), publicUrl)}` : `*${mrkdwn(m.title)}*`, 3000) } },
    { type: "context", elements: [{ type: "mrkdwn", text: cut(mrkdwn(`${kindLabel(m.kind)} · for ${who} · Bridle`), 3000) }] },
  ];
  if (url) blocks.push({ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open in Bridle" }, url }] });
  else if (m.link) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: mrkdwn(`In the Bridle console: ${m.link}`) }] });
  return { text: cut(m.body ? `${m.title}\n${m.body}` : m.title, 3000), blocks };
}

/**
 * POSTs the payload as JSON, 10 s at most, following no redirect (a redirect could carry the
 * post somewhere the admin never set). 2xx is delivered. Retry: network errors, timeouts, 5xx,
 * 408 and 429; not: other answers (404/410: a revoked webhook; 3xx; 400).
 */
export async function postWebhook(url: string, payload: unknown): Promise<SendResult> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Bridle-Notifications" },
      body: JSON.stringify(payload),
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
    await res.body?.cancel().catch(() => {});
    if (res.ok) return { ok: true };
    const retry = res.status >= 500 || res.status === 408 || res.status === 429;
    return { ok: false, retry, error: `the webhook answered HTTP ${res.status}${res.status >= 300 && res.status < 400 ? " (redirects are not followed)" : ""}` };
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    const why = e.name === "TimeoutError" ? "no answer within 10 s" : (e.cause?.code ?? e.name ?? "network error");
    return { ok: false, retry: true, error: await safeError(`the webhook could not be reached: ${why}`, [url]) };
  }
}
