import { describe, expect, it } from "vitest";
import type { SealedEvent } from "../audit/index.ts";
import { backoffMs } from "./siem.deliverer.ts";
import { hecLine, octetFrame, paramValue, SD_ID, syslogMessage, syslogTestMessage } from "./siem.format.ts";

const sealed = (over: Partial<SealedEvent["event"]> = {}): SealedEvent => ({
  position: 42,
  eventHash: "a".repeat(64),
  chainHash: "b".repeat(64),
  event: {
    id: "0b7f0e3e-5a43-4d43-9c7b-6b1a0d1f2e3c",
    seq: 7,
    at: "2026-11-30T09:15:02.123456Z",
    actorType: "bot",
    actorId: "5f1c2b8e-1111-4222-8333-944455556666",
    actorLabel: 'deploy-bot "prod]"',
    action: "runtime.tool_call",
    resourceType: "runtime_event",
    resourceId: "evt-1",
    outcome: "success",
    requestId: "req-1",
    sessionId: "sess-1",
    sourceIp: null,
    userAgent: null,
    details: { tool: "exec", note: "ünïcode ✓" },
    ...over,
  },
});

/**
 * RFC 5424 section 6 grammar, as a regular expression: HEADER (PRI VERSION SP TIMESTAMP SP
 * HOSTNAME SP APP-NAME SP PROCID SP MSGID) SP STRUCTURED-DATA [SP MSG].
 */
const PRINT = "[\\x21-\\x7e]";
const SD_NAME_RE = '[!#-<>-\\\\^-~]{1,32}'; // PRINTUSASCII except '=', ']', '"' and SP
const PARAM_VALUE = '(?:[^"\\\\\\]]|\\\\["\\\\\\]])*';
const SD_ELEMENT = `\\[${SD_NAME_RE}(?: ${SD_NAME_RE}="${PARAM_VALUE}")*\\]`;
const RFC5424 = new RegExp(
  `^<(\\d{1,3})>1 (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,6})?(?:Z|[+-]\\d\\d:\\d\\d)) (${PRINT}{1,255}) (${PRINT}{1,48}) (${PRINT}{1,128}) (${PRINT}{1,32}) ((?:${SD_ELEMENT})+|-)(?: (.*))?$`,
  "s",
);

describe("syslog message (RFC 5424)", () => {
  it("fits the RFC's grammar, with facility log audit and the event's time, type and chain position", () => {
    const msg = syslogMessage(sealed(), "bridle.example.com");
    const m = RFC5424.exec(msg);
    expect(m, msg).not.toBeNull();
    const [, pri, ts, host, app, procid, msgid, sd, body] = m!;
    expect(Number(pri)).toBe(13 * 8 + 6);
    expect(ts).toBe("2026-11-30T09:15:02.123456Z");
    expect([host, app, procid, msgid]).toEqual(["bridle.example.com", "bridle", "-", "runtime.tool_call"]);
    expect(sd).toContain(`[${SD_ID} id="0b7f0e3e-5a43-4d43-9c7b-6b1a0d1f2e3c" position="42" seq="7" type="runtime.tool_call" outcome="success"`);
    expect(sd).toContain(`bot="5f1c2b8e-1111-4222-8333-944455556666"`);
    expect(sd).toContain(`chainHash="${"b".repeat(64)}"`);
    // the actor label's quote and bracket are escaped, so the element still ends where it should
    expect(sd).toContain(`actor="deploy-bot \\"prod\\]\\""`);
    expect(body!.startsWith("\u{feff}")).toBe(true);
    const record = JSON.parse(body!.slice(1)) as Record<string, unknown>;
    expect(record).toMatchObject({ id: "0b7f0e3e-5a43-4d43-9c7b-6b1a0d1f2e3c", position: 42, action: "runtime.tool_call", details: { note: "ünïcode ✓" } });
  });

  it("maps outcomes to severities: denied is a warning, failure a notice", () => {
    expect(syslogMessage(sealed({ outcome: "denied" }), "h").startsWith(`<${13 * 8 + 4}>1 `)).toBe(true);
    expect(syslogMessage(sealed({ outcome: "failure" }), "h").startsWith(`<${13 * 8 + 5}>1 `)).toBe(true);
  });

  it("takes the bot from details.botId when a person acted on a bot, and leaves out empty parameters", () => {
    const msg = syslogMessage(sealed({ actorType: "person", actorId: "p1", details: { botId: "bot-9" }, sessionId: null }), "h");
    expect(msg).toContain(' bot="bot-9"');
    expect(msg).not.toContain("sessionId=");
    expect(RFC5424.test(msg)).toBe(true);
  });

  it("keeps header fields to printable ASCII of their maximum length (NILVALUE when nothing is left)", () => {
    const msg = syslogMessage(sealed({ action: "x".repeat(40) }), "höst name");
    const m = RFC5424.exec(msg)!;
    expect(m[3]).toBe("hstname");
    expect(m[6]).toBe("x".repeat(32));
    expect(RFC5424.exec(syslogMessage(sealed(), "  "))![3]).toBe("-");
  });

  it("escapes the three characters a PARAM-VALUE must escape", () => {
    expect(paramValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
  });

  it("frames by octet count in bytes, not characters (RFC 6587 3.4.1)", () => {
    const msg = syslogMessage(sealed(), "h");
    const frame = octetFrame(msg);
    const space = frame.indexOf(0x20);
    const len = Number(frame.subarray(0, space).toString("ascii"));
    expect(len).toBe(Buffer.byteLength(msg, "utf8"));
    expect(len).toBeGreaterThan(msg.length); // the BOM and the accented letters take more than one byte
    expect(frame.subarray(space + 1).toString("utf8")).toBe(msg);
  });

  it("the test message fits the grammar too", () => {
    expect(RFC5424.test(syslogTestMessage("h", new Date("2026-11-30T09:00:00Z"), "req-1"))).toBe(true);
  });
});

describe("HEC line", () => {
  it("is one JSON object with time in epoch seconds, host, source, sourcetype and the record as event", () => {
    const line = hecLine(sealed(), "bridle.example.com");
    expect(line).not.toContain("\n");
    const j = JSON.parse(line) as { time: number; host: string; source: string; sourcetype: string; event: Record<string, unknown> };
    expect(j.time).toBe(Date.parse("2026-11-30T09:15:02.123Z") / 1000);
    expect([j.host, j.source, j.sourcetype]).toEqual(["bridle.example.com", "bridle", "bridle:audit"]);
    expect(j.event).toMatchObject({ position: 42, id: "0b7f0e3e-5a43-4d43-9c7b-6b1a0d1f2e3c", at: "2026-11-30T09:15:02.123456Z", chainHash: "b".repeat(64) });
  });
});

describe("retry backoff", () => {
  it("doubles per failure from the base, is capped, and jitters between half and all of it", () => {
    expect(backoffMs(1, 1000, 300_000, () => 1)).toBe(1000);
    expect(backoffMs(1, 1000, 300_000, () => 0)).toBe(500);
    expect(backoffMs(4, 1000, 300_000, () => 1)).toBe(8000);
    expect(backoffMs(30, 1000, 300_000, () => 1)).toBe(300_000);
    expect(backoffMs(1000, 1000, 300_000, () => 0)).toBe(150_000);
  });
});
