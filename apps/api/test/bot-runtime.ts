import { bots } from "@bridle/db";
import { eq } from "drizzle-orm";
import type { TestApp } from "./harness.ts";

/** Helpers for tests of the runtime side (bot tokens, decisions, approval long-polls). */

export async function botIdOf(t: TestApp, name: string): Promise<string> {
  const [row] = await t.database.db.select({ id: bots.id }).from(bots).where(eq(bots.name, name));
  if (!row) throw new Error(`no bot ${name}`);
  return row.id;
}

/** Creates a runtime token for the bot through the API as the bootstrap admin; returns its value and id. */
export async function botTokenFor(t: TestApp, name: string): Promise<{ token: string; id: string; botId: string }> {
  const botId = await botIdOf(t, name);
  const res = await t.api({ method: "POST", url: `/api/v1/bots/${botId}/tokens`, payload: { name: "test runtime", expiresInDays: 30 } });
  if (res.statusCode !== 201) throw new Error(`token for ${name}: ${res.statusCode} ${res.body}`);
  const body = res.json() as { token: string; id: string };
  return { token: body.token, id: body.id, botId };
}

export type DecisionBody = {
  action: string;
  target?: { system?: string; channel?: string; resource?: string };
  params?: unknown;
  paramsSummary?: string;
  sessionId?: string;
  requestId: string;
};

export const decide = (t: TestApp, token: string, body: DecisionBody) =>
  t.app.inject({ method: "POST", url: "/api/v1/decisions", headers: { authorization: `Bearer ${token}` }, payload: body });

/** Retries `fn` until `ok` holds (the decision snapshot follows NOTIFY a few ms after a commit). */
export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 3_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}
