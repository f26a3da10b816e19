import { z } from "zod";

/**
 * What a notification is about. Every reminder and alert Bridle sends goes through the
 * notifications module with one of these kinds; a person chooses their channels per kind.
 */
export const NOTIFICATION_KINDS = [
  "offboarding_case_opened",
  "ownership_transfer_offered",
  "orphan_pause_warning",
  "rotation_due",
  "leak_playbook_started",
  "access_review_assigned",
  "access_review_reminder",
  "skill_review_needed",
  "instruction_review_needed",
  /** a bot's runtime ran a tool without a matching decision, or reported a path it cannot gate */
  "enforcement_gap",
  /** a bot's or team's spend reached 80 % of a budget cap, or the cap (usage module) */
  "budget_threshold",
  "budget_exhausted",
  /** an alert rule fired (alerts module), or a snoozed alert came back */
  "alert",
  /** a person's own "send me a test notification" */
  "test",
] as const;
export const ZNotificationKind = z.enum(NOTIFICATION_KINDS);
export type TNotificationKind = z.infer<typeof ZNotificationKind>;
/** The same type under the name the notify command documents. */
export type NotificationKind = TNotificationKind;

/** How each kind reads in the console (the preferences page, the list). */
export const NOTIFICATION_KIND_LABELS: Record<TNotificationKind, string> = {
  offboarding_case_opened: "Offboarding case opened",
  ownership_transfer_offered: "Bot ownership offered to you",
  orphan_pause_warning: "Orphaned bot about to be paused",
  rotation_due: "Credential rotation due",
  leak_playbook_started: "Suspected credential leak",
  access_review_assigned: "Access review assigned",
  access_review_reminder: "Access review reminder",
  skill_review_needed: "Skill review needed",
  instruction_review_needed: "Instruction review needed",
  enforcement_gap: "Enforcement gap",
  budget_threshold: "Budget 80 % spent",
  budget_exhausted: "Budget spent",
  alert: "Alert",
  test: "Test notification",
};

/** Limits of a notification's text (characters), enforced by the notify command. */
export const NOTIFICATION_TITLE_MAX = 200;
export const NOTIFICATION_BODY_MAX = 4000;

// ---------------------------------------------------------------------------------------------
// The in-console list (GET /api/v1/notifications, mine only)

export const ZNotification = z
  .object({
    id: z.uuid(),
    kind: ZNotificationKind,
    title: z.string(),
    body: z.string(),
    link: z.string().nullable().describe("A console path such as `/bots/<id>`, or null"),
    botId: z.uuid().nullable(),
    redacted: z.boolean().describe("True when something that looked like a secret was cut out (`[redacted]`)"),
    from: z.object({ type: z.enum(["person", "token", "bot", "system"]), label: z.string().nullable() }).describe("Who caused it"),
    readAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "Notification" });
export type TNotification = z.infer<typeof ZNotification>;

export const ZNotificationListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z.string().max(200).optional(),
  unread: z.enum(["true", "false"]).optional().describe("`true`: only unread ones"),
});

export const ZNotificationPage = z
  .object({
    items: z.array(ZNotification),
    nextCursor: z.string().nullable(),
    unread: z.number().int().describe("How many of mine are unread (all, not just this page)"),
  })
  .meta({ id: "NotificationPage" });
export type TNotificationPage = z.infer<typeof ZNotificationPage>;

export const ZUnreadCount = z.object({ unread: z.number().int() });
export const ZMarkedRead = z.object({ marked: z.number().int().describe("How many became read") });

// ---------------------------------------------------------------------------------------------
// A person's channels (GET/PUT /api/v1/notification-preferences)

export const NOTIFICATION_CHANNELS = ["in_console", "email", "webhook"] as const;
export type TNotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** What a person gets with no choice saved: in-console always, email on, webhook off (but see WEBHOOK_ON_BY_DEFAULT). */
export const DEFAULT_CHANNEL_CHOICE = { email: true, webhook: false } as const;
/** Kinds the org's chat webhook carries unless a person turns it off: alerts are for the team's channel. */
export const WEBHOOK_ON_BY_DEFAULT: readonly TNotificationKind[] = ["alert"];
/** A person's channels for a kind when they saved no choice. */
export const defaultChannelChoice = (kind: TNotificationKind) => (WEBHOOK_ON_BY_DEFAULT.includes(kind) ? { email: true, webhook: true } : DEFAULT_CHANNEL_CHOICE);

