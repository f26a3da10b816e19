/**
 * `pnpm bridle audit verify` (docs/AUDIT.md "Verifying"):
 *
 *   pnpm bridle audit verify                                   the database's chain (DATABASE_URL, or the
 *                                                              embedded one), or a server's with BRIDLE_TOKEN
 *   pnpm bridle audit verify --file export.ndjson --jwks URL|FILE [--allow-unsealed]
 *                                                              an export, offline (.ndjson or .csv): it must
 *                                                              hold a valid signed checkpoint, and every event
 *                                                              in it must be covered by one, unless
 *                                                              --allow-unsealed (then they are listed as unverified)
 *   pnpm bridle audit verify --checkpoint FILE [--jwks URL|FILE]    the database's events, recomputed from its
 *                                                              signed start, still hash to that exported
 *                                                              checkpoint's signed head
 *
 * Key trust (docs/AUDIT.md "Key trust"): a checkpoint counts only when signed by a key that every
 * anchor given vouches for: `--jwks` (an auditor's copy of the JWKS), BRIDLE_AUDIT_TRUSTED_KEYS
 * (pinned thumbprints) and, where the database is read, BRIDLE_ENCRYPTION_KEY. With none, the
 * keys are the database's own, and the output says so (WARNING).
 *
 * Exit code 0 when everything verifies, 1 when something is broken, 2 on a usage error.
 */
import { readFile } from "node:fs/promises";
import type { TAuditKeyTrust, TAuditVerifyReport } from "@bridle/contracts";
import { createDb } from "@bridle/db";
import { loadConfig } from "./config.ts";
import {
  createVerifier,
  databaseKeyTrust,
  DISTRUST_REASONS,
  ExportFileError,
  judgeKeys,
  keyTrustWarnings,
  readExportFile,
  verifyCheckpointInDatabase,
  verifyDatabase,
  type CheckpointRecord,
  type Jwks,
  type KeyTrust,
  type VerifyReport,
} from "./modules/audit/index.ts";

export const AUDIT_USAGE = `  pnpm bridle audit verify
  pnpm bridle audit verify --file EXPORT.ndjson|EXPORT.csv --jwks URL|FILE [--allow-unsealed]
  pnpm bridle audit verify --checkpoint FILE [--jwks URL|FILE]`;

async function loadJwks(source: string): Promise<Jwks> {
  const text = /^https?:\/\//.test(source)
    ? await fetch(source).then((r) => {
        if (!r.ok) throw new Error(`${source} answered ${r.status}`);
        return r.text();
      })
    : await readFile(source, "utf8");
  const jwks = JSON.parse(text) as Jwks;
  if (!Array.isArray(jwks.keys)) throw new Error(`${source} is not a JWKS ({ "keys": [...] })`);
  return jwks;
}

const ANCHOR_NAMES: Record<TAuditKeyTrust["anchors"][number], string> = {
  pinned_thumbprints: "the pinned thumbprints (BRIDLE_AUDIT_TRUSTED_KEYS)",
  jwks: "the JWKS given (--jwks)",
  encryption_key: "the encryption key (BRIDLE_ENCRYPTION_KEY)",
};
const WARNINGS: Record<TAuditKeyTrust["warnings"][number], string> = {
  anchored_in_database:
    "WARNING: key trust is anchored only in the database: anyone who can write it can add a key of their own and re-sign forged checkpoints. Pass --jwks with an auditor's copy of the JWKS, or set BRIDLE_AUDIT_TRUSTED_KEYS or BRIDLE_ENCRYPTION_KEY (docs/AUDIT.md \"Key trust\")",
  private_keys_readable:
    "WARNING: the signing keys' private keys are stored unencrypted in the database (Bridle runs without BRIDLE_ENCRYPTION_KEY): anyone who can read it can sign a rewritten log with Bridle's own key, which no pin or JWKS tells apart; only a checkpoint exported and kept elsewhere (--checkpoint) catches that",
};

function printKeyTrust(k: Pick<TAuditKeyTrust, "anchors" | "warnings">, keys: { kid: string; trusted: boolean; distrust: TAuditKeyTrust["keys"][number]["distrust"]; checkpoints?: number }[]) {
  console.log(`  key trust: ${k.anchors.length ? `vouched for by ${k.anchors.map((a) => ANCHOR_NAMES[a]).join(" and ")}` : "the database's own keys"}`);
  for (const key of keys)
    if (!key.trusted && (key.checkpoints === undefined || key.checkpoints > 0 || key.distrust === "kid_mismatch"))
      console.log(`  UNTRUSTED KEY ${key.kid}${key.checkpoints ? ` (signed ${key.checkpoints} checkpoint(s))` : ""}: ${key.distrust ? DISTRUST_REASONS[key.distrust] : ""}`);
  for (const w of k.warnings) console.log(`  ${WARNINGS[w]}`);
}

