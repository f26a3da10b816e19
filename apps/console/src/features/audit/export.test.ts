import { describe, expect, it } from "vitest";
import { endsWithEndRecord } from "./export.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** An export is saved only when it ends with its `end` record (docs/AUDIT.md "Export"). */
describe("endsWithEndRecord", () => {
  it("accepts an NDJSON export whose last line is the end record, split across chunks", () => {
    const text = `{"type":"header","format":"bridle-audit-export"}\n{"type":"chain","position":1}\n{"type":"end","records":3}\n`;
    expect(endsWithEndRecord([bytes(text.slice(0, 40)), bytes(text.slice(40, 75)), bytes(text.slice(75))], "ndjson")).toBe(true);
  });

  it("refuses an NDJSON export cut short, or cut inside its last line", () => {
    expect(endsWithEndRecord([bytes(`{"type":"header"}\n{"type":"chain","position":1}\n`)], "ndjson")).toBe(false);
    expect(endsWithEndRecord([bytes(`{"type":"header"}\n{"type":"end","rec`)], "ndjson")).toBe(false);
    expect(endsWithEndRecord([], "ndjson")).toBe(false);
  });

  it("reads a CSV export's record column", () => {
    expect(endsWithEndRecord([bytes(`record,position,data\nchain,1,"{""type"":""chain""}"\nend,,"{""type"":""end""}"\n`)], "csv")).toBe(true);
    expect(endsWithEndRecord([bytes(`record,position,data\nchain,1,"{""type"":""chain""}"\n`)], "csv")).toBe(false);
  });
});
