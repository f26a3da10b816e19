import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { REPO_ROOT } from "@bridle/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/harness.ts";

type Summary = { name: string; findingKinds: string[]; findingCount: number };

describe("findings of the Acme demo organization", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
  });
  afterAll(() => t.close());

  it("raises exactly the findings the demo file was written to contain", async () => {
    const expected = JSON.parse(readFileSync(resolve(REPO_ROOT, "examples/acme-inventory.expected.json"), "utf8")) as Record<string, string[]>;
    const res = await t.api({ method: "GET", url: "/api/v1/bots?limit=200" });
    expect(res.statusCode).toBe(200);
    const bots = res.json().items as Summary[];
    expect(bots).toHaveLength(42);
    const actual = Object.fromEntries(bots.filter((b) => b.findingCount > 0).map((b) => [b.name, [...b.findingKinds].sort()]));
    expect(actual).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, [...v].sort()])));
  });

  it("counts bots per kind in the overview", async () => {
    const res = await t.api({ method: "GET", url: "/api/v1/findings/overview" });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { totalBots: number; botsWithFindings: number; kinds: { kind: string; bots: number; rule: string }[] };
    expect(body.totalBots).toBe(42);
    expect(body.botsWithFindings).toBe(20);
    expect(Object.fromEntries(body.kinds.map((k) => [k.kind, k.bots]))).toEqual({
      golden_rule: 5,
      orphaned: 2,
      disallowed_channel: 2,
      naming: 3,
      bot_email: 2,
      shared_identity: 2,
      review_overdue: 3,
      runtime_profile_incomplete: 2,
      // every tool the demo's bots use is an approved registry version
      unapproved_skill: 0,
      // the three bots whose reviews are overdue have neglected their credentials too
      credential_rotation_due: 3,
      // the demo's offboarded bot (acme-hackweek-bot) holds nothing any more
      offboarding_incomplete: 0,
      // no demo bot's runtime has reported: none is silent, none has an enforcement gap
      runtime_silent: 0,
      enforcement_gap: 0,
    });
  });

  it("does not flag the bot covered by an approved, unexpired exception, and flags the expired one", async () => {
    const list = (await t.api({ method: "GET", url: "/api/v1/bots?finding=golden_rule&limit=50" })).json().items as Summary[];
    const names = list.map((b) => b.name);
    expect(names).not.toContain("incident-comms-bot");
    expect(names).toContain("recruiting-outreach-bot");
    const id = (await t.api({ method: "GET", url: "/api/v1/bots?q=recruiting-outreach" })).json().items[0].id as string;
    const bot = (await t.api({ method: "GET", url: `/api/v1/bots/${id}` })).json();
    const finding = bot.findings.find((f: { kind: string }) => f.kind === "golden_rule");
    expect(finding.rule).toBe("BR-GOLDEN-RULE");
    expect(finding.message).toMatch(/expired/i);
    expect(finding.remediation.length).toBeGreaterThan(10);
  });

  it("lists findings one per row, filtered by kind, with pagination", async () => {
    const first = await t.api({ method: "GET", url: "/api/v1/findings?kind=naming&limit=2" });
    expect(first.statusCode).toBe(200);
    const p1 = first.json() as { items: { botName: string; kind: string }[]; nextCursor: string | null };
    expect(p1.items).toHaveLength(2);
    expect(p1.nextCursor).not.toBeNull();
    const p2 = (await t.api({ method: "GET", url: `/api/v1/findings?kind=naming&limit=2&cursor=${p1.nextCursor}` })).json() as typeof p1;
    expect(p2.items).toHaveLength(1);
    expect(p2.nextCursor).toBeNull();
    expect([...p1.items, ...p2.items].map((f) => f.botName).sort()).toEqual(["onboarding-buddy", "pr-drafter", "standup-summarizer"]);
  });
});
