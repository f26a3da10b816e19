import type { Db } from "@bridle/db";
import { hashToken } from "../lib/crypto.ts";
import { recordAudit, SYSTEM_ACTOR } from "../modules/audit/index.ts";
import { bootstrapAdminId } from "../modules/people/index.ts";
import { registerBootstrapToken } from "../modules/tokens/index.ts";

export { ensureBootstrapAdmin, type BootstrapResult } from "../modules/people/index.ts";

/** Registers BRIDLE_BOOTSTRAP_ADMIN_TOKEN (its SHA-256 only) as an admin API token of the bootstrap admin. */
export async function ensureBootstrapToken(db: Db, token: string): Promise<void> {
  const tokenHash = hashToken(token);
  await db.transaction(async (tx) => {
    const personId = await bootstrapAdminId(tx);
    if (!personId) throw new Error("no bootstrap admin to own BRIDLE_BOOTSTRAP_ADMIN_TOKEN");
    const id = await registerBootstrapToken(tx, { tokenHash, personId, name: "bootstrap admin token (BRIDLE_BOOTSTRAP_ADMIN_TOKEN)" });
    if (!id) return;
    await recordAudit(tx, {
      actor: SYSTEM_ACTOR,
      action: "token.bootstrap_register",
      resourceType: "api_token",
      resourceId: id,
      outcome: "success",
    });
  });
}
