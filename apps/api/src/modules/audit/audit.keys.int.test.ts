import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@bridle/db";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createReplica, createTestApp, type TestApp } from "../../../test/harness.ts";
import { createJwsSigner, loadSigningKeys, SigningKeyError } from "../../lib/signing.ts";
import { CHECKPOINT_JWS_TYPE, createSealer, type Jwks } from "./index.ts";
import { insertKey, one, ownKey, rewriteAndResign, verifyVia, writeEvents, type OwnKey } from "./audit.testkit.ts";

/**
 * Key trust (docs/AUDIT.md "Key trust"), against real PostgreSQL: an attacker with database rights
 * edits an event, recomputes the chain and the seal runs, adds a signing key of their own and
 * re-signs every checkpoint with it. What catches it depends on what anchors the keys outside the
 * database: nothing (only a key added after the checkpoints it signs is caught, and the answer
 * says trust rests on the database), BRIDLE_ENCRYPTION_KEY, BRIDLE_AUDIT_TRUSTED_KEYS, or an
 * auditor's JWKS (`pnpm bridle audit verify --jwks`).
 */
const ENCRYPTION_KEY = randomBytes(32).toString("hex");
const DAY = 86_400_000;
/** Tests that run `pnpm bridle audit verify` (a process each, a few seconds on a busy machine). */
const CLI_TIMEOUT = 120_000;

const exec = (t: TestApp, statement: string) => t.database.db.execute(sql.raw(statement));

type Log = { t: TestApp; kid: string; close: () => Promise<void> };
const opened: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of opened.splice(0).reverse()) await c.close();
});

/**
 * A log as a deployment running for a while has it: the signing key created 30 days ago, and
 * three checkpoints signed two days ago (the API's clock set back while sealing), each over six
 * events. The app's own sealer is off; this one seals as a second replica would.
 */
async function oldLog(env: Record<string, string> = {}): Promise<Log> {
  const t = await createTestApp({ seed: "none", env: { BRIDLE_AUDIT_SEAL_INTERVAL_MS: "0", ...env } });
  const keys = await loadSigningKeys(t.database.db, { encryptionKey: t.config.BRIDLE_ENCRYPTION_KEY, typ: CHECKPOINT_JWS_TYPE, thread: false });
  await exec(t, `update signing_keys set created_at = now() - interval '30 days'`);
  const sealer = createSealer({ database: t.database, signer: () => keys.signer, checkpointEvery: 5, checkpointIntervalMs: 60 * 60_000 });
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - 2 * DAY });
  for (let i = 0; i < 3; i++) {
    await writeEvents(t, 6);
    await sealer.sealNow();
  }
  vi.useRealTimers();
  const log = {
    t,
    kid: keys.signer.kid,
    close: async () => {
      await keys.signer.close();
      await t.close();
    },
  };
  opened.push(log);
  return log;
}

/** A replica of `t` with other settings (a restart), closed after the test. */
async function restartedWith(t: TestApp, env: Record<string, string>) {
  const r = await createReplica(t, env);
  opened.push(r);
  return r;
}

const positionTwo = (t: TestApp) => one<{ id: string }>(t, "select event_id::text as id from audit_chain where position = 2");
const editPositionTwo = async (t: TestApp) => `update audit_events set outcome = 'denied' where id = '${(await positionTwo(t)).id}'`;

const cli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ["--import", "tsx", "apps/api/src/cli.ts", "audit", "verify", ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, BRIDLE_TOKEN: "", BRIDLE_ENCRYPTION_KEY: "", BRIDLE_AUDIT_TRUSTED_KEYS: "", LOG_LEVEL: "silent", ...env },
    timeout: 60_000,
  });

