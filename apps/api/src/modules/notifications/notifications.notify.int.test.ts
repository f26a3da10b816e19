import { notifications, people } from "@bridle/db";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { SYSTEM_ACTOR } from "../audit/index.ts";
import { notify, NotifyInputError, REDACTION_NOTE } from "./index.ts";

const GITHUB_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";

describe("notify (the command other modules call)", () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const person = async (key: string, roles: string[], status = "active") => {
    const [p] = await t.database.db
      .insert(people)
      .values({ email: `${key}@notify.example`, displayName: key, roles, status })
      .returning({ id: people.id });
    ids[key] = p!.id;
  };
  const rowsOf = (noticeId: string) => t.database.db.select().from(notifications).where(eq(notifications.noticeId, noticeId));

  beforeAll(async () => {
    t = await createTestApp({ seed: "none" });
    await person("ivy", ["it"]);
    await person("ian", ["it", "security"]);
    await person("sue", ["security"]);
    await person("gone", ["it"], "deactivated");
    await person("olga", []);
  });
  afterAll(() => t.close());

  it("fans a role out to its active holders, adds named people, each once, and skips a deactivated person", async () => {
    const res = await t.database.db.transaction((tx) =>
      notify(
        tx,
        {
          recipients: { roles: ["it"], personIds: [ids.olga!, ids.ian!, ids.gone!] },
          kind: "offboarding_case_opened",
          title: "Offboarding case opened for acme-a-bot",
          body: "Its owner left; choose transfer or offboard.",
          link: "/bots/00000000-0000-4000-8000-000000000001",
        },
        { type: "person", id: null, label: "admin@acme.example" },
      ),
    );
    expect(res.recipientIds.sort()).toEqual([ids.ian, ids.ivy, ids.olga].sort());
    expect(res.notificationIds).toHaveLength(3);
    expect(res.redacted).toBe(false);
    const rows = await rowsOf(res.noticeId);
    expect(rows.map((r) => r.recipientId).sort()).toEqual([ids.ian, ids.ivy, ids.olga].sort());
    for (const r of rows) {
      expect(r).toMatchObject({
        kind: "offboarding_case_opened",
        title: "Offboarding case opened for acme-a-bot",
        body: "Its owner left; choose transfer or offboard.",
        link: "/bots/00000000-0000-4000-8000-000000000001",
        readAt: null,
        actorType: "person",
        actorLabel: "admin@acme.example",
      });
    }
    // the deactivated IT person got nothing, from the role or by name
    expect(await t.database.db.select().from(notifications).where(eq(notifications.recipientId, ids.gone!))).toEqual([]);
  });

  it("writes in the caller's transaction: a rolled-back change leaves no notification", async () => {
    let noticeId = "";
    await expect(
      t.database.db.transaction(async (tx) => {
        noticeId = (await notify(tx, { recipients: { roles: ["security"] }, kind: "test", title: "t", body: "b" }, SYSTEM_ACTOR)).noticeId;
        throw new Error("the caller's change failed");
      }),
    ).rejects.toThrow("the caller's change failed");
    expect(noticeId).not.toBe("");
    expect(await rowsOf(noticeId)).toEqual([]);
  });

  it("never stores a secret: cuts it out of the title, body and link, and says so in the body", async () => {
    const res = await notify(
      t.database.db,
      {
        recipients: { personIds: [ids.sue!] },
        kind: "leak_playbook_started",
        title: `Leak of ${GITHUB_TOKEN} suspected`,
        body: `The runtime logged Authorization: token ${GITHUB_TOKEN} in CI.`,
        link: `/bots/x?t=${GITHUB_TOKEN}`,
      },
      SYSTEM_ACTOR,
    );
    expect(res.redacted).toBe(true);
    const [row] = await rowsOf(res.noticeId);
    expect(JSON.stringify(row)).not.toContain(GITHUB_TOKEN);
    expect(row!.title).toBe("Leak of [redacted] suspected");
    expect(row!.body).toBe(`The runtime logged Authorization: token [redacted] in CI.\n\n${REDACTION_NOTE}`);
    expect(row!.link).toBeNull();
    expect(row!.redacted).toBe(true);
    expect(row!.actorType).toBe("system");
  });

  it("reaches nobody when no active person matches (not an error)", async () => {
    const res = await notify(t.database.db, { recipients: { roles: ["auditor"], personIds: [ids.gone!, "not-a-uuid"] }, kind: "test", title: "t", body: "" }, SYSTEM_ACTOR);
    expect(res).toMatchObject({ recipientIds: [], notificationIds: [] });
    expect(await rowsOf(res.noticeId)).toEqual([]);
  });

  it("cuts a long title to one line of 200 characters instead of failing the caller", async () => {
    const res = await notify(t.database.db, { recipients: { personIds: [ids.olga!] }, kind: "test", title: `a\n${"b".repeat(300)}`, body: "x" }, SYSTEM_ACTOR);
    const [row] = await rowsOf(res.noticeId);
    expect(row!.title).toHaveLength(200);
    expect(row!.title.startsWith("a b")).toBe(true);
    expect(row!.title.endsWith("…")).toBe(true);
  });

  it("refuses a caller's bug: an unknown kind, an absolute link, an empty title, a bot id that is not a UUID", async () => {
    const base = { recipients: { personIds: [ids.olga!] }, kind: "test" as const, title: "t", body: "b" };
    const before = await t.database.db.select().from(notifications).where(inArray(notifications.recipientId, [ids.olga!]));
    await expect(notify(t.database.db, { ...base, kind: "nope" as never }, SYSTEM_ACTOR)).rejects.toThrow(NotifyInputError);
    await expect(notify(t.database.db, { ...base, link: "https://evil.example/bots/1" }, SYSTEM_ACTOR)).rejects.toThrow(NotifyInputError);
    await expect(notify(t.database.db, { ...base, link: "//evil.example" }, SYSTEM_ACTOR)).rejects.toThrow(NotifyInputError);
    await expect(notify(t.database.db, { ...base, title: "  \n " }, SYSTEM_ACTOR)).rejects.toThrow(NotifyInputError);
    await expect(notify(t.database.db, { ...base, botId: "acme-a-bot" }, SYSTEM_ACTOR)).rejects.toThrow(NotifyInputError);
    const after = await t.database.db.select().from(notifications).where(inArray(notifications.recipientId, [ids.olga!]));
    expect(after).toHaveLength(before.length);
  });
});
