import type { TReadiness, TReadinessControl, TReadinessControlId } from "@bridle/contracts";
import { READINESS_CONTROLS } from "@bridle/contracts";
import { auditEvents, people } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";
import { createReadinessService } from "./index.ts";

const FULL_PROFILE = {
  runtimeOwner: "platform@acme.example",
  hostingEnvironment: "k8s prod-eu / namespace bots",
  workspacePersistence: "ephemeral",
  networkAccessPolicy: ["api.github.com"],
  allowedTools: ["gh@2.63.0"],
  shellExecutionPolicy: "deny",
  dataRetention: "30 days",
  deletionProcedure: "Delete the namespace and its volumes.",
  incidentResponseOwner: "security@acme.example",
};

const get = async (t: TestApp) => {
  const res = await t.api({ method: "GET", url: "/api/v1/readiness" });
  expect(res.statusCode).toBe(200);
  return res.json() as TReadiness;
};
const control = (r: TReadiness, id: TReadinessControlId) => r.controls.find((c) => c.id === id)!;
const statuses = (r: TReadiness) => Object.fromEntries(r.controls.map((c) => [c.id, c.status]));

describe("readiness overview on an empty organization, then one bot", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "none" });
  });
  afterAll(() => t.close());

  it("reads sensibly with no bots: nothing to check for bots, every alert rule on, no incident or drill yet", async () => {
    const r = await get(t);
    expect(r.controls.map((c) => c.id)).toEqual([...READINESS_CONTROLS]);
    expect(r.bots).toBe(0);
    expect(statuses(r)).toEqual({
      runtime_profile: "not_applicable",
      own_identity: "not_applicable",
      named_owner: "not_applicable",
      credentials_vaulted: "not_applicable",
      gated_actions_defined: "pass",
      runtime_enforced: "not_applicable",
      golden_rule: "not_applicable",
      reviews_current: "not_applicable",
      no_orphans: "not_applicable",
      alerts: "pass",
      incident_process: "warn",
    });
    expect(r.verdict).toBe("attention");
    expect(r.summary).toBe("No bots in the inventory yet: register the first one; the bot controls apply as bots arrive. 8 controls could not be checked (not applicable or not set up).");
    expect(control(r, "runtime_profile").detail).toBe("No bots in the inventory yet: nothing to check.");
    expect(control(r, "alerts").detail).toBe("All 7 alert rules are on.");
    expect(control(r, "incident_process")).toMatchObject({
      detail: "No incident or drill recorded in the last 12 months: rehearse the response with a drill (Incidents, Run a drill).",
      links: [{ label: "Run a drill", href: "/incidents/new?drill=true" }, { label: "Incidents", href: "/incidents" }],
    });
  });

  it("the incident process line passes once a drill is recorded", async () => {
    const drill = await t.api({ method: "POST", url: "/api/v1/incidents", payload: { title: "Quarterly drill: leaked bot token", severity: "medium", isDrill: true } });
    expect(drill.statusCode, drill.body).toBe(201);
    const r = await get(t);
    expect(control(r, "incident_process").status).toBe("pass");
    expect(control(r, "incident_process").detail).toMatch(/^0 incidents and 1 drill recorded in the last 12 months, the latest on \d{4}-\d{2}-\d{2}\.$/);
  });

  it("fails the runtime profile line for a bot without one, links to exactly that bot, and passes once it is filled in", async () => {
    expect((await t.api({ method: "POST", url: "/api/v1/teams", payload: { name: "Platform" } })).statusCode).toBe(201);
    const created = await t.api({
      method: "POST",
      url: "/api/v1/bots",
      payload: { name: "acme-first-bot", owner: ADMIN_EMAIL, team: "platform", purpose: "The first one", environment: "test", runtimeProfile: {} },
    });
    expect(created.statusCode).toBe(201);
    const botId = (created.json() as { id: string }).id;

    const before = await get(t);
    expect(before.bots).toBe(1);
    const line = control(before, "runtime_profile");
    expect(line).toMatchObject({
      status: "fail",
      detail: "1 of 1 bot has an incomplete runtime profile.",
      failing: 1,
      total: 1,
      examples: [{ label: "acme-first-bot", href: `/bots/${botId}` }],
      links: [{ label: "1 bot with an incomplete runtime profile", href: "/bots?finding=runtime_profile_incomplete" }],
    });
    expect(before.verdict).toBe("not_ready");
    // The link's list holds exactly what fails the line.
    const listed = await t.api({ method: "GET", url: "/api/v1/bots?finding=runtime_profile_incomplete" });
    expect((listed.json() as { items: { name: string }[] }).items.map((b) => b.name)).toEqual(["acme-first-bot"]);

    const patched = await t.api({ method: "PATCH", url: `/api/v1/bots/${botId}`, payload: { runtimeProfile: FULL_PROFILE } });
    expect(patched.statusCode).toBe(200);
    const after = control(await get(t), "runtime_profile");
    expect(after).toMatchObject({ status: "pass", detail: "0 of 1 bot have an incomplete runtime profile.", failing: 0, total: 1, examples: [], links: [] });
  });

  it("warns when the org allows a gated action outright, naming it", async () => {
    const res = await t.api({ method: "PUT", url: "/api/v1/gated-actions/shell.exec", payload: { mode: "allow", approverRole: "security", approvalsRequired: 1, requestTtlMinutes: 60 } });
    expect(res.statusCode).toBe(200);
    const line = control(await get(t), "gated_actions_defined");
    expect(line).toMatchObject({
      status: "warn",
      detail: "Every gated action has an org rule, but 1 of 11 is allowed without approval: shell.exec.",
      failing: 1,
      total: 11,
      examples: [{ label: "shell.exec", href: "/policy/gated-actions" }],
      links: [{ label: "The gated-action policy", href: "/policy/gated-actions" }],
    });
  });

  it("shows the alerts and incidents modules' own answers once the wiring provides them", async () => {
    const svc = createReadinessService({
      db: t.database.db,
      providers: {
        alertsReady: async () => ({ status: "pass", detail: "7 alert rules are on.", total: 7 }),
        incidentsReady: async () => ({ status: "fail", detail: "No incident response owner is named.", failing: 1, links: [{ label: "Incidents", href: "/incidents" }] }),
      },
    });
    const r = await svc.overview();
    expect(control(r, "alerts")).toMatchObject({ status: "pass", detail: "7 alert rules are on.", failing: 0, total: 7, links: [] });
    expect(control(r, "incident_process")).toMatchObject({ status: "fail", detail: "No incident response owner is named.", failing: 1, links: [{ label: "Incidents", href: "/incidents" }] });
  });

  it("answers those who read every bot (admins, security, IT, auditors); an owner is refused, audited", async () => {
    await t.database.db.insert(people).values([
      { email: "olga.owner@acme.example", displayName: "Olga Owner", roles: [], source: "admin" },
      { email: "aude.auditor@acme.example", displayName: "Aude Auditor", roles: ["auditor"], source: "admin" },
      { email: "sid.security@acme.example", displayName: "Sid Security", roles: ["security"], source: "admin" },
      { email: "ida.it@acme.example", displayName: "Ida IT", roles: ["it"], source: "admin" },
    ]);
    const status = async (email: string) =>
      (await t.app.inject({ method: "GET", url: "/api/v1/readiness", headers: { authorization: `Bearer ${await tokenFor(t.database, email)}` } })).statusCode;
    expect([
      await status("olga.owner@acme.example"),
      await status("aude.auditor@acme.example"),
      await status("sid.security@acme.example"),
      await status("ida.it@acme.example"),
    ]).toEqual([403, 200, 200, 200]);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/readiness" })).statusCode).toBe(401);
    const refused = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.resourceType, "readiness"), eq(auditEvents.outcome, "denied")));
    expect(refused.map((e) => [e.action, e.actorLabel])).toEqual([["access.denied", "olga.owner@acme.example"]]);
  });
});

