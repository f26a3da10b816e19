import { auditEvents, bots, people, teamMembers, teams } from "@bridle/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { createTestApp, type TestApp } from "../../../test/harness.ts";

/**
 * Helpers for the SCIM integration tests: a demo app with SCIM provisioning turned on and a SCIM
 * token, both through the admin API as an admin would, and a client.
 */

export type ScimRequest = { method: InjectOptions["method"]; url: string; body?: unknown; token?: string | null; headers?: Record<string, string> };

export type ScimKit = {
  t: TestApp;
  token: string;
  tokenId: string;
  /** A request to /scim/v2 with the SCIM token, bodies as application/scim+json. */
  scim: (r: ScimRequest) => Promise<LightMyRequestResponse>;
  personByEmail: (email: string) => Promise<typeof people.$inferSelect>;
  teamIdsOf: (personId: string) => Promise<string[]>;
  /** The person's bots audited `bot.owner_deprovisioned` (once per deprovisioning), sorted. */
  deprovisionedBots: (personId: string) => Promise<string[]>;
  audit: (action: string, resourceId: string) => Promise<(typeof auditEvents.$inferSelect)[]>;
  botIdsOwnedBy: (personId: string) => Promise<string[]>;
};

/** Turns SCIM provisioning on or off as an admin does in Settings (it is off by default). */
export async function setScimEnabled(t: TestApp, scimEnabled: boolean) {
  const res = await t.api({ method: "PATCH", url: "/api/v1/identity-settings", payload: { scimEnabled } });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json()).toMatchObject({ scimEnabled });
}

export async function scimKit(tokenName = "test idp"): Promise<ScimKit> {
  const t = await createTestApp({ seed: "demo" });
  await setScimEnabled(t, true);
  const created = await t.api({ method: "POST", url: "/api/v1/scim-tokens", payload: { name: tokenName } });
  expect(created.statusCode).toBe(201);
  const { token, id: tokenId } = created.json() as { token: string; id: string };
  const db = t.database.db;
  const scim = (r: ScimRequest) => {
    const auth = r.token === null ? {} : { authorization: `Bearer ${r.token ?? token}` };
    const body = r.body === undefined ? {} : { payload: JSON.stringify(r.body), headers: { "content-type": "application/scim+json" } };
    return t.app.inject({ method: r.method, url: `/scim/v2${r.url}`, ...body, headers: { ...auth, ...body.headers, ...r.headers } });
  };
  return {
    t,
    token,
    tokenId,
    scim,
    personByEmail: async (email) => {
      const [p] = await db.select().from(people).where(sql`lower(${people.email}) = ${email.toLowerCase()}`);
      if (!p) throw new Error(`no person ${email}`);
      return p;
    },
    teamIdsOf: async (personId) => (await db.select({ id: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.personId, personId))).map((r) => r.id).sort(),
    deprovisionedBots: async (personId) => {
      const owned = (await db.select({ id: bots.id }).from(bots).where(eq(bots.ownerId, personId))).map((b) => b.id);
      if (!owned.length) return [];
      const rows = await db
        .select({ botId: auditEvents.resourceId })
        .from(auditEvents)
        .where(and(eq(auditEvents.action, "bot.owner_deprovisioned"), inArray(auditEvents.resourceId, owned)));
      return rows.map((r) => r.botId!).sort();
    },
    audit: async (action, resourceId) => db.select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.resourceId, resourceId))),
    botIdsOwnedBy: async (personId) => (await db.select({ id: bots.id }).from(bots).where(eq(bots.ownerId, personId))).map((b) => b.id).sort(),
  };
}

export const ERROR_URN = "urn:ietf:params:scim:api:messages:2.0:Error";
export const LIST_URN = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const PATCH_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const ENTERPRISE_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** Asserts a SCIM error answer (RFC 7644 §3.12): status as a string, the error schema, a detail. */
export function expectScimError(res: LightMyRequestResponse, status: number, scimType?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/scim\+json/);
  const body = res.json() as { schemas: string[]; status: string; scimType?: string; detail?: string };
  expect(body.schemas).toEqual([ERROR_URN]);
  expect(body.status).toBe(String(status));
  expect(typeof body.detail).toBe("string");
  if (scimType) expect(body.scimType).toBe(scimType);
  return body;
}

export const patchOp = (...ops: Record<string, unknown>[]) => ({ schemas: [PATCH_URN], Operations: ops });

export const teamIdBySlug = async (t: TestApp, slug: string) => (await t.database.db.select({ id: teams.id }).from(teams).where(eq(teams.slug, slug)))[0]!.id;
