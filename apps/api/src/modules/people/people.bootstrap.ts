import { randomBytes } from "node:crypto";
import { orgPolicy, people, teamMembers, teams, type Db, type DbOrTx } from "@bridle/db";
import { eq } from "drizzle-orm";
import { hashPassword, verifyPassword } from "../../lib/crypto.ts";
import { recordAudit, SYSTEM_ACTOR } from "../audit/index.ts";

/** Commands the server's bootstrap (src/bootstrap) calls on the people directory. */

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

/** The bootstrap admin's id, or null when there is none yet. */
export async function bootstrapAdminId(db: DbOrTx): Promise<string | null> {
  const [admin] = await db.select({ id: people.id }).from(people).where(eq(people.isBootstrapAdmin, true)).limit(1);
  return admin?.id ?? null;
}

export type SeedPerson = {
  email: string;
  displayName: string;
  roles: string[];
  status: string;
  team?: string | null | undefined;
  manager?: string | null | undefined;
};

/**
 * Loads the teams and people of an organization file into an empty directory (the bootstrap
 * seed, inside its transaction; its `org.seed` audit event covers them): teams by slug, people
 * with their primary team (and membership of it) and manager.
 */
export async function seedDirectory(tx: DbOrTx, org: { teams: readonly { slug: string; name: string }[]; people: readonly SeedPerson[] }): Promise<void> {
  const teamRows = org.teams.length
    ? await tx.insert(teams).values(org.teams.map((t) => ({ slug: t.slug.toLowerCase(), name: t.name }))).returning()
    : [];
  const teamIds = new Map(teamRows.map((t) => [t.slug, t.id]));
  if (!org.people.length) return;
  const rows = await tx
    .insert(people)
    .values(
      org.people.map((p) => ({
        email: p.email.toLowerCase(),
        userName: p.email.toLowerCase(),
        emails: [{ value: p.email.toLowerCase(), type: "work", primary: true }],
        source: "seed",
        deactivatedAt: p.status === "deactivated" ? new Date() : null,
        displayName: p.displayName,
        roles: p.roles,
        status: p.status,
        teamId: p.team ? (teamIds.get(p.team.toLowerCase()) ?? null) : null,
      })),
    )
    .returning({ id: people.id, email: people.email, teamId: people.teamId });
  const ids = new Map(rows.map((r) => [r.email, r.id]));
  const members = rows.filter((r) => r.teamId).map((r) => ({ teamId: r.teamId!, personId: r.id }));
  if (members.length) await tx.insert(teamMembers).values(members);
  for (const p of org.people) {
    const managerId = p.manager ? ids.get(p.manager.toLowerCase()) : undefined;
    if (managerId) await tx.update(people).set({ managerId }).where(eq(people.id, ids.get(p.email.toLowerCase())!));
  }
}
