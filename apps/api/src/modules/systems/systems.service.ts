import { changesBetween } from "@bridle/contracts";
import type {
  TConnectedSystem,
  TCreateSystemRequest,
  TSystemDetail,
  TSystemImportEntry,
  TSystemClassification,
  TUpdateSystemRequest,
} from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { type RequestCtx } from "../../lib/context.ts";
import { AppError, fieldError, notFound } from "../../lib/errors.ts";
import { refuseSecretFields } from "../../lib/secrets.ts";
import { can } from "../../lib/permissions.ts";
import { emit } from "../../lib/domain-events.ts";
import { type Actor, actorOf, denied, recordAudit } from "../audit/index.ts";
import * as repo from "./systems.repo.ts";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * A classification decides which bots break the Golden Rule, and a system's key may also name a
 * channel (README "Rules"), so any write other than a rename or a new description emits
 * `system.changed`: every bot's findings are recomputed in the writing transaction, and every
 * replica rebuilds its decision snapshot when it commits. @returns how many bots' findings changed
 */
async function afterCatalogChange(tx: DbOrTx, system: { id: string; key: string }, change: "created" | "reclassified" | "removed"): Promise<number> {
  const { findingsChanged } = await emit(tx, { type: "system.changed", systemId: system.id, key: system.key, change });
  return findingsChanged;
}

/**
 * Command for other modules (the inventory import): creates the systems of `entries` that do not
 * exist and updates those that differ, inside the caller's transaction, with one audit event
 * each. No domain event is emitted here: the caller emits one after all its writes (the import's
 * `inventory.imported` names the systems written), so findings are recomputed once. Returns the keys by outcome.
 * The caller checks the permission (`systems.manage`) before calling.
 */
export async function upsertSystems(
  tx: DbOrTx,
  entries: TSystemImportEntry[],
  audit: { actor: Actor; requestId: string | null; via: string },
  options: { dryRun: boolean },
): Promise<{ created: string[]; updated: string[]; unchanged: string[] }> {
  const out = { created: [] as string[], updated: [] as string[], unchanged: [] as string[] };
  const existing = new Map((await repo.lockSystemsByKey(tx, entries.map((e) => e.key))).map((s) => [s.key, s]));
  for (const e of entries) {
    const before = existing.get(e.key);
    const next = { key: e.key, name: e.name, classification: e.classification, description: e.description ?? before?.description ?? null };
    if (!before) {
      out.created.push(e.key);
      if (options.dryRun) continue;
      const id = await repo.insertSystem(tx, next);
      if (!id) throw new AppError("conflict", `The connected system ${e.key} was created by someone else meanwhile; import again`);
      await recordAudit(tx, {
        actor: audit.actor,
        action: "system.create",
        resourceType: "connected_system",
        resourceId: id,
        outcome: "success",
        requestId: audit.requestId,
        details: { after: next, via: audit.via },
      });
      continue;
    }
    const changed = (["name", "classification", "description"] as const).filter((k) => before[k] !== next[k]);
    if (!changed.length) {
      out.unchanged.push(e.key);
      continue;
    }
    out.updated.push(e.key);
    if (options.dryRun) continue;
    await repo.updateSystem(tx, before.id, { name: next.name, classification: next.classification, description: next.description });
    await recordAudit(tx, {
      actor: audit.actor,
      action: "system.update",
      resourceType: "connected_system",
      resourceId: before.id,
      outcome: "success",
      requestId: audit.requestId,
      details: { key: e.key, changes: changesBetween<Record<string, unknown>>(before, next, changed), via: audit.via },
    });
  }
  return out;
}

/**
 * Command for org policy: sets the classification of the system `key` inside the caller's
 * transaction (the caller emits its own domain event, org policy's `org_policy.changed`, and writes its own audit event).
 * @returns the classification it had, or null when no system has that key
 */
export async function setSystemClassification(tx: DbOrTx, key: string, classification: TSystemClassification): Promise<{ before: TSystemClassification } | null> {
  const [row] = await repo.lockSystemsByKey(tx, [key]);
  if (!row) return null;
  await repo.updateSystem(tx, row.id, { classification });
  return { before: row.classification as TSystemClassification };
}

/** The catalog as org policy shows it: key, name, classification, description, by name. */
export async function listSystems(db: DbOrTx): Promise<TConnectedSystem[]> {
  return (await repo.listSystems(db)).map(({ usage: _usage, ...s }) => s);
}

/** How many systems the catalog holds (the first-run checklist). */
export const countSystems = (db: DbOrTx) => repo.countSystems(db);

/**
 * The connected system catalog: every signed-in person reads it (an owner picks a grant's
 * system); `systems.manage` (admins) changes it. Every write and denied attempt is audited.
 */
