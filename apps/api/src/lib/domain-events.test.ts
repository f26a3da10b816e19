import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { affectedBots, noticePayloads, parseChangeNotice } from "./domain-events.ts";

describe("change notices (NOTIFY payloads)", () => {
  it("names the bots, and reads back to the same bots", () => {
    const ids = [randomUUID(), randomUUID()];
    const payloads = noticePayloads("person.deactivated", ids);
    expect(payloads).toHaveLength(1);
    expect(parseChangeNotice(payloads[0]!)).toEqual({ event: "person.deactivated", bots: ids });
  });

  it("splits many bots into payloads under PostgreSQL's 8000-byte limit, each bot named once", () => {
    const ids = Array.from({ length: 1000 }, () => randomUUID());
    const payloads = noticePayloads("inventory.imported", [...ids, ...ids.slice(0, 10)]);
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThan(8000);
    expect(payloads.flatMap((p) => parseChangeNotice(p).bots as string[])).toEqual(ids);
  });

  it("sends one 'all' notice past 1,000 bots, and for org-wide changes", () => {
    const ids = Array.from({ length: 1001 }, () => randomUUID());
    expect(noticePayloads("inventory.imported", ids).map(parseChangeNotice)).toEqual([{ event: "inventory.imported", bots: "all" }]);
    expect(noticePayloads("org_policy.changed", "all").map(parseChangeNotice)).toEqual([{ event: "org_policy.changed", bots: "all" }]);
  });

  it("reads an unreadable payload (or one of the previous version, `bot:<id> ...`) as 'refresh everything'", () => {
    expect(parseChangeNotice(`bot:${randomUUID()} updated`)).toEqual({ event: null, bots: "all" });
    expect(parseChangeNotice(JSON.stringify({ e: "bot.changed", bots: ["not-a-uuid"] }))).toEqual({ event: "bot.changed", bots: "all" });
    expect(parseChangeNotice("")).toEqual({ event: null, bots: "all" });
  });
});

describe("affectedBots", () => {
  it("is the bots an event names, or every bot for org-wide changes", () => {
    const id = randomUUID();
    expect(affectedBots({ type: "approval.applied", requestId: randomUUID(), kind: "scope_expansion", botId: id })).toEqual([id]);
    expect(affectedBots({ type: "person.deactivated", personId: randomUUID(), botIds: [id] })).toEqual([id]);
    expect(affectedBots({ type: "inventory.imported", botIds: [id], systemKeys: [] })).toEqual([id]);
    expect(affectedBots({ type: "inventory.imported", botIds: [id], systemKeys: ["github"] })).toBe("all");
    expect(affectedBots({ type: "system.changed", systemId: randomUUID(), key: "github", change: "reclassified" })).toBe("all");
  });
  it("names no bot for what the decision snapshot does not read: the skills registry and instructions", () => {
    expect(affectedBots({ type: "skill.changed", skillId: randomUUID(), change: "reviewed", botIds: [randomUUID()] })).toEqual([]);
    expect(affectedBots({ type: "instructions.changed", botId: randomUUID(), file: "SOUL.md", change: "uploaded", version: 1 })).toEqual([]);
  });
});
