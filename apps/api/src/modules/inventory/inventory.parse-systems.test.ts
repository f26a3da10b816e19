import { describe, expect, it } from "vitest";
import { parseInventory, parseInventoryFile } from "./inventory.parse.ts";

describe("parseInventoryFile: the systems block", () => {
  it("returns the systems: entries with their lines, beside the bots", () => {
    const yaml = "systems:\n  - { key: github, name: GitHub, classification: internal_data }\n  - key: jira\n    name: Jira\n    classification: both\nbots:\n  - name: a-bot\n";
    const parsed = parseInventoryFile(yaml, "yaml");
    expect(parsed.systems.map((s) => [s.row, s.line, (s.data as { key: string }).key])).toEqual([
      [1, 2, "github"],
      [2, 3, "jira"],
    ]);
    expect(parsed.records.map((r) => [r.line, (r.data as { name: string }).name])).toEqual([[7, "a-bot"]]);
    expect(parseInventory(yaml, "yaml")).toEqual(parsed.records);
  });

  it("accepts a file with systems and no bots, and an empty block", () => {
    expect(parseInventoryFile('{"systems": [{"key": "x", "name": "X", "classification": "neither"}]}', "json")).toMatchObject({ records: [], systems: [{ row: 1 }] });
    expect(parseInventoryFile("systems:\nbots:\n  - name: a-bot\n", "yaml")).toMatchObject({ systems: [], records: [{ row: 1 }] });
    expect(parseInventoryFile("- name: a-bot\n", "yaml").systems).toEqual([]);
  });

  it("refuses a systems value that is not a list, and a file with neither", () => {
    expect(() => parseInventoryFile("systems: github\nbots: []\n", "yaml")).toThrow(/`systems` must be a list/);
    expect(() => parseInventoryFile("systems: []\n", "yaml")).toThrow(/expected a list of bots/);
  });
});
