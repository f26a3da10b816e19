import { GATED_PARAMS_MAX_BYTES, redactionMarker, type ZGatedActionPayload } from "@bridle/contracts";
import type { z } from "zod";
import { stableJson } from "../../lib/json.ts";
import { findSecretRanges, type SecretRange } from "../../lib/secrets.ts";

type Redaction = z.output<typeof ZGatedActionPayload>["paramsRedacted"][number];

/** What the approver is shown of a gated action's parameters (the ZGatedActionPayload fields). */
export type ShownParams = {
  params: unknown;
  paramsText: string;
  paramsRedacted: Redaction[];
  command: string | null;
  paramsSummary: string | null;
};

export type PreparedParams = { ok: true; shown: ShownParams } | { ok: false; bytes: number };

const pointer = (parts: readonly string[]) => parts.map((p) => `/${p.replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");

/** Cuts `ranges` (sorted by start) out of `text`, each replaced by the marker naming its rule. */
function cut(text: string, ranges: readonly SecretRange[]): { text: string; rules: string[] } {
  let out = "";
  let at = 0;
  const rules: string[] = [];
  for (const r of ranges) {
    if (r.end <= at) continue; // inside a range already cut
    out += text.slice(at, Math.max(at, r.start)) + redactionMarker(r.rule);
    at = r.end;
    if (!rules.includes(r.rule)) rules.push(r.rule);
  }
  return { text: out + text.slice(at), rules };
}

/**
 * Replaces every secret the scanner (secretlint, lib/secrets.ts) finds in any string of `value`,
 * object keys included, with `[redacted: <rule>]`: only the matched range, so the rest of a
 * command line stays readable. All strings are scanned in one pass: they are laid out one after
 * another, separated by a newline, and each hit is cut out of every string it overlaps.
 */
export async function redactSecrets(value: unknown): Promise<{ value: unknown; redactions: Redaction[] }> {
  const strings: { path: string[]; isKey: boolean; text: string; start: number }[] = [];
  let offset = 0;
  const visit = (v: unknown, path: string[]) => {
    const add = (text: string, isKey: boolean) => {
      strings.push({ path, isKey, text, start: offset });
      offset += text.length + 1;
    };
    if (typeof v === "string") add(v, false);
    else if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, String(i)]));
    else if (v !== null && typeof v === "object")
      for (const [k, x] of Object.entries(v)) {
        strings.push({ path: [...path, k], isKey: true, text: k, start: offset });
        offset += k.length + 1;
        visit(x, [...path, k]);
      }
  };
  visit(value, []);
  if (strings.length === 0) return { value, redactions: [] };
  const hits = await findSecretRanges(strings.map((s) => s.text).join("\n"));
  if (hits.length === 0) return { value, redactions: [] };

  // Per string (keyed by path and whether it is the key), its hits in its own coordinates.
  const cuts = new Map<string, { text: string; rules: string[] }>();
  for (const s of strings) {
    const end = s.start + s.text.length;
    const mine = hits
      .filter((h) => h.start < end && h.end > s.start)
      .map((h) => ({ ...h, start: Math.max(0, h.start - s.start), end: Math.min(s.text.length, h.end - s.start) }));
    if (mine.length > 0) cuts.set(`${s.isKey ? "k" : "v"}${pointer(s.path)}`, cut(s.text, mine));
  }

  const redactions: Redaction[] = [];
  const rebuild = (v: unknown, path: string[]): unknown => {
    if (typeof v === "string") {
      const c = cuts.get(`v${pointer(path)}`);
      if (!c) return v;
      for (const rule of c.rules) redactions.push({ path: pointer(path), rule });
      return c.text;
    }
    if (Array.isArray(v)) return v.map((x, i) => rebuild(x, [...path, String(i)]));
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const c = cuts.get(`k${pointer([...path, k])}`);
        let key = c ? c.text : k;
        // Two keys that redact alike stay apart (the parameters are never merged).
        for (let n = 2; Object.hasOwn(out, key); n++) key = `${c ? c.text : k} (${n})`;
        if (c) for (const rule of c.rules) redactions.push({ path: pointer([...path, key]), rule });
        // defineProperty: a key named `__proto__` stays an ordinary key
        Object.defineProperty(out, key, { value: rebuild(x, [...path, k]), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return v;
  };
  return { value: rebuild(value, []), redactions };
}

/**
 * Characters an approver cannot see or that change how the rest is shown: control characters
 * (ESC sequences, carriage return, C1), format characters (Unicode direction overrides and
 * isolates, zero-width characters, tag characters), line/paragraph separators, and the other
 * characters Unicode says render as nothing (Default_Ignorable_Code_Point: variation selectors,
 * Hangul fillers, the grapheme joiner). Newline and tab are kept: they show as what they are.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;
const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");

/** `text` with every HIDDEN character but newline and tab written as `\uXXXX` (`\u{XXXXX}` above U+FFFF). */
export function showHidden(text: string): string {
  return text.replace(HIDDEN, (c) => {
    if (c === "\n" || c === "\t") return c;
    const cp = c.codePointAt(0)!;
    return cp > 0xffff ? `\\u{${hex(cp)}}` : `\\u${hex(cp)}`;
  });
}

/**
 * JSON text with the HIDDEN characters JSON.stringify leaves as they are (format characters,
 * separators, DEL and C1 controls) written as JSON escapes (`\u202e`): the same JSON value, shown
 * visibly. They can only occur inside strings; a raw newline is the layout's (a string's is `\\n`).
 */
function jsonShowingHidden(json: string): string {
  return json.replace(HIDDEN, (c) => c === "\n" ? c : [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""));
}

/** The command line of `shell.exec`: `cmd` or `command`, when exactly one string is given. */
function commandOf(action: string, params: unknown): string | null {
  if (action !== "shell.exec" || params === null || typeof params !== "object" || Array.isArray(params)) return null;
  const p = params as Record<string, unknown>;
  const given = ["cmd", "command"].filter((k) => Object.hasOwn(p, k));
  if (given.length !== 1) return null;
  const v = p[given[0]!];
  return typeof v === "string" ? v : null;
}

/**
 * What the approver of a gated action is shown, computed once when the approval request is
 * opened: the parameters exactly as hashed into `paramsHash` (canonical JSON with `stableJson`,
 * the same function `paramsHashOf` uses) with secrets cut out, the shell command taken from them,
 * and the bot's own summary (secrets cut out too). The hash stays bound to the original
 * parameters, so the runtime still has to send exactly those.
 *
 * @returns `{ ok: false, bytes }` when the canonical JSON of the parameters is larger than
 *   GATED_PARAMS_MAX_BYTES (UTF-8): nobody could be shown all of it, so it must not be approved.
 */
export async function prepareGatedParams(action: string, params: unknown, paramsSummary: string | undefined): Promise<PreparedParams> {
  const canonical = stableJson(params ?? null);
  const bytes = Buffer.byteLength(canonical, "utf8");
  if (bytes > GATED_PARAMS_MAX_BYTES) return { ok: false, bytes };
  const [shown, summary] = await Promise.all([redactSecrets(JSON.parse(canonical) as unknown), paramsSummary === undefined ? null : redactSecrets(paramsSummary)]);
  return {
    ok: true,
    shown: {
      params: shown.value,
      // Same key order as the hashed text: parsing and printing canonical JSON keeps its order.
      // Invisible and direction-changing characters are shown as escapes, so what the approver
      // reads is what runs (a U+202E could otherwise turn `rm` around on screen).
      paramsText: jsonShowingHidden(JSON.stringify(shown.value, null, 2)),
      paramsRedacted: shown.redactions,
      command: ((c) => (c === null ? null : showHidden(c)))(commandOf(action, shown.value)),
      paramsSummary: summary === null ? null : showHidden(summary.value as string),
    },
  };
}
