import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

/** The on-call runbook is generated from data: the people it names hold the roles it states, and engaged switches show. */
describe("on-call runbook", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
  });
  afterAll(() => t.close());

  it("names the incident owners and who can pause any scope, and reflects an engaged switch (named to readers of every bot only), for any signed-in person", async () => {
    const owner = await tokenFor(t.database, "lucas.meyer@acme.example");
    const read = async () => {
      const res = await t.app.inject({ method: "GET", url: "/api/v1/runbook", headers: { authorization: `Bearer ${owner}` } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { sections: { id: string; paragraphs: string[]; people: { email: string }[]; links: { path: string }[]; code: string | null }[] };
    };
    const book = await read();
    expect(book.sections.map((s) => s.id)).toEqual(["who_can_pause", "kill_switch", "incident_owners", "search_first", "roll_back"]);
    const section = (id: string) => book.sections.find((s) => s.id === id)!;
    expect(section("incident_owners").people.map((p) => p.email)).toEqual(["omar.haddad@acme.example", "priya.nair@acme.example"]);
    const anyScope = section("who_can_pause").people.map((p) => p.email);
    expect(anyScope).toEqual(expect.arrayContaining(["omar.haddad@acme.example", "priya.nair@acme.example", "maya.chen@acme.example", "elena.petrova@acme.example"]));
    expect(anyScope).not.toContain("lucas.meyer@acme.example");
    expect(section("who_can_pause").paragraphs.join(" ")).toContain("Sam Taylor <sam.taylor@acme.example>");
    expect(section("kill_switch").paragraphs[0]).toBe("No kill switch is engaged right now.");
    expect(section("kill_switch").code).toContain("/api/v1/kill-switch");
    expect(section("roll_back").links.map((l) => l.path)).toEqual(["/policy", "/policy/gated-actions"]);

    const engaged = await t.api({ method: "POST", url: "/api/v1/kill-switch", payload: { scope: { kind: "channel", subject: "discord" }, mode: "read_only", reason: "runbook test" } });
    expect(engaged.statusCode, engaged.body).toBe(201);
    // an owner learns that one is engaged, not which or by whom; a reader of every bot sees it named
    expect((await read()).sections.find((s) => s.id === "kill_switch")!.paragraphs[0]).toBe(
      "1 kill switch is engaged right now (the Kill switch page shows those halting your bots).",
    );
    const security = await tokenFor(t.database, "omar.haddad@acme.example");
    const full = await t.app.inject({ method: "GET", url: "/api/v1/runbook", headers: { authorization: `Bearer ${security}` } });
    expect((full.json() as { sections: { id: string; paragraphs: string[] }[] }).sections.find((s) => s.id === "kill_switch")!.paragraphs[0]).toBe(
      "1 kill switch is engaged right now: channel discord (read-only, by admin@acme.example).",
    );
  });
});
