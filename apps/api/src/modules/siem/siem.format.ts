import type { EventForm, SealedEvent } from "../audit/index.ts";

/**
 * How one audit event reads on the wire: an RFC 5424 syslog message (framed by octet counting,
 * RFC 6587 / RFC 5425) and a Splunk HEC event line. Pure functions, unit-tested against the RFC's
 * grammar (siem.format.test.ts).
 */

/** RFC 5424 facility 13, "log audit". */
const FACILITY_LOG_AUDIT = 13;
/** Severity per outcome: 6 informational (success), 5 notice (failure), 4 warning (denied). */
const SEVERITY: Record<string, number> = { success: 6, failure: 5, denied: 4 };
/**
 * The SD-ID's enterprise number: 32473 is the number RFC 5612 reserves for documentation and
 * examples (RFC 5424's own examples use it). Bridle has no IANA enterprise number of its own;
 * receivers match `bridle@32473` as a name.
 */
export const SD_ID = "bridle@32473";
export const APP_NAME = "bridle";

/** The event's bot, when it is about one: the actor when a bot acted, else `details.botId`. */
export function botOf(e: EventForm): string | null {
  if (e.actorType === "bot") return e.actorId;
  const d = e.details as Record<string, unknown> | null;
  return d && typeof d.botId === "string" ? d.botId : null;
}

/** RFC 5424 PRINTUSASCII (33..126), at most `max` characters, `-` when empty (NILVALUE). */
export function headerField(value: string | null | undefined, max: number): string {
  const clean = (value ?? "").replace(/[^\x21-\x7e]/g, "").slice(0, max);
  return clean || "-";
}

/** A PARAM-VALUE: `"`, `\` and `]` escaped with a backslash (RFC 5424 section 6.3.3). */
export const paramValue = (v: string) => v.replace(/[\\"\]]/g, (c) => `\\${c}`);

/** The event as its SIEM record: the audit event's fields, its chain position and hashes. */
export function eventRecord(s: SealedEvent) {
  return { ...s.event, position: s.position, eventHash: s.eventHash, chainHash: s.chainHash, bot: botOf(s.event) };
}

/**
 * One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`. TIMESTAMP is the
 * event's time (UTC, microseconds); MSGID its type; the structured data names the event id, type,
 * outcome, actor, bot, chain position and chain hash; MSG is the whole record as JSON (UTF-8 with
 * the BOM RFC 5424 asks for).
 */
export function syslogMessage(s: SealedEvent, hostname: string): string {
  const e = s.event;
  const pri = FACILITY_LOG_AUDIT * 8 + (SEVERITY[e.outcome] ?? 5);
  const params: [string, string | number | null][] = [
    ["id", e.id],
    ["position", s.position],
    ["seq", e.seq],
    ["type", e.action],
    ["outcome", e.outcome],
    ["actorType", e.actorType],
    ["actorId", e.actorId],
    ["actor", e.actorLabel],
    ["bot", botOf(e)],
    ["resourceType", e.resourceType],
    ["resourceId", e.resourceId],
    ["sessionId", e.sessionId],
    ["chainHash", s.chainHash],
  ];
  const sd = `[${SD_ID}${params
    .filter(([, v]) => v !== null && v !== "")
    .map(([k, v]) => ` ${k}="${paramValue(String(v))}"`)
    .join("")}]`;
  const header = `<${pri}>1 ${e.at} ${headerField(hostname, 255)} ${APP_NAME} - ${headerField(e.action, 32)}`;
  return `${header} ${sd} \u{feff}${JSON.stringify(eventRecord(s))}`;
}

/** Octet-counting framing (RFC 6587 3.4.1, the only one RFC 5425 allows over TLS): `MSG-LEN SP SYSLOG-MSG`. */
export function octetFrame(message: string): Buffer {
  const body = Buffer.from(message, "utf8");
  return Buffer.concat([Buffer.from(`${body.length} `, "ascii"), body]);
}

/**
 * One line of a Splunk HEC batch (`/services/collector/event`): `time` in epoch seconds with
 * milliseconds (the record's `at` keeps the microseconds), `host`, `source` `bridle`, `sourcetype`
 * `bridle:audit`, and the record as `event`.
 */
export function hecLine(s: SealedEvent, host: string): string {
  return JSON.stringify({ time: Date.parse(s.event.at) / 1000, host, source: "bridle", sourcetype: "bridle:audit", event: eventRecord(s) });
}

/** The test message an admin's "Test" sends (not an audit event: MSGID / sourcetype say so). */
export function syslogTestMessage(hostname: string, at: Date, requestId: string): string {
  return `<${FACILITY_LOG_AUDIT * 8 + 6}>1 ${at.toISOString()} ${headerField(hostname, 255)} ${APP_NAME} - bridle.test [${SD_ID} test="true" requestId="${paramValue(requestId)}"] \u{feff}Bridle SIEM streaming test`;
}

export function hecTestLine(host: string, at: Date, requestId: string): string {
  return JSON.stringify({ time: at.getTime() / 1000, host, source: "bridle", sourcetype: "bridle:test", event: { test: true, requestId, message: "Bridle SIEM streaming test" } });
}
