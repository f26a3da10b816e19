import { createHash } from "node:crypto";
import {
  INVENTORY_COLUMNS,
  ZBotInput,
  ZSystemImportEntry,
  type TBotInputParsed,
  type TSystemImportEntry,
  type TImportResult,
  type TImportRowError,
  type TInventoryColumn,
} from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { stringify } from "csv-stringify/sync";
import { actorOf, denied, recordAudit, recordAuditBatch, SYSTEM_ACTOR, type Actor, type AuditEventInput } from "../audit/index.ts";
import { type RequestCtx } from "../../lib/context.ts";
import { AppError } from "../../lib/errors.ts";
import { findSecrets, secretMessage, withoutEchoedSecrets } from "../../lib/secrets.ts";
import { can } from "../../lib/permissions.ts";
import * as botsModule from "../bots/index.ts";
import { replaceCredentialReferences } from "../credentials/index.ts";
import { loadPolicyInput } from "../policy-settings/index.ts";
import { canonical, exceptionContent, fieldChanges, mergeOverStored, scopeRemovals, withoutFileApproval } from "./inventory.diff.ts";
import { csvColumnOf, neutraliseFormulaText, normalizeLineEndings, type RawRecord } from "./inventory.parse.ts";
import { loadBotsAsInput } from "./inventory.repo.ts";
import { emit } from "../../lib/domain-events.ts";
import { upsertSystems } from "../systems/index.ts";

/** Stands in for the id of a system that a dry run would create (nothing is written on a dry run). */
const PLANNED_SYSTEM_ID = "00000000-0000-0000-0000-000000000000";

/**
 * Validates a file's `systems:` block and (unless `dryRun`, or when it has problems) creates or
 * updates the systems through the systems module's command. Changing the catalog needs
 * `systems.manage`; a block that matches the catalog as it is needs nothing more than the import.
 */
async function importSystemsBlock(
  tx: DbOrTx,
  recs: RawRecord[],
  refused: string[],
  o: { actor: Actor; requestId: string | null; via: string; dryRun: boolean; mayManage: boolean },
): Promise<{ errors: TImportRowError[]; systems: TImportResult["systems"] }> {
  const errors: TImportRowError[] = [];
  const entries: TSystemImportEntry[] = [];
  const seen = new Map<string, number>();
  recs.forEach((rec, i) => {
    const key = (rec.data as { key?: unknown } | null)?.key;
    const at = (field: string | null, message: string) =>
      errors.push({ line: rec.line, row: 0, name: typeof key === "string" ? key : null, field: `systems.${i}${field ? `.${field}` : ""}`, message });
    const parsed = ZSystemImportEntry.safeParse(rec.data);
    if (!parsed.success) return parsed.error.issues.forEach((issue) => at(issue.path.join(".") || null, issue.message));
    const first = seen.get(parsed.data.key);
    if (first !== undefined) return at("key", `duplicate connected system ${parsed.data.key}: also systems.${first}`);
    seen.set(parsed.data.key, i);
    entries.push(parsed.data);
  });
  const none = { created: [], updated: [], unchanged: [] };
  if (errors.length || !entries.length) return { errors, systems: none };
  const audit = { actor: o.actor, requestId: o.requestId, via: o.via };
  const plan = await upsertSystems(tx, entries, audit, { dryRun: true });
  if (!o.mayManage && plan.created.length + plan.updated.length) {
    const keys = [...plan.created, ...plan.updated];
    refused.push(`connected systems ${keys.join(", ")}: add or change`);
    return {
      errors: [{ line: recs[0]?.line ?? null, row: 0, name: null, field: "systems", message: `only admins may add or change connected systems (${keys.join(", ")}); ask one, or leave the block out` }],
      systems: none,
    };
  }
  return { errors, systems: o.dryRun ? plan : await upsertSystems(tx, entries, audit, { dryRun: false }) };
}

