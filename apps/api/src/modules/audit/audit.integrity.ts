import type { TAuditExportQuery, TAuditVerifyReport } from "@bridle/contracts";
import type { DbHandle } from "@bridle/db";
import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../../config.ts";
import type { RequestCtx } from "../../lib/context.ts";
import { can } from "../../lib/permissions.ts";
import { loadSigningKeys, loadStoredSigningKeys, type DecisionSigner } from "../../lib/signing.ts";
import { CHECKPOINT_JWS_TYPE, type ExportRecord } from "./audit.chain.ts";
import { chainRecords, exportStart } from "./audit.chain.repo.ts";
import { exportStream } from "./audit.export.ts";
import { auditEventWhere, type AuditEventFilter } from "./audit.repo.ts";
import { recordAudit } from "./audit.writer.ts";
import { actorOf, denied } from "./denied.ts";
import { applyRetention, ensurePartitions } from "./audit.retention.ts";
import { createSealer } from "./audit.sealer.ts";
import { judgeKeys, type Jwks, type KeyTrust } from "./audit.keys.ts";
import { createVerifier, verifyExportedCheckpoint, type CheckpointCheck } from "./audit.verifier.ts";
import type { CheckpointRecord } from "./audit.chain.ts";

/**
 * The keys that may vouch for the database's checkpoints (audit.keys.ts): every row of
 * `signing_keys`, judged against the pinned thumbprints, an auditor's JWKS and the encryption key
 * (each when given).
 */
export async function databaseKeyTrust(database: DbHandle, o: { pins?: readonly string[] | undefined; jwks?: Jwks | undefined; encryptionKey?: Buffer | undefined }): Promise<KeyTrust> {
  return judgeKeys({
    stored: await loadStoredSigningKeys(database.db),
    ...(o.pins ? { pins: o.pins } : {}),
    ...(o.jwks ? { jwks: o.jwks } : {}),
    ...(o.encryptionKey ? { encryptionKey: o.encryptionKey } : {}),
  });
}

/** Verifies the whole chain in the database (streamed), trusting the keys `trust` trusts. */
export async function verifyDatabase(database: DbHandle, trust: KeyTrust): Promise<TAuditVerifyReport> {
  const started = Date.now();
  const verifier = createVerifier({ trust });
  for await (const r of chainRecords(database.db)) verifier.push(r);
  return { ...verifier.finish(), checkedAt: new Date().toISOString(), durationMs: Date.now() - started };
}

/** Checks an exported checkpoint against the database's chain (`verifyExportedCheckpoint`), recomputed from its signed start. */
export async function verifyCheckpointInDatabase(database: DbHandle, cp: CheckpointRecord, trust: KeyTrust): Promise<CheckpointCheck> {
  return verifyExportedCheckpoint(cp, trust, chainRecords(database.db));
}

/** The filters of an export, as the list's (`AuditEventFilter`), and as shown in the export header. */
export function exportFilter(q: Omit<TAuditExportQuery, "format">): { filter: AuditEventFilter; shown: Record<string, string> } {
  const shown: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (typeof v === "string" && v) shown[k] = v;
  const { from, to, ...rest } = shown;
  return { filter: { ...rest, ...(from ? { from: new Date(from) } : {}), ...(to ? { to: new Date(to) } : {}) }, shown };
}

/** The records of an export with `q`'s filters (events outside them appear as chain hashes only). */
export async function* exportRecords(database: DbHandle, q: Omit<TAuditExportQuery, "format">): AsyncGenerator<ExportRecord> {
  const { filter, shown } = exportFilter(q);
  const start = await exportStart(database.db, filter.from);
  yield* chainRecords(database.db, { where: auditEventWhere(filter), start, to: filter.to, filters: shown });
}

/**
 * The tamper-evident side of the audit log (docs/AUDIT.md): the sealer (every
 * BRIDLE_AUDIT_SEAL_INTERVAL_MS, one replica at a time), partition maintenance and retention
 * (every BRIDLE_AUDIT_MAINTENANCE_MINUTES, by the replica that seals), verification and export.
 * `retentionDays` reads the org setting (org policy's `auditRetentionDays`).
 */
