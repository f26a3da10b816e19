import { auditEvents } from "@bridle/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { AuditDetailsError, recordAudit, SYSTEM_ACTOR, type AuditEventInput } from "./index.ts";

/** The one writer checks every event's details against its type's schema (AUDIT_EVENT_DETAILS). */
describe("the audit writer", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "none" });
  });
  afterAll(() => t.close());

  const rowsFor = (resourceId: string) => t.database.db.select().from(auditEvents).where(eq(auditEvents.resourceId, resourceId));

  it("refuses details that do not fit the event type, and the transaction writes nothing", async () => {
    const wrong = { actor: SYSTEM_ACTOR, action: "team.delete", resourceType: "team", resourceId: "typed-1", outcome: "success", details: { slug: 42 } };
    await expect(
      t.database.db.transaction(async (tx) => {
        await recordAudit(tx, { actor: SYSTEM_ACTOR, action: "scim_token.create", resourceType: "scim_token", resourceId: "typed-1", outcome: "success", details: { name: "first" } });
        await recordAudit(tx, wrong as unknown as AuditEventInput);
      }),
    ).rejects.toThrow(AuditDetailsError);
    expect(await rowsFor("typed-1")).toEqual([]);
    await expect(recordAudit(t.database.db, { ...wrong, action: "no.such_type" } as unknown as AuditEventInput)).rejects.toThrow(/unknown audit event type no.such_type/);
  });

  it("takes a refusal's details (roles and what was attempted) for any event type", async () => {
    await recordAudit(t.database.db, {
      actor: { type: "person", id: "p-1", label: "lucas@acme.example" },
      action: "policy.update",
      resourceType: "org_policy",
      resourceId: "typed-2",
      outcome: "denied",
      details: { roles: [], attempted: "change org policy" },
    });
    const [row] = await rowsFor("typed-2");
    expect(row).toMatchObject({ action: "policy.update", outcome: "denied", details: { roles: [], attempted: "change org policy" } });
    // outside a request, nothing is made up about where it came from
    expect(row).toMatchObject({ requestId: null, sourceIp: null, userAgent: null });
  });
});
