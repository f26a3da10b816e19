import type { TAuditVerifyReport } from "@bridle/contracts";
import { sql } from "drizzle-orm";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";
import { expect } from "vitest";
import type { TestApp } from "../../../test/harness.ts";
import { createJwsSigner, type DecisionSigner } from "../../lib/signing.ts";
import { rowsOf } from "../../lib/sql.ts";
import { CHECKPOINT_JWS_TYPE, checkpointHash, eventHash, GENESIS_HASH, linkHash, runHash, type CheckpointPayload, type ExportRecord } from "./audit.chain.ts";
import { chainRecords } from "./audit.chain.repo.ts";
import { recordAudit, SYSTEM_ACTOR } from "./audit.writer.ts";

/**
 * Helpers for the audit log's integration tests, acting as an attacker with database rights
 * would: SQL with the append-only triggers disabled, keys of their own, a log rewritten and
 * re-signed end to end.
 */

/** `n` audit events (`bot.update`), each in its own transaction, all at once. */
export const writeEvents = (t: TestApp, n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      recordAudit(t.database.db, {
        actor: SYSTEM_ACTOR,
        action: "bot.update",
        resourceType: "bot",
        resourceId: `bot-${i}`,
        outcome: "success",
        details: { name: `bot-${i}`, changes: { status: { before: "active", after: "paused" } }, via: "api" },
      }),
    ),
  );

/** `GET /api/v1/audit/verify` as the bootstrap admin. */
export async function verifyVia(t: TestApp): Promise<TAuditVerifyReport> {
  const res = await t.api({ method: "GET", url: "/api/v1/audit/verify" });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as TAuditVerifyReport;
}

/** Runs SQL as the attacker: the append-only triggers of every audit table disabled around it. */
export async function tamper(t: TestApp, statements: string) {
  const tables = ["audit_events", "audit_chain", "audit_seal_runs", "audit_checkpoints"];
  await t.database.db.execute(
    sql.raw(`begin; ${tables.map((x) => `alter table ${x} disable trigger user;`).join(" ")} ${statements}; ${tables.map((x) => `alter table ${x} enable trigger user;`).join(" ")} commit;`),
  );
}

export const one = async <T>(t: TestApp, query: string) => rowsOf<T>(await t.database.db.execute(sql.raw(query)))[0]!;

export type OwnKey = { kid: string; jwk: JWK; publicJwk: { kty: "OKP"; crv: "Ed25519"; x: string; kid: string; alg: "EdDSA"; use: "sig" }; signer: DecisionSigner };

/** A fresh Ed25519 key named by its thumbprint, as Bridle names its own, and a checkpoint signer for it. */
export async function ownKey(): Promise<OwnKey> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: jwk.x! });
  return {
    kid,
    jwk,
    publicJwk: { kty: "OKP", crv: "Ed25519", x: jwk.x!, kid, alg: "EdDSA", use: "sig" },
    signer: createJwsSigner(jwk, kid, { thread: false, typ: CHECKPOINT_JWS_TYPE }),
  };
}

/**
 * Inserts `key` into signing_keys in SQL. `createdAt`: an SQL expression (default `now()`);
 * `privateJwk`: what is stored as the private key (default its JWK in clear, as Bridle stores keys
 * without BRIDLE_ENCRYPTION_KEY); `kid`: another name than its thumbprint; `retired`: retired at once.
 */
export async function insertKey(t: TestApp, key: OwnKey, o: { createdAt?: string; privateJwk?: string; kid?: string; retired?: boolean } = {}) {
  const kid = o.kid ?? key.kid;
  const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;
  await t.database.db.execute(
    sql.raw(`insert into signing_keys (kid, alg, public_jwk, private_jwk, created_at, retired_at)
      values (${lit(kid)}, 'EdDSA', ${lit(JSON.stringify({ ...key.publicJwk, kid }))}::jsonb, ${lit(o.privateJwk ?? JSON.stringify(key.jwk))},
        ${o.createdAt ?? "now()"}, ${o.retired ? "now()" : "null"})`),
  );
}

/**
 * The whole forgery: runs `edit` (SQL on audit_events), recomputes every event hash and link of
 * the chain, the seal runs' heads and hashes, and re-signs every checkpoint with `key` (each
 * keeping its number, id and time, naming the re-signed previous one), so that nothing but the
 * key tells. Returns how many checkpoints were re-signed.
 */
export async function rewriteAndResign(t: TestApp, key: OwnKey, edit: string): Promise<number> {
  await tamper(t, edit);
  const records: ExportRecord[] = [];
  for await (const r of chainRecords(t.database.db)) records.push(r);
  const statements: string[] = [];
  const heads = new Map<number, string>();
  let prev = GENESIS_HASH;
  for (const r of records)
    if (r.type === "chain" && r.event) {
      const h = eventHash(r.event);
      prev = linkHash(prev, h);
      heads.set(r.position, prev);
      statements.push(`update audit_chain set event_hash = decode('${h}', 'hex'), chain_hash = decode('${prev}', 'hex') where position = ${r.position}`);
    }
  const runHashes = new Map<number, string>();
  let runPrev = GENESIS_HASH;
  for (const r of records)
    if (r.type === "run") {
      const { type: _type, runHash: _old, ...form } = r;
      const head = heads.get(r.lastPosition)!;
      runPrev = runHash(runPrev, { ...form, headHash: head });
      runHashes.set(r.run, runPrev);
      statements.push(`update audit_seal_runs set head_hash = decode('${head}', 'hex'), run_hash = decode('${runPrev}', 'hex') where run = ${r.run}`);
    }
  let lastJws: { id: string; jws: string } | null = null;
  let count = 0;
  for (const r of records)
    if (r.type === "checkpoint") {
      const payload: CheckpointPayload = {
        type: "bridle-audit-checkpoint",
        number: r.number,
        id: r.id,
        kind: r.kind,
        position: r.position,
        head: heads.get(r.position)!,
        run: r.run,
        runHash: runHashes.get(r.run)!,
        prev: lastJws ? { id: lastJws.id, hash: checkpointHash(lastJws.jws) } : null,
        createdAt: r.createdAt,
      };
      const jws = await key.signer.sign(payload);
      lastJws = { id: r.id, jws };
      count++;
      statements.push(
        `update audit_checkpoints set head_hash = decode('${payload.head}', 'hex'), run_hash = decode('${payload.runHash}', 'hex'),
          prev_hash = ${payload.prev ? `decode('${payload.prev.hash}', 'hex')` : "null"}, kid = '${key.kid}', jws = '${jws}' where number = ${r.number}`,
      );
    }
  await tamper(t, statements.join("; "));
  return count;
}