export function createAuditIntegrity(deps: { database: DbHandle; config: Config; log: FastifyBaseLogger; retentionDays: () => Promise<number> }) {
  const { database, config, log } = deps;
  const { db } = database;
  let signer: DecisionSigner | null = null;
  let verifying: Promise<TAuditVerifyReport> | null = null;
  const options = {
    signer: () => signer,
    checkpointEvery: config.BRIDLE_AUDIT_CHECKPOINT_EVENTS,
    checkpointIntervalMs: config.BRIDLE_AUDIT_CHECKPOINT_MINUTES * 60_000,
  };
  const maintenance = async () => {
    const created = await ensurePartitions(db);
    if (created) log.info({ created }, "audit partitions created");
    const result = await applyRetention(database, { ...options, retentionDays: await deps.retentionDays() });
    if (result?.droppedMonths.length) log.info({ months: result.droppedMonths, cut: result.cut }, "audit retention dropped old months");
  };
  const sealer = createSealer({ database, ...options, log, maintenance });

  const requireRead = async (ctx: RequestCtx, action: "audit.read" | "audit.export", what: string) => {
    if (!can(ctx.principal, "audit.read")) throw await denied(db, ctx, { action, resourceType: "audit_event", resourceId: null, what });
  };

  return {
    sealer,
    /** Loads the checkpoint signer and starts the sealer (onReady, after migrations). */
    async start() {
      const keys = await loadSigningKeys(db, { encryptionKey: config.BRIDLE_ENCRYPTION_KEY, typ: CHECKPOINT_JWS_TYPE, thread: false });
      signer = keys.signer;
      const pins = config.BRIDLE_AUDIT_TRUSTED_KEYS;
      if (pins && !pins.includes(signer.kid))
        log.warn(
          { kid: signer.kid },
          "the audit checkpoint signing key is not pinned in BRIDLE_AUDIT_TRUSTED_KEYS: verification will refuse the checkpoints it signs until its kid (its thumbprint) is added",
        );
      sealer.start(config.BRIDLE_AUDIT_SEAL_INTERVAL_MS, config.BRIDLE_AUDIT_MAINTENANCE_MINUTES * 60_000);
    },
    async stop() {
      await sealer.stop();
      await signer?.close();
    },
    /** `GET /audit/verify` (`audit.read`). */
    async verify(ctx: RequestCtx): Promise<TAuditVerifyReport> {
      await requireRead(ctx, "audit.read", "verify the audit log");
      // One verification at a time per process: callers meanwhile share its report (it reads the
      // whole log, so a burst of requests must not multiply that work).
      verifying ??= databaseKeyTrust(database, { pins: config.BRIDLE_AUDIT_TRUSTED_KEYS, encryptionKey: config.BRIDLE_ENCRYPTION_KEY })
        .then((trust) => verifyDatabase(database, trust))
        .finally(() => {
          verifying = null;
        });
      return verifying;
    },
    /** `GET /audit-events/export` (`audit.read`): audited as `audit.export` before the first byte leaves. */
    async export(ctx: RequestCtx, q: TAuditExportQuery) {
      await requireRead(ctx, "audit.export", "export the audit log");
      const { format, ...filters } = q;
      await recordAudit(db, {
        actor: actorOf(ctx.principal),
        action: "audit.export",
        resourceType: "audit_event",
        outcome: "success",
        requestId: ctx.requestId,
        details: { format, filters: exportFilter(filters).shown },
      });
      // Seal and checkpoint what is there (this export's own event included), so the file verifies
      // offline at once instead of ending in events no checkpoint covers yet. Another replica
      // sealing at the same moment holds the lock: wait a moment for it, then export as it stands.
      if (signer)
        for (let attempt = 0; attempt < 3; attempt++) {
          if ((await sealer.sealNow({ checkpoint: true })) !== null) break;
          await new Promise((r) => setTimeout(r, 200));
        }
      return exportStream(exportRecords(database, filters), format, (err) => log.error({ err, requestId: ctx.requestId }, "audit export failed midway; the answer was cut off"));
    },
  };
}
export type AuditIntegrity = ReturnType<typeof createAuditIntegrity>;
