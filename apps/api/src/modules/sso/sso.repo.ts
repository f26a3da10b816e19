import { oidcAuthRequests, type DbOrTx } from "@bridle/db";
import { eq, lt } from "drizzle-orm";

export async function insertAuthRequest(
  db: DbOrTx,
  r: { state: string; nonce: string; codeVerifier: string; returnTo: string; expiresAt: Date },
  now: Date,
) {
  // Sign-ins that were abandoned are cleaned up as new ones start.
  await db.delete(oidcAuthRequests).where(lt(oidcAuthRequests.expiresAt, now));
  await db.insert(oidcAuthRequests).values(r);
}

/** Takes (deletes and returns) the sign-in in flight for `state`: each state is used at most once. */
export async function takeAuthRequest(db: DbOrTx, state: string) {
  const [row] = await db.delete(oidcAuthRequests).where(eq(oidcAuthRequests.state, state)).returning();
  return row ?? null;
}