export function createSystemsService(deps: { db: Db }) {
  const { db } = deps;

  const requireManage = async (ctx: RequestCtx, what: string, resourceId: string | null, action: "system.create" | "system.update" | "system.delete") => {
    if (!can(ctx.principal, "systems.manage"))
      throw await denied(db, ctx, { action, resourceType: "connected_system", resourceId, what });
  };

  /** Every system by name, with how many grants, service accounts and credential references use it. */
  async function list(): Promise<TSystemDetail[]> {
    return repo.listSystems(db);
  }

  async function get(id: string): Promise<TSystemDetail> {
    const s = await repo.getSystem(db, id);
    if (!s) throw notFound("Connected system");
    return s;
  }

  /**
   * Adds a system. 409 `conflict` when the key is taken. Findings are recomputed (a bot's channel
   * may carry the new key, and unknown keys count as external).
   */
  async function create(ctx: RequestCtx, input: TCreateSystemRequest): Promise<TSystemDetail & { recomputed: number }> {
    await requireManage(ctx, "add connected systems", null, "system.create");
    await refuseSecretFields(input);
    const values = { key: input.key, name: input.name, classification: input.classification, description: input.description ?? null };
    const { id, recomputed } = await db.transaction(async (tx) => {
      const id = await repo.insertSystem(tx, values);
      if (!id)
        throw new AppError("conflict", `A connected system with the key ${input.key} already exists`, {
          fields: [fieldError("key", "duplicate", "already in use")],
        });
      const recomputed = await afterCatalogChange(tx, { id, key: input.key }, "created");
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "system.create",
        resourceType: "connected_system",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { after: values, findingsChanged: recomputed },
      });
      return { id, recomputed };
    });
    return { ...(await get(id)), recomputed };
  }

  /**
   * Renames, describes or reclassifies a system (the key never changes: grants are written with
   * it). A new classification recomputes every bot's findings in the same transaction.
   */
  async function update(ctx: RequestCtx, id: string, patch: TUpdateSystemRequest): Promise<TSystemDetail & { recomputed: number }> {
    await requireManage(ctx, "change connected systems", id, "system.update");
    await refuseSecretFields(patch);
    const recomputed = await db.transaction(async (tx) => {
      const before = await repo.lockSystem(tx, id);
      if (!before) throw notFound("Connected system");
      const next = { ...before, ...patch };
      const changed = (["name", "classification", "description"] as const).filter((k) => before[k] !== next[k]);
      if (!changed.length) return 0;
      await repo.updateSystem(tx, id, { name: next.name, classification: next.classification, description: next.description });
      const recomputed = changed.includes("classification") ? await afterCatalogChange(tx, before, "reclassified") : 0;
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "system.update",
        resourceType: "connected_system",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { key: before.key, changes: changesBetween<Record<string, unknown>>(before, next, changed), findingsChanged: recomputed },
      });
      return recomputed;
    });
    return { ...(await get(id)), recomputed };
  }

  /**
   * Removes a system nothing uses. A system that grants, service accounts or credential
   * references still point at answers 409 `conflict` naming the counts (the records would lose
   * their system; remove or move them first). Findings are recomputed: a channel with the key
   * becomes unknown, hence external.
   */
  async function remove(ctx: RequestCtx, id: string): Promise<{ recomputed: number }> {
    await requireManage(ctx, "remove connected systems", id, "system.delete");
    return db.transaction(async (tx) => {
      // The row lock waits for (and then sees) grants being added to this system concurrently.
      const before = await repo.lockSystem(tx, id);
      if (!before) throw notFound("Connected system");
      const { usage } = (await repo.getSystem(tx, id))!;
      const inUse = usage.grants + usage.serviceAccounts + usage.credentialReferences;
      if (inUse > 0) {
        const parts = [
          usage.grants ? plural(usage.grants, "grant", "grants") : null,
          usage.serviceAccounts ? plural(usage.serviceAccounts, "service account", "service accounts") : null,
          usage.credentialReferences ? plural(usage.credentialReferences, "credential reference", "credential references") : null,
        ].filter(Boolean);
        throw new AppError(
          "conflict",
          `${before.name} is still used by ${parts.join(", ")}; remove them from their bots before removing the system`,
          { usage },
        );
      }
      await repo.deleteSystem(tx, id);
      const recomputed = await afterCatalogChange(tx, before, "removed");
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "system.delete",
        resourceType: "connected_system",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { before, findingsChanged: recomputed },
      });
      return { recomputed };
    });
  }

  return { list, get, create, update, remove };
}
export type SystemsService = ReturnType<typeof createSystemsService>;
