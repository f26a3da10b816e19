import type { DbOrTx } from "@bridle/db";
import { chainHead } from "../audit/index.ts";
import * as repo from "./siem.repo.ts";

/** Each destination's lag in sealed events (chain head minus its cursor), for /metrics. */
export async function siemLag(db: DbOrTx): Promise<{ name: string; kind: string; enabled: boolean; lag: number; failures: number }[]> {
  const [rows, head] = [await repo.positions(db), await chainHead(db)];
  return rows.map((r) => ({ name: r.name, kind: r.kind, enabled: r.enabled, lag: Math.max(0, head.position - r.position), failures: r.failures }));
}
