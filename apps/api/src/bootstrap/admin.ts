import { randomBytes } from "node:crypto";
import { apiTokens, orgPolicy, people, type Db } from "@bridle/db";
import { eq } from "drizzle-orm";
import { hashPassword, hashToken, verifyPassword } from "../lib/crypto.ts";
import { recordAudit, SYSTEM_ACTOR } from "../modules/audit/index.ts";

export type BootstrapResult = { email: string; generatedPassword: string | null; created: boolean };

/**
 * Ensures the local bootstrap admin exists (a break-glass account). Its password comes from
 * BRIDLE_BOOTSTRAP_ADMIN_PASSWORD, or is generated once and returned so the server can print it.
 * Setting the variable later resets the password to it.
 */
export async function ensureBootstrapAdmin(db: Db, opts: { email?: string | undefined; password?: string | undefined }): Promise<BootstrapResult> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(people).where(eq(people.isBootstrapAdmin, true)).limit(1);
    if (existing) {
      if (opts.password && !(existing.passwordHash && (await verifyPassword(opts.password, existing.passwordHash)))) {
        await tx.update(people).set({ passwordHash: await hashPassword(opts.password) }).where(eq(people.id, existing.id));
        await recordAudit(tx, {
          actor: SYSTEM_ACTOR,
          action: "person.bootstrap_admin",
          resourceType: "person",
          resourceId: existing.id,
          outcome: "success",
          details: { change: "password reset from BRIDLE_BOOTSTRAP_ADMIN_PASSWORD" },
        });
      }
      return { email: existing.email, generatedPassword: null, created: false };
    }
    const [policy] = await tx.select({ domain: orgPolicy.botEmailDomain }).from(orgPolicy).limit(1);
    const email = (opts.email ?? `admin@${policy?.domain ?? "example.com"}`).toLowerCase();
    const generated = opts.password ? null : randomBytes(18).toString("base64url");
    const passwordHash = await hashPassword(opts.password ?? generated!);
    const [byEmail] = await tx.select().from(people).where(eq(people.email, email)).limit(1);
    let id: string;
    if (byEmail) {
      id = byEmail.id;
      await tx.update(people).set({ isBootstrapAdmin: true, passwordHash, roles: [...new Set([...byEmail.roles, "admin"])] }).where(eq(people.id, id));
    } else {
      const [row] = await tx
        .insert(people)
        .values({
          email,
          userName: email,
          emails: [{ value: email, type: "work", primary: true }],
          source: "bootstrap",
          displayName: "Bootstrap admin",
          roles: ["admin"],
          isBootstrapAdmin: true,
          passwordHash,
        })
        .returning({ id: people.id });
      id = row!.id;
    }
    await recordAudit(tx, {
      actor: SYSTEM_ACTOR,
      action: "person.bootstrap_admin",
      resourceType: "person",
      resourceId: id,
      outcome: "success",
      details: { email, change: "created" },
    });
    return { email, generatedPassword: generated, created: true };
  });
}

/** Registers BRIDLE_BOOTSTRAP_ADMIN_TOKEN (its SHA-256 only) as an admin API token of the bootstrap admin. */
export async function ensureBootstrapToken(db: Db, token: string): Promise<void> {
  const tokenHash = hashToken(token);
  await db.transaction(async (tx) => {
    const [found] = await tx.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash)).limit(1);
    if (found) return;
    const [admin] = await tx.select({ id: people.id }).from(people).where(eq(people.isBootstrapAdmin, true)).limit(1);
    if (!admin) throw new Error("no bootstrap admin to own BRIDLE_BOOTSTRAP_ADMIN_TOKEN");
    const [row] = await tx
      .insert(apiTokens)
      .values({ name: "bootstrap admin token (BRIDLE_BOOTSTRAP_ADMIN_TOKEN)", kind: "bootstrap", tokenHash, personId: admin.id, roles: ["admin"] })
      .returning({ id: apiTokens.id });
    await recordAudit(tx, {
      actor: SYSTEM_ACTOR,
      action: "token.bootstrap_register",
      resourceType: "api_token",
      resourceId: row!.id,
      outcome: "success",
    });
  });
}
