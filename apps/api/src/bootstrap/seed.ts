import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ZOrgFile, type TOrgFile } from "@bridle/contracts";
import { REPO_ROOT, auditEvents, type Db, type DbOrTx } from "@bridle/db";
import { and, eq, sql } from "drizzle-orm";
import { parse } from "yaml";
import { recordAudit, SYSTEM_ACTOR } from "../modules/audit/index.ts";
import type { InventoryService } from "../modules/inventory/index.ts";
import { seedDirectory } from "../modules/people/index.ts";
import { ensureOrgPolicy, hasOrgPolicy, seedOrgPolicy } from "../modules/policy-settings/index.ts";
import { seedSkills } from "../modules/skills/index.ts";
import { seedSystems } from "../modules/systems/index.ts";

export const DEMO_FILE = resolve(REPO_ROOT, "examples/acme-inventory.yaml");
const SEED_LOCK = 0x73656564;
const DAY = 86_400_000;

/**
 * The file the organization was loaded from (`org.seed` audit event, written with the seed), or
 * null for one started empty. The demo sign-in uses it: only the demo organization gets it.
 */
export async function organizationSeedSource(db: DbOrTx): Promise<string | null> {
  const [row] = await db
    .select({ source: sql<string | null>`${auditEvents.details}->>'source'` })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, "org.seed"), eq(auditEvents.outcome, "success")))
    .limit(1);
  return row?.source ?? null;
}

/** Shifts every date of the bots by whole days, so a demo file written `asOf` a day never ages. */
export function shiftBotDates(bots: TOrgFile["bots"], days: number): TOrgFile["bots"] {
  if (days === 0) return bots;
  const shift = (v: unknown) => {
    if (typeof v !== "string" && !(v instanceof Date)) return v;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) return v;
    const out = new Date(d.getTime() + days * DAY).toISOString();
    return typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? out.slice(0, 10) : out;
  };
  const each = <T extends Record<string, unknown>>(list: unknown, keys: string[]) =>
    Array.isArray(list) ? list.map((x: T) => ({ ...x, ...Object.fromEntries(keys.filter((k) => k in x).map((k) => [k, shift(x[k])])) })) : list;
  return bots.map((b) => {
    const r = b as Record<string, unknown>;
    const exc = r.exception as Record<string, unknown> | null | undefined;
    return {
      ...r,
      ...("createdAt" in r ? { createdAt: shift(r.createdAt) } : {}),
      ...("lastReviewedAt" in r ? { lastReviewedAt: shift(r.lastReviewedAt) } : {}),
      grants: each(r.grants, ["expiresAt"]),
      credentialReferences: each(r.credentialReferences, ["lastRotatedAt"]),
      ...(exc ? { exception: { ...exc, approvedAt: shift(exc.approvedAt), expiresAt: shift(exc.expiresAt) } } : {}),
    } as TOrgFile["bots"][number];
  }).map((b) => {
    const r = b as Record<string, unknown>;
    for (const k of ["grants", "credentialReferences"]) if (r[k] === undefined) delete r[k];
    return b;
  });
}

/** Reads an organization file (YAML or JSON) and checks it against ZOrgFile. */
export async function readOrgFile(path: string): Promise<TOrgFile> {
  const text = await readFile(path, "utf8");
  const parsed = ZOrgFile.safeParse(parse(text));
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 10).map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`${path} is not a valid organization file:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/**
 * Loads an organization (policy, systems, teams, people, skills registry, bots) into an EMPTY database in one
 * transaction (bots through the ordinary import, so they get the same checks and audit events). Returns false when the database already has an organization.
 */
export async function seedOrganization(db: Db, inventory: InventoryService, org: TOrgFile, source: string, now = new Date()) {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
    if (await hasOrgPolicy(tx)) return false;
    const o = org.organization;
    await seedOrgPolicy(tx, {
      orgName: o.name,
      botEmailDomain: o.botEmailDomain.toLowerCase(),
      namingRequiredTokens: o.namingRule.requiredTokens,
      namingOrgPrefix: o.namingRule.orgPrefix,
      channelAllowlist: o.channelAllowlist,
      channelBlocklist: o.channelBlocklist,
      reviewIntervalDays: o.reviewIntervalDays,
    });
    await seedSystems(tx, org.systems.map((s) => ({ ...s, description: s.description ?? null })));
    await seedDirectory(tx, { teams: org.teams, people: org.people });
    // Before the bots: their findings are computed against the registry as the file states it.
    await seedSkills(tx, org.skills, now);
    await recordAudit(tx, {
      actor: SYSTEM_ACTOR,
      action: "org.seed",
      resourceType: "organization",
      outcome: "success",
      details: { source, systems: org.systems.length, teams: org.teams.length, people: org.people.length, skills: org.skills.length },
    });
    if (org.bots.length) {
    const days = org.asOf ? Math.round((Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - Date.parse(org.asOf)) / DAY) : 0;
    const bots = shiftBotDates(org.bots, days);
    await inventory.importRecords(
      { system: SYSTEM_ACTOR, requestId: null },
      bots.map((data, i) => ({ row: i + 1, line: null, data })),
      // The organization's starting state, loaded by the server before anyone signs in: its exceptions keep their approvals as written.
      { dryRun: false, source, tx, exceptionApprovals: "from-file" },
    );
    }
    return true;
  });
}

/** A database with no organization gets a minimal policy, so Bridle can run without the demo. */
export async function seedEmptyOrganization(db: Db, domain: string) {
  await ensureOrgPolicy(db, { orgName: "My organization", botEmailDomain: domain, namingRequiredTokens: ["bot"], namingOrgPrefix: null });
}