describe("key trust: an attacker with database rights re-signs a rewritten log with a key of their own", () => {
  it("with no anchor, a key added after the checkpoints it re-signs is caught; a backdated one passes, and the answer says trust rests on the database", async () => {
    const { t, kid } = await oldLog();
    const clean = await verifyVia(t);
    expect(clean).toMatchObject({ ok: true, problemCount: 0, checkpoints: { count: 3 } });
    expect(clean.keyTrust).toEqual({
      anchors: [],
      warnings: ["anchored_in_database", "private_keys_readable"],
      keys: [{ kid, createdAt: expect.any(String), retiredAt: null, trusted: true, distrust: null, checkpoints: 3 }],
    });

    // the key is added now, and re-signs checkpoints that say they were made two days ago
    const attacker = await ownKey();
    await insertKey(t, attacker, { retired: true });
    expect(await rewriteAndResign(t, attacker, await editPositionTwo(t))).toBe(3);
    const caught = await verifyVia(t);
    expect(caught.ok).toBe(false);
    expect(caught.firstBreak).toMatchObject({ kind: "untrusted_key", checkpoint: 1 });
    expect(caught.firstBreak!.message).toContain(`its signing key ${attacker.kid} was created at`);
    expect(caught.problems.filter((p) => p.kind === "untrusted_key").map((p) => p.checkpoint)).toEqual([1, 2, 3]);
    // nothing else is wrong with the forgery: the chain and the signatures hold
    expect(caught.problems.every((p) => p.kind === "untrusted_key")).toBe(true);

    // the same key, its row dated before the checkpoints: nothing in the database tells, and the answer says so
    await exec(t, `update signing_keys set created_at = now() - interval '40 days' where kid = '${attacker.kid}'`);
    const fooled = await verifyVia(t);
    expect(fooled).toMatchObject({ ok: true, problemCount: 0 });
    expect(fooled.keyTrust).toMatchObject({ anchors: [], warnings: ["anchored_in_database", "private_keys_readable"] });
    expect(fooled.keyTrust.keys.map((k) => [k.kid, k.trusted, k.checkpoints])).toEqual([
      [attacker.kid, true, 3],
      [kid, true, 0],
    ]);
    // the command says the same, as a warning
    const run = cli([], { DATABASE_URL: t.config.DATABASE_URL! });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("WARNING: key trust is anchored only in the database");
  }, CLI_TIMEOUT);

  it("with BRIDLE_ENCRYPTION_KEY, a key that does not decrypt to its own public key is never trusted, published or signed with", async () => {
    const { t, kid } = await oldLog({ BRIDLE_ENCRYPTION_KEY: ENCRYPTION_KEY });
    const clean = await verifyVia(t);
    expect(clean).toMatchObject({ ok: true, keyTrust: { anchors: ["encryption_key"], warnings: [], keys: [{ kid, trusted: true, checkpoints: 3 }] } });

    // a key of their own, stored in clear: Bridle encrypts every key it writes
    const attacker = await ownKey();
    await insertKey(t, attacker, { createdAt: "now() - interval '40 days'", retired: true });
    await rewriteAndResign(t, attacker, await editPositionTwo(t));
    const caught = await verifyVia(t);
    expect(caught).toMatchObject({ ok: false, firstBreak: { kind: "untrusted_key", checkpoint: 1 } });
    expect(caught.firstBreak!.message).toContain(`its signing key ${attacker.kid} is not trusted: its private key is stored unencrypted`);
    expect(caught.keyTrust.keys.find((k) => k.kid === attacker.kid)).toMatchObject({ trusted: false, distrust: "unencrypted", checkpoints: 3 });

    // the legitimate key's ciphertext copied onto the attacker's row: the kid is bound to it, so it does not decrypt
    const { stored } = await one<{ stored: string }>(t, `select private_jwk as stored from signing_keys where kid = '${kid}'`);
    await exec(t, `update signing_keys set private_jwk = '${stored}' where kid = '${attacker.kid}'`);
    expect((await verifyVia(t)).keyTrust.keys.find((k) => k.kid === attacker.kid)).toMatchObject({ trusted: false, distrust: "undecryptable" });

    // the attacker's key put in place of the legitimate row's public key (kid and ciphertext kept)
    const { x } = await one<{ x: string }>(t, `select public_jwk->>'x' as x from signing_keys where kid = '${kid}'`);
    await exec(t, `update signing_keys set public_jwk = jsonb_set(public_jwk, '{x}', '"${attacker.jwk.x}"') where kid = '${kid}'`);
    expect((await verifyVia(t)).keyTrust.keys.find((k) => k.kid === kid)).toMatchObject({ trusted: false, distrust: "kid_mismatch" });
    await expect(loadSigningKeys(t.database.db, { encryptionKey: t.config.BRIDLE_ENCRYPTION_KEY })).rejects.toThrow(/lists another public key/);
    await exec(t, `update signing_keys set public_jwk = jsonb_set(public_jwk, '{x}', '"${x}"') where kid = '${kid}'`);

    // unretired and the oldest, so it would be the active key: a replica refuses to sign with it, and does not publish it
    await exec(t, `delete from signing_keys where kid = '${attacker.kid}'`);
    const rogue = await ownKey();
    await insertKey(t, rogue, { createdAt: "now() - interval '400 days'" });
    await expect(loadSigningKeys(t.database.db, { encryptionKey: t.config.BRIDLE_ENCRYPTION_KEY })).rejects.toThrow(SigningKeyError);
    await expect(loadSigningKeys(t.database.db, { encryptionKey: t.config.BRIDLE_ENCRYPTION_KEY })).rejects.toThrow(/stored unencrypted/);
    await exec(t, `update signing_keys set created_at = now() where kid = '${rogue.kid}'`);
    const replica = await restartedWith(t, {});
    const published = (await replica.app.inject({ method: "GET", url: "/.well-known/jwks.json" })).json() as Jwks;
    expect(published.keys.map((k) => k.kid)).not.toContain(rogue.kid);
  });

  it("with pinned thumbprints (BRIDLE_AUDIT_TRUSTED_KEYS) or an auditor's JWKS (--jwks), a key that is not among them is caught", async () => {
    const { t, kid } = await oldLog();
    const pinned = await restartedWith(t, { BRIDLE_AUDIT_TRUSTED_KEYS: kid });
    expect(await verifyVia(pinned)).toMatchObject({ ok: true, keyTrust: { anchors: ["pinned_thumbprints"], warnings: ["private_keys_readable"] } });
    // the auditor keeps a copy of the JWKS before anything happens
    const dir = mkdtempSync(join(tmpdir(), "bridle-keys-"));
    try {
      writeFileSync(join(dir, "jwks.json"), JSON.stringify((await t.app.inject({ method: "GET", url: "/.well-known/jwks.json" })).json()));
      const before = cli(["--jwks", join(dir, "jwks.json")], { DATABASE_URL: t.config.DATABASE_URL! });
      expect(before.stdout).toContain("key trust: vouched for by the JWKS given (--jwks)");
      expect(before.status).toBe(0);

      const attacker = await ownKey();
      await insertKey(t, attacker, { createdAt: "now() - interval '40 days'", retired: true });
      await rewriteAndResign(t, attacker, await editPositionTwo(t));
      const caught = await verifyVia(pinned);
      expect(caught).toMatchObject({ ok: false, firstBreak: { kind: "untrusted_key", checkpoint: 1 } });
      expect(caught.firstBreak!.message).toContain("its thumbprint is not among the pinned ones (BRIDLE_AUDIT_TRUSTED_KEYS)");
      expect(caught.keyTrust.keys.map((k) => [k.kid, k.trusted, k.distrust])).toEqual([
        [attacker.kid, false, "not_pinned"],
        [kid, true, null],
      ]);

      const after = cli(["--jwks", join(dir, "jwks.json")], { DATABASE_URL: t.config.DATABASE_URL! });
      expect(after.status).toBe(1);
      expect(after.stdout).toContain("first broken link: untrusted_key");
      expect(after.stdout).toContain(`UNTRUSTED KEY ${attacker.kid} (signed 3 checkpoint(s)): it is not in the JWKS given to vouch for the keys`);
      // the pins from the environment, in the command
      const viaPins = cli([], { DATABASE_URL: t.config.DATABASE_URL!, BRIDLE_AUDIT_TRUSTED_KEYS: kid });
      expect(viaPins.status).toBe(1);
      expect(viaPins.stdout).toContain("first broken link: untrusted_key");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, CLI_TIMEOUT);

  it("without BRIDLE_ENCRYPTION_KEY, Bridle's own key read from the database re-signs past a pin: the answer warns of it, and an exported checkpoint catches it", async () => {
    const { t, kid } = await oldLog();
    const pinned = await restartedWith(t, { BRIDLE_AUDIT_TRUSTED_KEYS: kid });
    // the auditor keeps the last checkpoint of an export outside Bridle
    const exported = (await t.api({ method: "GET", url: "/api/v1/audit-events/export?format=ndjson" })).body.trim().split("\n");
    const dir = mkdtempSync(join(tmpdir(), "bridle-keys-"));
    try {
      writeFileSync(join(dir, "checkpoint.json"), exported.filter((l) => l.includes('"type":"checkpoint"')).at(-1)!);
      // the private key, stored in clear, read and used as it is
      const { stored } = await one<{ stored: string }>(t, `select private_jwk as stored from signing_keys where kid = '${kid}'`);
      const jwk = JSON.parse(stored) as OwnKey["jwk"];
      const stolen: OwnKey = { kid, jwk, publicJwk: { kty: "OKP", crv: "Ed25519", x: jwk.x!, kid, alg: "EdDSA", use: "sig" }, signer: createJwsSigner(jwk, kid, { thread: false, typ: CHECKPOINT_JWS_TYPE }) };
      await rewriteAndResign(t, stolen, await editPositionTwo(t));
      const fooled = await verifyVia(pinned);
      expect(fooled).toMatchObject({ ok: true, problemCount: 0, keyTrust: { anchors: ["pinned_thumbprints"], warnings: ["private_keys_readable"] } });
      const caught = cli(["--checkpoint", join(dir, "checkpoint.json")], { DATABASE_URL: t.config.DATABASE_URL!, BRIDLE_AUDIT_TRUSTED_KEYS: kid });
      expect(caught.status).toBe(1);
      expect(caught.stdout).toContain("BROKEN (edited)");
      expect(caught.stdout).toContain("WARNING: the signing keys' private keys are stored unencrypted");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, CLI_TIMEOUT);

  it("flags a key row whose kid is not its thumbprint, whether or not it signed anything", async () => {
    const { t } = await oldLog();
    const rogue = await ownKey();
    await insertKey(t, rogue, { kid: "rogue-key", retired: true });
    const report = await verifyVia(t);
    expect(report).toMatchObject({ ok: false, problemCount: 1, firstBreak: { kind: "untrusted_key", checkpoint: null, position: null } });
    expect(report.firstBreak!.message).toBe(
      `signing key rogue-key: its kid is not its RFC 7638 thumbprint (Bridle names every key by it): the row was written by hand (its thumbprint is ${rogue.kid})`,
    );
    expect(report.keyTrust.keys.find((k) => k.kid === "rogue-key")).toMatchObject({ trusted: false, distrust: "kid_mismatch", checkpoints: 0 });
  });
});

describe("key trust: legitimate keys", () => {
  for (const [anchor, env] of [
    ["the database alone", {}],
    ["the encryption key", { BRIDLE_ENCRYPTION_KEY: ENCRYPTION_KEY }],
  ] as const)
    it(`a key rotation verifies, trusting ${anchor}, and with both keys pinned (one pin is not enough)`, async () => {
      const { t, kid: first } = await oldLog(env);
      // the operator retires the key; the next start creates a new one, which signs from then on
      await exec(t, `update signing_keys set retired_at = now() where kid = '${first}'`);
      const next = await loadSigningKeys(t.database.db, { encryptionKey: t.config.BRIDLE_ENCRYPTION_KEY, typ: CHECKPOINT_JWS_TYPE, thread: false });
      opened.push(next.signer);
      expect(next.signer.kid).not.toBe(first);
      const sealer = createSealer({ database: t.database, signer: () => next.signer, checkpointEvery: 5, checkpointIntervalMs: 60 * 60_000 });
      await writeEvents(t, 6);
      await sealer.sealNow();

      const report = await verifyVia(t);
      expect(report).toMatchObject({ ok: true, problemCount: 0, checkpoints: { count: 4 } });
      expect(report.keyTrust.keys.map((k) => [k.kid, k.trusted, k.checkpoints, k.retiredAt !== null])).toEqual([
        [first, true, 3, true],
        [next.signer.kid, true, 1, false],
      ]);
      expect(report.keyTrust.warnings).toEqual("BRIDLE_ENCRYPTION_KEY" in env ? [] : ["anchored_in_database", "private_keys_readable"]);

      const both = await restartedWith(t, { BRIDLE_AUDIT_TRUSTED_KEYS: `${first}, ${next.signer.kid}` });
      expect(await verifyVia(both)).toMatchObject({ ok: true, keyTrust: { anchors: ["pinned_thumbprints", ...("BRIDLE_ENCRYPTION_KEY" in env ? ["encryption_key"] : [])] } });
      const onlyOld = await restartedWith(t, { BRIDLE_AUDIT_TRUSTED_KEYS: first });
      expect(await verifyVia(onlyOld)).toMatchObject({ ok: false, firstBreak: { kind: "untrusted_key", checkpoint: 4 } });
    });

  it("the first start with BRIDLE_ENCRYPTION_KEY encrypts every stored key, retired ones too, and verification then trusts them", async () => {
    const { t, kid: first } = await oldLog();
    await exec(t, `update signing_keys set retired_at = now() where kid = '${first}'`);
    const next = await loadSigningKeys(t.database.db, { encryptionKey: undefined, typ: CHECKPOINT_JWS_TYPE, thread: false });
    await next.signer.close();
    expect((await one<{ n: number }>(t, "select count(*)::int as n from signing_keys where private_jwk like '{%'")).n).toBe(2);

    const encrypted = await restartedWith(t, { BRIDLE_ENCRYPTION_KEY: ENCRYPTION_KEY });
    expect((await one<{ n: number }>(t, "select count(*)::int as n from signing_keys where private_jwk like 'v1.%'")).n).toBe(2);
    const report = await verifyVia(encrypted);
    expect(report).toMatchObject({ ok: true, keyTrust: { anchors: ["encryption_key"], warnings: [] } });
    expect(report.keyTrust.keys.map((k) => [k.kid, k.trusted])).toEqual([
      [first, true],
      [next.signer.kid, true],
    ]);
  });
});