export function createInventoryService(deps: { db: Db }) {
  const { db } = deps;

  /**
   * Imports bots (created when new, updated when the name exists), all or nothing.
   * A record updates only the fields it has: a CSV column or YAML/JSON key the file leaves out
   * keeps the stored value; an empty cell, `null` or `[]` clears it (see csvRecordToBot).
   * Every row is checked before anything is written: an invalid field, unknown owner, team or
   * system, or a name used twice in the file answers 400 `import_invalid` with one error per
   * problem and its line, all of a row's problems at once (references are checked even when a
   * field is invalid). Errors name CSV columns for CSV records, field paths otherwise. With
   * `dryRun` nothing is written and the plan is returned: per updated bot each changed field
   * before and after, and the grants, channels, credential references and service accounts it
   * would remove.
   *
   * Golden Rule exceptions (issue 7, section 5): `approvedBy` / `approvedAt` in a file are never
   * stored. An exception equal to the stored one (status, purpose, systems, channels,
   * classification, requirements, expiry) keeps its stored approval; a new or changed one is
   * recorded as approved by whoever runs the import (the person's email, or the CLI's label) at
   * the import's time, and its audit event names the file and its SHA-256. Recording one needs
   * `policy.update` (admins). Only the server's own bootstrap seed passes
   * `exceptionApprovals: "from-file"`, to load the organization's starting state as written.
   */
  async function importRecords(
    actor: { ctx: RequestCtx } | { system: Actor; requestId: string | null },
    records: RawRecord[],
    options: {
      dryRun: boolean;
      source: string;
      tx?: DbOrTx;
      text?: string;
      fileName?: string;
      exceptionApprovals?: "recorded" | "from-file";
      systems?: RawRecord[];
    },
  ): Promise<TImportResult> {
    if ("ctx" in actor && !can(actor.ctx.principal, "inventory.import"))
      throw await denied(db, actor.ctx, { action: "inventory.import", resourceType: "inventory", what: "import the inventory" });
    const auditActor = "ctx" in actor ? actorOf(actor.ctx.principal) : actor.system;
    const requestId = "ctx" in actor ? actor.ctx.requestId : actor.requestId;
    if (records.length === 0 && !options.systems?.length) throw new AppError("import_invalid", "The file has no bots", { rows: [] });
    if (records.length > 20_000) throw new AppError("import_invalid", "At most 20,000 bots per import", { rows: [] });

    // Inside a caller's transaction (the seed) this becomes a savepoint.
    // Secrets pasted into any cell are refused; the raw file is scanned once and hits mapped to rows.
    const secretErrors: TImportRowError[] = [];
    if (options.text !== undefined) {
      const starts = records.filter((r) => r.line !== null).sort((a, b) => a.line! - b.line!);
      // Lines as parseInventory counts them.
      for (const hit of await findSecrets(normalizeLineEndings(options.text))) {
        const rec = [...starts].reverse().find((r) => r.line! <= hit.line);
        const name = (rec?.data as { name?: unknown } | undefined)?.name;
        secretErrors.push({ line: hit.line, row: rec?.row ?? 0, name: typeof name === "string" ? name : null, field: null, message: secretMessage(hit) });
      }
    } else {
      for (const rec of records) {
        for (const hit of await findSecrets(JSON.stringify(rec.data))) secretErrors.push({ line: rec.line, row: rec.row, name: null, field: null, message: secretMessage(hit) });
      }
    }
    // What the importer may not do (an exception recorded or removed, the catalog changed): a
    // write refused for it is audited as denied once the import's transaction is rolled back.
    const refused: string[] = [];
    return (options.tx ?? db).transaction(async (tx) => {
      // The `systems:` block first, through the systems module, so the bots below can use them;
      // its problems join the bots' and nothing is written unless the whole file is valid.
      const systemsPart = await importSystemsBlock(tx, options.systems ?? [], refused, {
        actor: auditActor,
        requestId,
        via: options.source,
        dryRun: options.dryRun,
        mayManage: !("ctx" in actor) || can(actor.ctx.principal, "systems.manage"),
      });
      const refs = await botsModule.loadRefs(tx);
      // On a dry run the new systems are not written: let the bots refer to them all the same.
      for (const key of systemsPart.systems.created) if (!refs.systems.has(key)) refs.systems.set(key, PLANNED_SYSTEM_ID);
      const policy = await loadPolicyInput(tx);
      const domain = policy?.policy.botEmailDomain ?? "example.com";
      const errors: TImportRowError[] = [...secretErrors, ...systemsPart.errors];
      const valid: { rec: RawRecord; input: TBotInputParsed; resolved: botsModule.ResolvedBot }[] = [];
      const seen = new Map<string, number>();
      const secretRows = new Set(secretErrors.map((e) => e.row));
      const rawNameOf = (rec: RawRecord) => {
        const n = typeof rec.data === "object" && rec.data !== null ? (rec.data as { name?: unknown }).name : undefined;
        return typeof n === "string" ? n : null;
      };
      // The stored bots the file names, so each record is laid over what it does not mention.
      const fileNames = [...new Set(records.map(rawNameOf).flatMap((n) => (n?.trim() ? [n.trim()] : [])))];
      const existing = await botsModule.botIdsByName(tx, fileNames);
      const current = new Map((await loadBotsAsInput(tx, [...existing.keys()])).map((b) => [b.name, b]));
      const mayRecordException = !("ctx" in actor) || can(actor.ctx.principal, "policy.update");
      for (const rec of records) {
        const name = rawNameOf(rec);
        const stored = name === null ? undefined : current.get(name.trim());
        const fromFile = options.exceptionApprovals === "from-file" ? rec.data : withoutFileApproval(rec.data);
        const data = mergeOverStored(fromFile, stored);
        // A row's errors, once each, with the field as the user wrote it (a CSV column, or a field path).
        const rowErrors = new Map<string, TImportRowError>();
        const add = (field: string | null, message: string) =>
          rowErrors.set(`${field ?? ""}\u0000${message}`, { line: rec.line, row: rec.row, name, field, message });
        const err = (path: string | null, message: string) => add(path && rec.format === "csv" ? csvColumnOf(path) : path, message);
        // A cell is quoted back only when nothing on its row looks like a secret.
        for (const e of rec.errors ?? []) add(e.field, secretRows.has(rec.row) && e.cell ? e.message.replaceAll(e.cell, "…") : e.message);
        const parsed = ZBotInput.safeParse(data);
        const invalid = new Set(parsed.success ? [] : parsed.error.issues.map((i) => i.path.join(".")));
        for (const issue of parsed.success ? [] : parsed.error.issues) err(issue.path.join(".") || null, issue.message);
        if (parsed.success && parsed.data.exception) {
          const same = stored?.exception && exceptionContent(stored.exception) === exceptionContent(parsed.data.exception);
          // An exception the file repeats unchanged keeps its stored approval record (an export imports back as it was).
          if (same) parsed.data.exception = undefined;
          // Golden Rule exceptions are approved by security; only admins may record one directly.
          else if (!mayRecordException) {
            err("exception", "only admins may import a Golden Rule exception; request it for approval instead");
            refused.push(`${parsed.data.name}: record a Golden Rule exception`);
          }
        } else if (parsed.success && parsed.data.exception === null && stored?.exception && !mayRecordException) {
          // Removing a recorded exception changes it too (as PATCH /bots/{id} rules): admins only.
          err("exception", "only admins may remove a Golden Rule exception; leave the exception in the file, or ask an admin");
          refused.push(`${parsed.data.name}: remove a Golden Rule exception`);
        }
        const validName = parsed.success ? parsed.data.name : !invalid.has("name") && name !== null ? name.trim() : null;
        const firstRow = validName === null ? undefined : seen.get(validName);
        if (validName !== null && firstRow !== undefined) err("name", `duplicate bot name ${validName}: also on row ${firstRow}`);
        else if (validName !== null) seen.set(validName, rec.row);
        if (!parsed.success) {
          // Owner, team and systems are still looked up, so a row's problems all show at once.
          for (const e of await withoutEchoedSecrets(botsModule.rawReferenceErrors(data, refs, invalid))) err(e.field, e.message);
        } else {
          const res = botsModule.resolveBotInput(parsed.data, refs, domain);
          if (!res.ok) for (const e of await withoutEchoedSecrets(res.errors)) err(e.field, e.message);
          else if (rowErrors.size === 0) valid.push({ rec, input: parsed.data, resolved: res.bot });
        }
        errors.push(...rowErrors.values());
      }
      if (errors.length) {
        const first = errors[0]!;
        throw new AppError(
          "import_invalid",
          `${errors.length} problem(s) in the file; nothing was imported. First: ${first.line ? `line ${first.line}: ` : ""}${first.field ? `${first.field}: ` : ""}${first.message}`,
          { rows: errors },
        );
      }

      // Who approved a new or changed exception is the server's record: this import, now.
      const now = new Date().toISOString();
      const recorder = auditActor.label ?? auditActor.type;
      for (const v of valid) {
        const before = current.get(v.input.name);
        const e = v.input.exception;
        if (e && options.exceptionApprovals !== "from-file")
          v.input.exception = { ...e, approvedBy: e.status === "approved" ? recorder : null, approvedAt: e.status === "approved" ? now : null };
        if (before) {
          // CSV cells carry only system=reference: keep the rotation data of a reference that stays.
          v.input.credentialReferences = v.input.credentialReferences.map((c) => {
            const old = before.credentialReferences.find((o) => o.system === c.system && o.reference === c.reference);
            if (!old) return c;
            return {
              ...c,
              rotationIntervalDays: c.rotationIntervalDays === undefined ? old.rotationIntervalDays : c.rotationIntervalDays,
              lastRotatedAt: c.lastRotatedAt === undefined ? old.lastRotatedAt : c.lastRotatedAt,
            };
          });
        }
        const res = botsModule.resolveBotInput(v.input, refs, domain);
        if (res.ok) v.resolved = res.bot;
      }
      const plan = valid.map((v) => {
        const before = current.get(v.input.name);
        if (!before) return { ...v, action: "create" as const, keys: [] as string[], changes: [], removals: [] };
        const a = canonical(before, domain);
        const b = canonical(v.input, domain);
        const keys = Object.keys(b).filter(
          (k) => a[k] !== b[k] && !(k === "exception" && v.input.exception === undefined) && !(k === "createdAt" && !v.input.createdAt),
        );
        const fieldName = (path: string) => (v.rec.format === "csv" ? csvColumnOf(path) : path);
        const changes = fieldChanges({ before, after: v.input, changedKeys: keys, domain, fieldName });
        const removals = scopeRemovals(before, v.input);
        return { ...v, action: keys.length ? ("update" as const) : ("unchanged" as const), keys, changes, removals };
      });
      const result: TImportResult = {
        dryRun: options.dryRun,
        created: plan.filter((p) => p.action === "create").length,
        updated: plan.filter((p) => p.action === "update").length,
        unchanged: plan.filter((p) => p.action === "unchanged").length,
        systems: systemsPart.systems,
        removals: plan.reduce((n, p) => n + p.removals.length, 0),
        rows: plan.map((p) => ({
          row: p.rec.row,
          line: p.rec.line,
          name: p.input.name,
          action: p.action,
          changes: p.changes,
          removals: p.removals,
        })),
      };
      if (options.dryRun) return result;

      const file = {
        source: options.source,
        ...(options.fileName ? { fileName: options.fileName } : {}),
        ...(options.text !== undefined ? { sha256: createHash("sha256").update(options.text).digest("hex") } : {}),
      };
      const events: AuditEventInput[] = [];
      const written: string[] = [];
      const ownerChanged: string[] = [];
      const scopeChanged: string[] = [];
      for (const p of plan) {
        if (p.action === "unchanged") continue;
        const id = await botsModule.writeBot(tx, p.resolved, existing.get(p.input.name)?.id);
        if (p.action === "update" && p.keys.includes("owner")) ownerChanged.push(id);
        if (p.action === "update" && (p.keys.includes("grants") || p.keys.includes("channels"))) scopeChanged.push(id);
        await replaceCredentialReferences(tx, { botId: id, references: p.resolved.credentialReferences });
        written.push(id);
        // A recorded exception names who recorded it, when, and from which file.
        const exception = p.input.exception
          ? { exception: { approvedBy: p.input.exception.approvedBy ?? null, approvedAt: p.input.exception.approvedAt ?? null, ...file } }
          : {};
        const envelope = { actor: auditActor, resourceType: "bot", resourceId: id, outcome: "success", requestId } as const;
        events.push(
          p.action === "create"
            ? { ...envelope, action: "bot.create", details: { name: p.input.name, owner: p.input.owner, environment: p.input.environment, via: "import", ...exception } }
            : {
                ...envelope,
                action: "bot.update",
                details: {
                  name: p.input.name,
                  via: "import",
                  changes: Object.fromEntries(p.changes.map((c) => [c.field, { before: c.before, after: c.after }])),
                  ...(p.removals.length ? { removed: p.removals } : {}),
                  ...exception,
                },
              },
        );
      }
      for (let i = 0; i < events.length; i += 1000) await recordAuditBatch(tx, events.slice(i, i + 1000));
      await emit(tx, { type: "inventory.imported", botIds: written, systemKeys: [...result.systems.created, ...result.systems.updated], ownerChanged, scopeChanged });
      await recordAudit(tx, {
        actor: auditActor,
        action: "inventory.import",
        resourceType: "inventory",
        outcome: "success",
        requestId,
        details: { ...file, created: result.created, updated: result.updated, unchanged: result.unchanged, removals: result.removals, systemsCreated: result.systems.created.length, systemsUpdated: result.systems.updated.length },
      });
      return result;
    }).catch(async (e: unknown) => {
      if (refused.length && !options.dryRun && "ctx" in actor)
        await recordAudit(db, {
          actor: auditActor,
          action: "inventory.import",
          resourceType: "inventory",
          outcome: "denied",
          requestId,
          details: { roles: actor.ctx.principal.roles, refused, source: options.source, ...(options.fileName ? { fileName: options.fileName } : {}) },
        });
      throw e;
    });
  }

  /** The whole inventory as JSON (`{ bots }`, importable back) or CSV (INVENTORY_COLUMNS). */
  async function exportInventory(ctx: RequestCtx, format: "csv" | "json"): Promise<string> {
    if (!can(ctx.principal, "inventory.export"))
      throw await denied(db, ctx, { action: "inventory.export", resourceType: "inventory", what: "export the inventory" });
    const bots = await loadBotsAsInput(db);
    await recordAudit(db, {
      actor: actorOf(ctx.principal),
      action: "inventory.export",
      resourceType: "inventory",
      outcome: "success",
      requestId: ctx.requestId,
      details: { format, bots: bots.length },
    });
    if (format === "json") return JSON.stringify({ bots }, null, 2);
    return inventoryCsv(bots);
  }

  return { importRecords, exportInventory };
}
export type InventoryService = ReturnType<typeof createInventoryService>;