describe("readiness overview on the demo organization", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
  });
  afterAll(() => t.close());

  it("every link to the inventory lists exactly as many bots as the line counts", async () => {
    const r = await get(t);
    const links = r.controls.flatMap((c: TReadinessControl) => c.links).filter((l) => l.href.startsWith("/bots?finding="));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      const res = await t.api({ method: "GET", url: `/api/v1${link.href}&limit=1` });
      const n = Number(/^(\d+) bots?/.exec(link.label)![1]);
      expect([link.href, (res.json() as { total: number }).total]).toEqual([link.href, n]);
    }
  });

  it("fails the named owner line for the demo's orphaned bots, and passes once IT transfers them", async () => {
    const before = control(await get(t), "named_owner");
    expect(before.status).toBe("fail");
    const orphans = (await t.api({ method: "GET", url: "/api/v1/bots?finding=orphaned&limit=100" })).json() as { items: { id: string; name: string }[]; total: number };
    expect(orphans.total).toBeGreaterThan(0);
    expect(before.failing).toBe(orphans.total);
    expect(before.examples).toEqual(orphans.items.slice(0, 5).map((b) => ({ label: b.name, href: `/bots/${b.id}` })));
    expect(before.links).toEqual([{ label: `${orphans.total} bot${orphans.total === 1 ? "" : "s"} without an active owner`, href: "/bots?finding=orphaned" }]);

    for (const bot of orphans.items) {
      const res = await t.api({ method: "POST", url: `/api/v1/bots/${bot.id}/transfer`, payload: { toEmail: ADMIN_EMAIL, note: "Readiness: every bot needs an active owner" } });
      expect(res.statusCode).toBe(200);
    }
    const after = await get(t);
    expect(control(after, "named_owner")).toMatchObject({ status: "pass", failing: 0, examples: [], links: [] });
    expect(control(after, "named_owner").detail).toBe(`0 of ${after.bots} bots have no active owner.`);
  });
});
