import { describe, expect, it } from "vitest";
import { stableJson } from "./json.ts";

/** The first implementation, whose output is stored in hashes (a decision's paramsHash): the reference. */
function reference(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === "object" && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : val,
  );
}

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

const KEYS = ["a", "b", "B", "é", "😀", "", "0", "1", "2", "10", "01", "-1", "1.5", "4294967294", "4294967295", "99999999999", "__proto", "z z", '"', "\n"];
function value(r: () => number, depth: number): unknown {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  switch (depth > 3 ? Math.floor(r() * 3) : Math.floor(r() * 5)) {
    case 0:
      return pick(["", "x", "é\u2028", '"q"', "\\", "\u0001", 0, -0, 1.5, 1e21, -7, true, false, null]);
    case 1:
      return pick(KEYS) + pick(KEYS);
    case 2:
      return Math.round(r() * 1000) / 10;
    case 3:
      return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 6) }, () => [pick(KEYS), value(r, depth + 1)]));
  }
}

describe("stableJson", () => {
  it("writes exactly what the first implementation wrote (stored hashes depend on it), for 5,000 random JSON values", () => {
    const r = rng(42);
    for (let i = 0; i < 5000; i++) {
      const v = value(r, 0);
      expect(stableJson(v), JSON.stringify(v)).toBe(reference(v));
    }
  });

  it("sorts keys, array-index keys first in numeric order, and leaves arrays in their order", () => {
    expect(stableJson({ b: 1, a: [3, { d: 1, c: 2 }], 10: "ten", 2: "two" })).toBe('{"2":"two","10":"ten","a":[3,{"c":2,"d":1}],"b":1}');
    expect(stableJson({ when: new Date("2026-01-02T03:04:05.000Z"), gone: undefined })).toBe('{"when":"2026-01-02T03:04:05.000Z"}');
  });
});