const day = (v: string | null | undefined) => (v ? v.slice(0, 10) : "");

export function toCsvRow(b: TBotInputParsed): Record<TInventoryColumn, string> {
  const p = b.runtimeProfile;
  return {
    name: b.name,
    email: b.email ?? "",
    owner: b.owner,
    team: b.team,
    purpose: b.purpose,
    environment: b.environment,
    runtime: b.runtime ?? "",
    status: b.status,
    internal_data_access: b.internalDataAccess,
    channels: b.channels.join(";"),
    grants: b.grants.map((g) => `${g.scope}${g.expiresAt ? `@${day(g.expiresAt)}` : ""}`).join(";"),
    service_accounts: b.serviceAccounts.map((s) => `${s.system}=${s.account}`).join(";"),
    credential_references: b.credentialReferences.map((c) => `${c.system}=${c.reference}`).join(";"),
    credential_storage: b.credentialStorage ?? "",
    gated_actions: b.gatedActions.join(";"),
    created_at: b.createdAt ?? "",
    last_reviewed_at: b.lastReviewedAt ?? "",
    runtime_owner: p.runtimeOwner ?? "",
    hosting_environment: p.hostingEnvironment ?? "",
    workspace_persistence: p.workspacePersistence ?? "",
    network_access_policy: (p.networkAccessPolicy ?? []).join(";"),
    allowed_tools: (p.allowedTools ?? []).join(";"),
    shell_execution_policy: p.shellExecutionPolicy ?? "",
    data_retention: p.dataRetention ?? "",
    deletion_procedure: p.deletionProcedure ?? "",
    incident_response_owner: p.incidentResponseOwner ?? "",
  };
}

/**
 * The inventory as CSV (INVENTORY_COLUMNS). Cells a spreadsheet would run as a formula are
 * neutralised with a leading `'` (OWASP "CSV Injection"; csv-stringify's `escape_formulas`, plus
 * neutraliseFormulaText for text already starting with `'`), and import strips exactly that
 * prefix again (restoreFormulaText), so every value round-trips.
 */
export function inventoryCsv(bots: TBotInputParsed[]): string {
  return stringify(bots.map(toCsvRow), {
    header: true,
    columns: [...INVENTORY_COLUMNS],
    escape_formulas: true,
    cast: { string: neutraliseFormulaText },
  });
}

export { SYSTEM_ACTOR };
