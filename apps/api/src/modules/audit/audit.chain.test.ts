import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { canonicalEvent, eventHash, jcs, linkHash, type EventForm } from "./audit.chain.ts";

/** A small deterministic PRNG (mulberry32), so a failure names a reproducible case. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARS = ["a", "Z", "0", " ", '"', "\\", "/", "\n", "\t", "\u0000", "\u001f", "\u007f", "é", "€", "\u2028", "😀", "\ud834\udd1e", "ß", "ｱ", "\ufeff"];
const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789012345680000, 5e-324, 1.7976931348623157e308, -123.456, 2 ** 53, 333333333.3333333, 4.5, 1e20];

function value(r: () => number, depth: number): unknown {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const str = () => Array.from({ length: Math.floor(r() * 8) }, () => pick(CHARS)).join("");
  const k = depth > 3 ? Math.floor(r() * 4) : Math.floor(r() * 6);
  switch (k) {
    case 0:
      return str();
    case 1:
      return r() < 0.5 ? pick(NUMBERS) : Math.round((r() - 0.5) * 1e6) / (r() < 0.5 ? 1 : 1000);
    case 2:
      return pick([true, false, null]);
    case 3:
      return r() < 0.5 ? "" : 7;
    case 4:
      return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, () => [str(), value(r, depth + 1)]));
  }
}

describe("the audit chain's canonical JSON", () => {
  it("is byte for byte what the reference RFC 8785 implementation (npm canonicalize) writes, for 5,000 random JSON values", () => {
    const r = rng(8785);
    for (let i = 0; i < 5000; i++) {
      const v = value(r, 0);
      expect(jcs(v), JSON.stringify(v)).toBe(canonicalize(v));
    }
  });

  it("writes the RFC 8785 example (sorted keys, ECMAScript numbers, minimal escapes)", () => {
    // the RFC's input, as JSON text (its first number has more digits than a double keeps)
    const example: unknown = JSON.parse(String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`);
    expect(jcs(example)).toBe(String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`);
  });

  it("refuses what JSON cannot hold instead of writing something else", () => {
    expect(() => jcs({ n: Number.NaN })).toThrow();
    expect(() => jcs({ n: Number.POSITIVE_INFINITY })).toThrow();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => jcs(cyclic)).toThrow();
  });

  it("hashes an event and links it as docs/AUDIT.md says (SHA-256 of the canonical form; of the two raw hashes)", () => {
    const e: EventForm = {
      id: "5f0c8a44-6d2e-4c36-9a51-2f6f0c7c1d11",
      seq: 42,
      at: "2026-11-30T10:00:00.123000Z",
      actorType: "bot",
      actorId: "0b7c8a44-6d2e-4c36-9a51-2f6f0c7c1d12",
      actorLabel: "acme-triage-bot",
      action: "decision.allow",
      resourceType: "decision",
      resourceId: "1b7c8a44-6d2e-4c36-9a51-2f6f0c7c1d13",
      outcome: "success",
      requestId: "r-1",
      sessionId: null,
      sourceIp: "127.0.0.1",
      userAgent: null,
      details: { z: 1, a: [{ y: "é", b: null }] },
    };
    const canonical = canonicalEvent(e);
    expect(canonical).toBe(canonicalize(e));
    const sha = (b: Buffer) => createHash("sha256").update(b).digest();
    expect(eventHash(e)).toBe(sha(Buffer.from(canonical, "utf8")).toString("hex"));
    const prev = "ab".repeat(32);
    expect(linkHash(prev, eventHash(e))).toBe(sha(Buffer.concat([Buffer.from(prev, "hex"), Buffer.from(eventHash(e), "hex")])).toString("hex"));
  });
});
