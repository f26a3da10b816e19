import { auditEvents } from "@bridle/db";
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botIdOf } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

type Ref = {
  id: string;
  system: string;
  reference: string;
  status: string;
  vault: { kind: string; name: string };
  serviceAccount: string | null;
  owner: { email: string } | null;
  ownerIsBotOwner: boolean;
  rotationIntervalDays: number | null;
  lastRotatedAt: string | null;
  lastRotatedBy: { type: string; label: string | null } | null;
  rotationState: string;
  rotationDueAt: string | null;
};
type FieldErr = { path: string[]; code: string; message: string };

describe("credential references: the list per bot, add, edit, remove, mark rotated", () => {
  let t: TestApp;
  let sandboxId: string; // acme-sandbox-bot: daniel.kim's, no references
  let triageId: string; // acme-triage-bot: lucas.meyer's
  const tok: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${tok[who]}` });
  const url = (botId: string, rest = "") => `/api/v1/bots/${botId}/credential-references${rest}`;

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    sandboxId = await botIdOf(t, "acme-sandbox-bot");
    triageId = await botIdOf(t, "acme-triage-bot");
    for (const [k, email] of Object.entries({
      daniel: "daniel.kim@acme.example",
      lucas: "lucas.meyer@acme.example",
      sofia: "sofia.rossi@acme.example",
      admin: "maya.chen@acme.example",
      it: "sam.taylor@acme.example",
      security: "omar.haddad@acme.example",
      auditor: "ines.moreau@acme.example",
    }))
      tok[k] = await tokenFor(t.database, email);
  });
  afterAll(() => t.close());

  const add = (who: string, payload: object, botId = sandboxId) => t.app.inject({ method: "POST", url: url(botId), headers: as(who), payload });
  const listOf = async (who: string, botId = sandboxId) => {
    const res = await t.app.inject({ method: "GET", url: url(botId), headers: as(who) });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: Ref[] }).items;
  };
  const fieldsOf = (body: string) => (JSON.parse(body) as { error: { details: { fields: FieldErr[] } } }).error.details.fields;

  it("accepts a reference of each vault kind, naming the vault it points into", async () => {
    const good: [string, string, string][] = [
      ["1password", "op://bots-prod/sandbox-bot/github-token", "bots-prod"],
      ["1password", "op://Bots Prod/Sandbox Bot/API/credential?attribute=otp", "Bots Prod"],
      ["hashicorp_vault", "vault:secret/data/bots/sandbox#github_token", "secret"],
      ["hashicorp_vault", "vault:database/creds/sandbox-reader", "database"],
      ["aws_secrets_manager", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bots/sandbox/github-AbC123", "123456789012/eu-west-1"],
      ["gcp_secret_manager", "projects/acme-bots/secrets/sandbox-github/versions/latest", "acme-bots"],
      ["gcp_secret_manager", "projects/acme-bots/secrets/sandbox-github", "acme-bots"],
      ["azure_key_vault", "https://acme-bots.vault.azure.net/secrets/sandbox-github/0123456789abcdef0123456789abcdef", "acme-bots"],
      ["other", "doppler://bots/prod/GITHUB_TOKEN", "doppler://bots"],
    ];
    for (const [vault, reference, name] of good) {
      const res = await add("daniel", { system: "github", vault, reference, rotationIntervalDays: 90 });
      expect(res.statusCode, `${vault} ${reference}: ${res.body}`).toBe(201);
      expect(res.json()).toMatchObject({ vault: { kind: vault, name }, reference, status: "active", ownerIsBotOwner: true, owner: { email: "daniel.kim@acme.example" } });
    }
    expect((await listOf("daniel")).map((r) => r.vault.kind).sort()).toEqual([...good.map((g) => g[0])].sort());
  });

  it("refuses a reference that is not of its vault's form, naming the field and the form, never echoing it", async () => {
    const bad: [string, string, string][] = [
      ["1password", "op://bots-prod/only-item", "op://<vault>/<item>/[<section>/]<field>"],
      ["hashicorp_vault", "vault:secret", "vault:<mount>/<path>[#<field>]"],
      ["aws_secrets_manager", "arn:aws:secretsmanager:eu-west-1:1234:secret:x", "arn:aws:secretsmanager:<region>:<account id>:secret:<name>"],
      ["gcp_secret_manager", "projects/acme-bots/secretz/x", "projects/<project>/secrets/<secret>[/versions/<version>]"],
      ["azure_key_vault", "https://acme-bots.vault.azure.net/keys/sandbox", "https://<vault>.vault.azure.net/secrets/<name>[/<version>]"],
      ["other", "ftp:/bots/sandbox", "<scheme>://<path>"],
      ["other", "https://reader:pw@vault.internal/bots/sandbox", "<scheme>://<path>"],
      ["other", "just some text", "<scheme>://<path>"],
    ];
    for (const [vault, reference, form] of bad) {
      const res = await add("daniel", { system: "github", vault, reference });
      expect(res.statusCode, `${vault} ${reference}`).toBe(400);
      const fields = fieldsOf(res.body);
      expect(fields.map((f) => f.path.join("."))).toEqual(["reference"]);
      expect(fields[0]!.message).toContain(form);
      expect(res.body).not.toContain(reference);
    }
    // a reference of another kind says which kind it is
    const wrongKind = await add("daniel", { system: "github", vault: "hashicorp_vault", reference: "op://bots-prod/sandbox-bot/slack" });
    expect(fieldsOf(wrongKind.body)[0]!.message).toContain("this is a 1Password reference; choose 1Password");
    const unknownSystem = await add("daniel", { system: "nope", vault: "1password", reference: "op://a/b/c" });
    expect(fieldsOf(unknownSystem.body)).toEqual([expect.objectContaining({ path: ["system"], code: "unknown_reference" })]);
  });

  it("refuses a secret pasted into a field, naming the field and the rule, and audits the attempt without the value", async () => {
    const secret = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    const res = await add("daniel", { system: "github", vault: "1password", reference: secret, rotationIntervalDays: 30 });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain(secret);
    expect(fieldsOf(res.body)).toEqual([expect.objectContaining({ path: ["reference"], code: "looks_like_secret" })]);
    expect(fieldsOf(res.body)[0]!.message).toMatch(/rule github/);
    const [event] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "credential_reference.secret_refused"), eq(auditEvents.resourceId, sandboxId)))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    expect(event).toMatchObject({ outcome: "denied", actorLabel: "daniel.kim@acme.example" });
    expect(event!.details).toEqual({ botId: sandboxId, fields: [{ field: "reference", rule: "github", kind: expect.any(String) }] });
    expect(JSON.stringify(event)).not.toContain(secret);
    // nothing was stored
    expect((await listOf("daniel")).some((r) => r.reference.includes("ghp_"))).toBe(false);
    // a connection string with its password is a secret, whatever vault it claims
    const dsn = await add("daniel", { system: "github", vault: "other", reference: "postgres://reader:hunter2pass@db.internal/metrics" });
    expect(fieldsOf(dsn.body)).toEqual([expect.objectContaining({ path: ["reference"], code: "looks_like_secret" })]);
    expect(dsn.body).not.toContain("hunter2pass");
    // the mark-rotated note is scanned too
    const ref = (await listOf("daniel"))[0]!;
    const note = await t.app.inject({ method: "POST", url: url(sandboxId, `/${ref.id}/rotations`), headers: as("daniel"), payload: { note: `new token ${secret}` } });
    expect(note.statusCode).toBe(400);
    expect(fieldsOf(note.body)[0]!.path).toEqual(["note"]);
  });

  it("shows the service account the credential belongs to and a chosen owner, and records edits", async () => {
    const refs = await listOf("lucas", triageId);
    expect(refs.map((r) => [r.system, r.serviceAccount])).toEqual([
      ["github", "acme-triage-bot"],
      ["linear", "triage-bot@acme.example"],
      ["slack-internal", "U07TRIAGEBOT"],
    ]);
    const github = refs[0]!;
    const res = await t.app.inject({
      method: "PATCH",
      url: url(triageId, `/${github.id}`),
      headers: as("lucas"),
      payload: { owner: "sam.taylor@acme.example", rotationIntervalDays: 30 },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ owner: { email: "sam.taylor@acme.example" }, ownerIsBotOwner: false, rotationIntervalDays: 30 });
    const [event] = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "credential_reference.update"), eq(auditEvents.resourceId, github.id)));
    expect((event!.details as { changes: object }).changes).toEqual({
      owner: { before: null, after: "sam.taylor@acme.example" },
      rotationIntervalDays: { before: 90, after: 30 },
    });
    const inactive = await t.app.inject({ method: "PATCH", url: url(triageId, `/${github.id}`), headers: as("lucas"), payload: { owner: "tomas.silva@acme.example" } });
    expect(fieldsOf(inactive.body)).toEqual([expect.objectContaining({ path: ["owner"], code: "inactive_reference" })]);
    const dup = await t.app.inject({ method: "POST", url: url(triageId), headers: as("lucas"), payload: { system: "github", vault: "1password", reference: github.reference } });
    expect(dup.statusCode).toBe(409);
  });

  it("mark rotated records who and when, and a due reference becomes active again", async () => {
    const [ref] = await listOf("daniel");
    const before = new Date();
    const res = await t.app.inject({ method: "POST", url: url(sandboxId, `/${ref!.id}/rotations`), headers: as("daniel"), payload: { note: "rotated in 1Password" } });
    expect(res.statusCode, res.body).toBe(200);
    const after = res.json() as Ref;
    expect(after.lastRotatedBy).toMatchObject({ type: "token", label: "daniel.kim@acme.example" });
    expect(new Date(after.lastRotatedAt!).getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(after.rotationState).toBe("ok");
    const [event] = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "credential_reference.rotated"), eq(auditEvents.resourceId, ref!.id)));
    expect(event!.details).toMatchObject({ botId: sandboxId, note: "rotated in 1Password", statusBefore: "active" });
    const future = await t.app.inject({ method: "POST", url: url(sandboxId, `/${ref!.id}/rotations`), headers: as("daniel"), payload: { rotatedAt: "2999-01-01" } });
    expect(fieldsOf(future.body)).toEqual([expect.objectContaining({ path: ["rotatedAt"] })]);
  });

  it("lets the owner, admins and IT write; security and auditors read; another owner is refused and audited", async () => {
    const payload = { system: "linear", vault: "1password", reference: "op://bots-prod/triage-bot/linear-2" };
    expect((await add("admin", payload, triageId)).statusCode).toBe(201);
    expect((await add("it", { ...payload, reference: "op://bots-prod/triage-bot/linear-3" }, triageId)).statusCode).toBe(201);
    for (const who of ["security", "auditor", "sofia"]) {
      const res = await add(who, { ...payload, reference: `op://bots-prod/triage-bot/${who}` }, triageId);
      expect(res.statusCode, who).toBe(403);
    }
    expect((await listOf("security", triageId)).length).toBe(5);
    expect((await listOf("auditor", triageId)).length).toBe(5);
    const read = await t.app.inject({ method: "GET", url: url(triageId), headers: as("sofia") });
    expect(read.statusCode).toBe(403);
    const [ref] = await listOf("lucas", triageId);
    for (const [method, path, body] of [
      ["PATCH", `/${ref!.id}`, { rotationIntervalDays: 1 }],
      ["DELETE", `/${ref!.id}`, undefined],
      ["POST", `/${ref!.id}/rotations`, {}],
    ] as const) {
      const res = await t.app.inject({ method, url: url(triageId, path), headers: as("sofia"), ...(body ? { payload: body } : {}) });
      expect(res.statusCode, `${method} ${path}`).toBe(403);
    }
    const denied = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.outcome, "denied"), eq(auditEvents.resourceId, triageId), eq(auditEvents.actorLabel, "sofia.rossi@acme.example")));
    expect(denied.map((e) => e.action).sort()).toEqual(
      ["access.denied", "credential_reference.create", "credential_reference.delete", "credential_reference.rotated", "credential_reference.update"].sort(),
    );
  });

  it("removes a reference, audited with what it pointed to", async () => {
    const refs = await listOf("daniel");
    const gone = refs.find((r) => r.vault.kind === "other")!;
    const res = await t.app.inject({ method: "DELETE", url: url(sandboxId, `/${gone.id}`), headers: as("daniel") });
    expect(res.statusCode).toBe(204);
    expect((await listOf("daniel")).map((r) => r.id)).not.toContain(gone.id);
    const [event] = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "credential_reference.delete"), eq(auditEvents.resourceId, gone.id)));
    expect(event!.details).toMatchObject({ botId: sandboxId, before: { reference: "doppler://bots/prod/GITHUB_TOKEN", vault: "other" } });
  });
});
