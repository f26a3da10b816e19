import { existsSync } from "node:fs";
import type { DbHandle } from "@bridle/db";
import type { Config } from "../config.ts";
import { createInventoryService } from "../modules/inventory/index.ts";
import { registerSubscribers } from "../subscribers.ts";
import { ensureBootstrapAdmin, ensureBootstrapToken, type BootstrapResult } from "./admin.ts";
import { DEMO_FILE, readOrgFile, seedEmptyOrganization, seedOrganization } from "./seed.ts";

/**
 * Everything that happens before the server listens: migrations, the organization on an empty
 * database (the demo org unless BRIDLE_SEED=none), the bootstrap admin and token.
 * `orgSeeded`: the organization was loaded now, into an empty database.
 */
export async function prepareDatabase(config: Config, database: DbHandle, log: (msg: string) => void): Promise<BootstrapResult & { orgSeeded: boolean }> {
  await database.migrate();
  // The seed is an import: its domain event recomputes findings.
  registerSubscribers();
  const file = config.BRIDLE_SEED_FILE ?? (config.BRIDLE_SEED === "demo" ? DEMO_FILE : null);
  let orgSeeded = false;
  if (file && existsSync(file)) {
    const org = await readOrgFile(file);
    orgSeeded = await seedOrganization(database.db, createInventoryService({ db: database.db }), org, file);
    if (orgSeeded) log(`Loaded the organization "${org.organization.name}" from ${file}: ${org.people.length} people, ${org.bots.length} bots`);
  } else {
    await seedEmptyOrganization(database.db, (config.BRIDLE_BOOTSTRAP_ADMIN_EMAIL ?? "admin@example.com").split("@")[1]!);
  }
  const admin = await ensureBootstrapAdmin(database.db, {
    email: config.BRIDLE_BOOTSTRAP_ADMIN_EMAIL,
    password: config.BRIDLE_BOOTSTRAP_ADMIN_PASSWORD,
  });
  if (config.BRIDLE_BOOTSTRAP_ADMIN_TOKEN) await ensureBootstrapToken(database.db, config.BRIDLE_BOOTSTRAP_ADMIN_TOKEN);
  return { ...admin, orgSeeded };
}
