import { decryptSecret, encryptSecret } from "../../lib/secret-box.ts";

/** Bound to the ciphertext (AES-GCM additional data): a value from another column cannot be read here. */
const PURPOSE = "notification_settings.webhook_url";

/**
 * What may be shown of a webhook URL: scheme, host and its last 4 characters
 * (`https://hooks.slack.com/…Xy9Z`). A chat webhook's secret is its path; the hint never holds
 * enough of it to post.
 */
export function webhookUrlHint(raw: string): string {
  const url = new URL(raw);
  const rest = `${url.pathname}${url.search}`;
  return `${url.protocol}//${url.host}/…${rest.length > 8 ? rest.slice(-4) : ""}`;
}

export const encryptWebhookUrl = (key: Buffer, url: string) => encryptSecret(key, url, PURPOSE);

/** The stored URL, or why it cannot be read (no secret in the reason). */
export function readWebhookUrl(key: Buffer | undefined, stored: string): { ok: true; url: string } | { ok: false; error: string } {
  if (!key) return { ok: false, error: "the webhook URL is stored encrypted and BRIDLE_ENCRYPTION_KEY is not set" };
  try {
    return { ok: true, url: decryptSecret(key, stored, PURPOSE) };
  } catch (err) {
    return { ok: false, error: `the webhook URL cannot be read: ${(err as Error).message}` };
  }
}