function print(r: VerifyReport | TAuditVerifyReport, what: string) {
  const range = r.chain.count ? `positions ${r.chain.first}..${r.chain.last}` : "no positions";
  const unverified = "unverified" in r ? r.unverified.reasons : [];
  console.log(`${what}: ${!r.ok ? (r.problemCount ? "BROKEN" : "NOT VERIFIED") : unverified.length ? "verified, except what is listed as UNVERIFIED below" : "verified"}`);
  console.log(`  chain: ${r.chain.count} ${range} (from ${r.start.position === 0 ? "the genesis" : `position ${r.start.position}, checkpoint ${r.start.checkpoint}`}), head ${r.chain.head}`);
  console.log(`  events checked: ${r.eventsChecked}; seal runs: ${r.runs}; checkpoints: ${r.checkpoints.count}${r.checkpoints.last ? ` (last #${r.checkpoints.last.number} at position ${r.checkpoints.last.position}, ${r.checkpoints.last.createdAt}, key ${r.checkpoints.last.kid})` : ""}`);
  console.log(`  not yet covered by a checkpoint: ${r.uncheckpointed}; unsealed events: ${r.unsealed.count} (${r.unsealed.pending} pending)`);
  if (r.firstBreak) {
    console.log(`  first broken link: ${r.firstBreak.kind}${r.firstBreak.position !== null ? ` at position ${r.firstBreak.position}` : ""}${r.firstBreak.eventId ? `, event ${r.firstBreak.eventId}` : ""}`);
    console.log(`    ${r.firstBreak.message}`);
    if (r.problemCount > 1) console.log(`  ${r.problemCount - 1} more problem(s):`);
    for (const p of r.problems.slice(1, 10)) console.log(`    - ${p.kind}: ${p.message}`);
  }
  printKeyTrust(r.keyTrust, r.keyTrust.keys);
  for (const reason of unverified) console.log(`  UNVERIFIED: ${reason}`);
  if (unverified.length && !r.ok && !r.problemCount) console.log("  (pass --allow-unsealed to accept an export with unverified events; they stay unverified)");
}

/** The checkpoint of FILE: a checkpoint record (JSON), or the last checkpoint of an export. */
async function checkpointOf(file: string): Promise<CheckpointRecord> {
  const text = (await readFile(file, "utf8")).trim();
  if (text.startsWith("{") && !text.includes("\n")) {
    const r = JSON.parse(text) as CheckpointRecord;
    if (r.type === "checkpoint") return r;
  }
  let last: CheckpointRecord | null = null;
  for await (const r of readExportFile(file)) if (r.type === "checkpoint") last = r;
  if (!last) throw new Error(`${file} holds no checkpoint`);
  return last;
}

export async function auditCli(args: { sub: string | undefined; file?: string | undefined; jwks?: string | undefined; checkpoint?: string | undefined; allowUnsealed?: boolean | undefined }): Promise<number> {
  if (args.sub !== "verify" || (args.file && !args.jwks) || (args.file && args.checkpoint)) {
    console.error(`Usage:\n${AUDIT_USAGE}`);
    return 2;
  }
  const viaServer = !args.file && !args.checkpoint && !!process.env.BRIDLE_TOKEN;
  if (viaServer && args.jwks) {
    // The server checks signatures with the keys it trusts; the JWKS could not vouch for anything there.
    console.error("--jwks checks the keys here: run it against the database (unset BRIDLE_TOKEN) or an export (--file)");
    return 2;
  }
  const config = loadConfig();
  const pins = config.BRIDLE_AUDIT_TRUSTED_KEYS;
  if (args.file) {
    const verifier = createVerifier({ trust: await judgeKeys({ jwks: await loadJwks(args.jwks!), ...(pins ? { pins } : {}) }) });
    try {
      for await (const r of readExportFile(args.file)) verifier.push(r);
    } catch (e) {
      if (!(e instanceof ExportFileError)) throw e;
      console.log(`${args.file}: BROKEN\n  first broken link: edited\n    ${e.message}`);
      return 1;
    }
    const report = verifier.finish({ requireEnd: true, requireCoverage: true, allowUnsealed: args.allowUnsealed === true });
    print(report, args.file);
    return report.ok ? 0 : 1;
  }
  if (viaServer) {
    const base = (process.env.BRIDLE_URL ?? "http://localhost:3000").replace(/\/$/, "");
    const res = await fetch(`${base}/api/v1/audit/verify`, { headers: { authorization: `Bearer ${process.env.BRIDLE_TOKEN}` } });
    if (!res.ok) {
      console.error(await res.text());
      return 1;
    }
    const report = (await res.json()) as TAuditVerifyReport;
    print(report, base);
    return report.ok ? 0 : 1;
  }
  const database = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.BRIDLE_DATA_DIR, poolSize: 2 });
  try {
    await database.migrate();
    const trust: KeyTrust = await databaseKeyTrust(database, {
      pins,
      jwks: args.jwks ? await loadJwks(args.jwks) : undefined,
      encryptionKey: config.BRIDLE_ENCRYPTION_KEY,
    });
    if (args.checkpoint) {
      const cp = await checkpointOf(args.checkpoint);
      const { problem, signed, start, beforeStart } = await verifyCheckpointInDatabase(database, cp, trust);
      printKeyTrust({ anchors: trust.anchors, warnings: keyTrustWarnings(trust) }, []);
      if (problem) {
        console.log(`checkpoint ${problem.checkpoint ?? cp.number}: BROKEN (${problem.kind})\n  ${problem.message}`);
        return 1;
      }
      if (beforeStart) {
        console.log(`checkpoint ${signed!.number} (position ${signed!.position}) lies before the signed retention cut at position ${start.position}: its events were dropped by retention`);
        return 0;
      }
      console.log(`checkpoint ${signed!.number}: verified (the events up to position ${signed!.position}, recomputed, still hash to its signed head ${signed!.head})`);
      return 0;
    }
    const report = await verifyDatabase(database, trust);
    print(report, config.DATABASE_URL ? "database" : "embedded database");
    return report.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}
