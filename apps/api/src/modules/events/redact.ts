import { findSecretRanges } from "../../lib/secrets.ts";
import { redactSecrets } from "../decisions/index.ts";

/** Fields whose form the contract fixes (ids, times, numbers, booleans): never scanned. */
const FIXED = new Set(["bot", "time", "ok", "durationMs", "inputTokens", "outputTokens", "costUsd"]);

export type Redaction = { path: string; rule: string };

/** Every string under `v` (object keys included), for the scan. */
function collect(v: unknown, out: string[]) {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) collect(x, out);
  else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      collect(x, out);
    }
}

/**
 * Cuts secrets out of a batch of events' audit details, as decisions do for gated-action
 * parameters (`redactSecrets`: `[redacted: <rule>]` in place of the match, and where, as JSON
 * Pointers into the event). One secret scan (secretlint, lib/secrets.ts) covers the whole batch:
 * every string of every field whose form is not fixed, one per line; only the events a hit falls
 * in are then scanned one by one and rewritten, so a batch without secrets costs one scan.
 * @returns the details (the same objects when nothing was found) and, per event, its redactions
 */
export async function redactBatch(details: Record<string, unknown>[]): Promise<{ details: Record<string, unknown>[]; redactions: Map<number, Redaction[]> }> {
  const lines: string[] = [];
  /** index into `lines` where each event's strings start */
  const starts: number[] = [];
  for (const d of details) {
    starts.push(lines.length);
    for (const [k, v] of Object.entries(d)) if (!FIXED.has(k)) collect(v, lines);
  }
  const redactions = new Map<number, Redaction[]>();
  if (lines.length === 0) return { details, redactions };
  const text = lines.join("\n");
  const hits = await findSecretRanges(text);
  if (hits.length === 0) return { details, redactions };

  // Offsets of each event's segment in `text`, to find the events the hits fall in.
  const offsets: number[] = [];
  let offset = 0;
  let line = 0;
  for (let i = 0; i < details.length; i++) {
    const end = i + 1 < details.length ? starts[i + 1]! : lines.length;
    offsets.push(offset);
    for (; line < end; line++) offset += lines[line]!.length + 1;
  }
  const eventOf = (pos: number) => {
    let lo = 0;
    let hi = offsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const touched = new Set(hits.map((h) => eventOf(h.start)));
  const out = [...details];
  for (const i of touched) {
    const { bot: _bot, time: _time, ...fields } = details[i]!;
    const r = await redactSecrets(fields);
    if (r.redactions.length === 0) continue;
    out[i] = { bot: details[i]!.bot, time: details[i]!.time, ...(r.value as Record<string, unknown>) };
    redactions.set(i, r.redactions);
  }
  return { details: out, redactions };
}
