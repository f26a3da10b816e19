import { describe, expect, it } from "vitest";
import { foldUnchanged, splitRows, unifiedRows } from "./diff-rows.ts";

describe("instruction diffs", () => {
  const before = "# Soul\n\nBe brief.\nAnswer in English.\n";
  const after = "# Soul\n\nBe brief and kind.\nAnswer in English.\nNever share secrets.\n";

  it("lists every line of both versions, numbered on each side", () => {
    expect(unifiedRows(before, after)).toEqual([
      { kind: "same", oldNo: 1, newNo: 1, text: "# Soul" },
      { kind: "same", oldNo: 2, newNo: 2, text: "" },
      { kind: "del", oldNo: 3, newNo: null, text: "Be brief." },
      { kind: "add", oldNo: null, newNo: 3, text: "Be brief and kind." },
      { kind: "same", oldNo: 4, newNo: 4, text: "Answer in English." },
      { kind: "add", oldNo: null, newNo: 5, text: "Never share secrets." },
    ]);
  });

  it("puts a removed line beside the line added in its place", () => {
    const rows = splitRows(before, after);
    expect(rows[2]).toEqual({ left: { no: 3, text: "Be brief.", changed: true }, right: { no: 3, text: "Be brief and kind.", changed: true } });
    expect(rows[4]).toEqual({ left: null, right: { no: 5, text: "Never share secrets.", changed: true } });
    expect(rows).toHaveLength(5);
  });

  it("folds long unchanged runs, keeping three lines of context next to a change", () => {
    const long = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
    const changed = long.replace("line 10\n", "line ten\n");
    const folded = foldUnchanged(unifiedRows(long, changed), (r) => r.kind === "same");
    expect(folded.filter((f) => "fold" in f)).toEqual([
      { fold: 6, from: 0 },
      { fold: 7, from: 14 },
    ]);
    expect(folded.filter((f) => "row" in f)).toHaveLength(8);
  });
});