export const ZKindChannels = z.object({ kind: ZNotificationKind, email: z.boolean(), webhook: z.boolean() });
export type TKindChannels = z.infer<typeof ZKindChannels>;

export const ZChannelState = z.object({
  available: z.boolean().describe("Whether the server can deliver on this channel now"),
  reason: z.string().nullable().describe("Why not, when it cannot"),
});

export const ZNotificationPreferences = z
  .object({
    channels: z.object({ email: ZChannelState.extend({ address: z.string().nullable() }), webhook: ZChannelState }),
    kinds: z.array(ZKindChannels).describe("One entry per kind; in-console is always on"),
  })
  .meta({ id: "NotificationPreferences" });
export type TNotificationPreferences = z.infer<typeof ZNotificationPreferences>;

export const ZUpdateNotificationPreferences = z
  .strictObject({ kinds: z.array(ZKindChannels).min(1).max(NOTIFICATION_KINDS.length) })
  .describe("The kinds to change (others keep their choice)");
export type TUpdateNotificationPreferences = z.infer<typeof ZUpdateNotificationPreferences>;

// ---------------------------------------------------------------------------------------------
// Org settings (admins: `notifications.manage`)

/**
 * Where the org's webhook may point: `https://` with a host; `http://` only to this machine
 * (localhost, 127.0.0.1, [::1]), for a receiver on the same host. No user name or password in
 * the URL (a chat webhook carries its secret in the path). At most 2000 characters.
 * @returns null when acceptable, else why not (a sentence)
 */
export function webhookUrlProblem(raw: string): string | null {
  if (raw.length > 2000) return "is longer than 2000 characters";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a URL";
  }
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) return "must start with https:// (http:// only for localhost)";
  if (!url.hostname) return "needs a host";
  if (url.username || url.password) return "must not hold a user name or password";
  return null;
}

export const ZNotificationSettings = z
  .object({
    email: z.object({
      configured: z.boolean().describe("BRIDLE_SMTP_URL is set"),
      server: z.string().nullable().describe("`smtp(s)://host:port`, without credentials"),
      from: z.string().nullable(),
    }),
    webhook: z.object({
      configured: z.boolean(),
      hint: z.string().nullable().describe("Scheme, host and the last 4 characters; the full URL is never shown again"),
      updatedAt: z.string().nullable(),
      updatedBy: z.string().nullable(),
    }),
    encryptionKeyConfigured: z.boolean().describe("BRIDLE_ENCRYPTION_KEY is set (needed to store a webhook URL)"),
    deliveries: z.record(z.enum(["pending", "sent", "failed", "skipped"]), z.number().int()).describe("Counts by status"),
  })
  .meta({ id: "NotificationSettings" });
export type TNotificationSettings = z.infer<typeof ZNotificationSettings>;

export const ZUpdateNotificationSettings = z.strictObject({
  webhookUrl: z.string().trim().nullable().describe("The new webhook URL, or null to remove it (write-only)"),
});

export const DELIVERY_STATUSES = ["pending", "sent", "failed", "skipped"] as const;
export const ZDeliveryStatus = z.enum(DELIVERY_STATUSES);
export type TDeliveryStatus = z.infer<typeof ZDeliveryStatus>;

export const ZNotificationDelivery = z
  .object({
    id: z.uuid(),
    channel: z.enum(["email", "webhook"]),
    status: ZDeliveryStatus,
    attempts: z.number().int(),
    lastError: z.string().nullable().describe("Why the last attempt failed; never a secret"),
    nextAttemptAt: z.string().nullable().describe("When it is tried again (pending only)"),
    sentAt: z.string().nullable(),
    createdAt: z.string(),
    kind: ZNotificationKind.nullable(),
    title: z.string().nullable(),
    recipient: z.string().nullable().describe("The email address (email); null for a webhook post"),
  })
  .meta({ id: "NotificationDelivery" });
export type TNotificationDelivery = z.infer<typeof ZNotificationDelivery>;

export const ZDeliveryListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  status: ZDeliveryStatus.optional(),
});
export const ZDeliveryPage = z.object({ items: z.array(ZNotificationDelivery), nextCursor: z.string().nullable() }).meta({ id: "NotificationDeliveryPage" });
