import { createPrivateKey, createPublicKey, sign as ed25519Sign } from "node:crypto";
import { Worker } from "node:worker_threads";
import { signingKeys, type Db } from "@bridle/db";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";
import { decryptSecret, encryptSecret } from "./secret-box.ts";

/**
 * Ed25519 keys that sign decisions (DESIGN.md "Decision": verifiable offline). One active key,
 * generated on the first start and stored in `signing_keys`, so every replica signs with the same
 * key and one JWKS verifies them all. The private JWK is AES-256-GCM encrypted with
 * BRIDLE_ENCRYPTION_KEY when it is set (stored as plain JSON otherwise, and encrypted in place the
 * first time a replica starts with the key).
 */

/** The protected header's `typ`: a decision JWS is never mistaken for another JWT/JWS. */
export const DECISION_JWS_TYPE = "bridle-decision+jws";
const ALG = "EdDSA";
/** Serialises key creation across replicas starting at once ("bridle_signing_key"). */
const KEY_LOCK = 0x62726b6579;
const aad = (kid: string) => `signing_key:${kid}`;

export type PublicJwk = { kty: "OKP"; crv: "Ed25519"; x: string; kid: string; alg: "EdDSA"; use: "sig" };
export type Jwks = { keys: PublicJwk[] };

export type DecisionSigner = {
  kid: string;
  /** A compact JWS over `JSON.stringify(payload)`, header `{ alg: "EdDSA", kid, typ: "bridle-decision+jws" }`. */
  sign: (payload: object) => Promise<string>;
  /**
   * The same for many payloads at once, in order: one message to the signing thread, sent now
   * (`sign` waits for the next turn of the event loop to gather its batch). For a group commit.
   */
  signMany: (payloads: readonly object[]) => Promise<string[]>;
  /** Stops the signing thread (the signer signs on the calling thread afterwards). */
  close: () => Promise<void>;
};

/**
 * Signs on a worker thread. Plain CommonJS evaluated in the worker (no TypeScript loader needed).
 * Input: `{ id, inputs: string[] }` (JWS signing inputs); output: `{ id, signatures: string[] }`
 * (base64url). The private key never leaves the process.
 */
const SIGNING_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { createPrivateKey, sign } = require("node:crypto");
const key = createPrivateKey({ key: workerData, format: "jwk" });
parentPort.on("message", ({ id, inputs }) => {
  parentPort.postMessage({ id, signatures: inputs.map((input) => sign(null, Buffer.from(input), key).toString("base64url")) });
});`;

/**
 * Batches up to this size are signed on the calling thread: a few signatures (~40 µs each) cost
 * less than the round trip to the signing thread, which on a busy machine waits for a free core
 * (bench/openclaw-plugin.ts: one decision at a time, as an agent asks, had a longer tail through
 * the thread). Larger batches, a group commit under load, still go to the thread.
 */
const SIGN_HERE_MAX = 4;

/**
 * The compact JWS serialization (RFC 7515 §7.1) with EdDSA / Ed25519 (RFC 8037), computed with
 * node:crypto. Ed25519 is deterministic, so this is byte for byte what jose's `CompactSign`
 * produces (a unit test checks it).
 *
 * Signing is the largest CPU cost of a decision (~40 µs here), so by default it runs on a worker
 * thread, fed in batches (everything `sign` queued in one turn of the event loop goes in one
 * message; `signMany` sends its payloads, a group commit's decisions, as one message), which takes
 * it off the event loop that parses and answers requests. (libuv's pool via
 * `crypto.sign(..., callback)` did not: its job holds the key's lock, and the event loop waited
 * for it.) If the worker fails, signing falls back to the calling thread.
 */
export function createJwsSigner(
  privateJwk: JWK,
  kid: string,
  opts: { thread?: boolean; onError?: (err: Error) => void; typ?: string } = {},
): DecisionSigner {
  const jwk = { kty: "OKP", crv: "Ed25519", x: String(privateJwk.x), d: String(privateJwk.d) };
  const key = createPrivateKey({ key: jwk, format: "jwk" });
  const header = Buffer.from(JSON.stringify({ alg: ALG, kid, typ: opts.typ ?? DECISION_JWS_TYPE })).toString("base64url");
  const inputOf = (payload: object) => `${header}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  const signHere = (input: string) => `${input}.${ed25519Sign(null, Buffer.from(input), key).toString("base64url")}`;

  /** A batch on the signing thread: its JWS signing inputs, and who gets the finished JWSs. */
  type Batch = { inputs: string[]; resolve: (jws: string[]) => void };
  let worker: Worker | null = opts.thread === false ? null : new Worker(SIGNING_WORKER, { eval: true, workerData: jwk });
  const inFlight = new Map<number, Batch>();
  let queue: { input: string; resolve: (jws: string) => void }[] = [];
  let scheduled = false;
  let seq = 0;

  const signAllHere = (b: Batch) => b.resolve(b.inputs.map(signHere));
  const failOver = (err: Error) => {
    if (!worker) return;
    worker = null;
    opts.onError?.(err);
    // What the worker had not answered is signed here instead.
    for (const b of inFlight.values()) signAllHere(b);
    inFlight.clear();
  };
  if (worker) {
    worker.unref();
    worker.on("message", (m: { id: number; signatures: string[] }) => {
      const b = inFlight.get(m.id);
      inFlight.delete(m.id);
      b?.resolve(b.inputs.map((input, i) => `${input}.${m.signatures[i]}`));
    });
    worker.on("error", failOver);
    worker.on("exit", (code) => failOver(new Error(`the signing worker exited (code ${code})`)));
  }

  function post(b: Batch) {
    if (!worker || b.inputs.length <= SIGN_HERE_MAX) return signAllHere(b);
    const id = ++seq;
    inFlight.set(id, b);
    worker.postMessage({ id, inputs: b.inputs });
  }

  function flush() {
    scheduled = false;
    const waiting = queue;
    queue = [];
    post({ inputs: waiting.map((w) => w.input), resolve: (jws) => waiting.forEach((w, i) => w.resolve(jws[i]!)) });
  }

  return {
    kid,
    sign: (payload) => {
      const input = inputOf(payload);
      if (!worker) return Promise.resolve(signHere(input));
      return new Promise((resolve) => {
        queue.push({ input, resolve });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    signMany: (payloads) => (payloads.length ? new Promise((resolve) => post({ inputs: payloads.map(inputOf), resolve })) : Promise.resolve([])),
    close: async () => {
      const w = worker;
      worker = null;
      if (!w) return;
      for (const b of inFlight.values()) signAllHere(b);
      inFlight.clear();
      await w.terminate();
    },
  };
}

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SigningKeyError";
  }
}

const toPublic = (jwk: JWK, kid: string): PublicJwk => ({ kty: "OKP", crv: "Ed25519", x: String(jwk.x), kid, alg: ALG, use: "sig" });

async function createKey(encryptionKey: Buffer | undefined) {
  const { privateKey } = await generateKeyPair(ALG, { crv: "Ed25519", extractable: true });
  const priv = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: String(priv.x) });
  const json = JSON.stringify(priv);
  return { kid, publicJwk: toPublic(priv, kid), privateJwk: encryptionKey ? encryptSecret(encryptionKey, json, aad(kid)) : json };
}

function openPrivate(stored: string, kid: string, encryptionKey: Buffer | undefined): JWK {
  if (stored.startsWith("{")) return JSON.parse(stored) as JWK;
  if (!encryptionKey)
    throw new SigningKeyError(`The decision signing key ${kid} is encrypted: set BRIDLE_ENCRYPTION_KEY to the key it was stored with`);
  try {
    return JSON.parse(decryptSecret(encryptionKey, stored, aad(kid))) as JWK;
  } catch (err) {
    throw new SigningKeyError(`The decision signing key ${kid} cannot be decrypted: ${(err as Error).message}`);
  }
}

/**
 * Loads the active signing key (the oldest unretired one), creating it when there is none, and
 * the JWKS of the unretired keys Bridle wrote. Safe when several replicas start together: creation
 * (and the first encryption of stored keys with BRIDLE_ENCRYPTION_KEY) runs under an advisory lock
 * and re-checks.
 * @throws SigningKeyError when the active key cannot be opened with the configured encryption key,
 *   is stored in clear although the keys are encrypted, or lists another public key than its own
 */
export async function loadSigningKeys(
  db: Db,
  opts: {
    encryptionKey: Buffer | undefined;
    log?: (msg: string) => void;
    onSignerError?: (err: Error) => void;
    /** the JWS `typ` this signer writes (default: a decision's); audit checkpoints use their own */
    typ?: string;
    /** sign on a worker thread (default true); a signer used a few times a minute needs none */
    thread?: boolean;
  },
) {
  const active = () =>
    db.select().from(signingKeys).where(isNull(signingKeys.retiredAt)).orderBy(asc(signingKeys.createdAt), asc(signingKeys.kid));
  if (opts.encryptionKey) await encryptStoredKeys(db, opts.encryptionKey, opts.log);
  let rows = await active();
  if (rows.length === 0) {
    await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${KEY_LOCK})`);
      const again = await tx.select({ kid: signingKeys.kid }).from(signingKeys).where(isNull(signingKeys.retiredAt)).limit(1);
      if (again.length) return;
      const key = await createKey(opts.encryptionKey);
      await tx.insert(signingKeys).values({ kid: key.kid, alg: ALG, publicJwk: key.publicJwk, privateJwk: key.privateJwk });
      opts.log?.(`created the decision signing key ${key.kid}${opts.encryptionKey ? "" : " (stored unencrypted: set BRIDLE_ENCRYPTION_KEY to encrypt it)"}`);
    });
    rows = await active();
  }
  const current = rows[0];
  if (!current) throw new SigningKeyError("No decision signing key could be created");
  if (opts.encryptionKey && isPlain(current.privateJwk))
    throw new SigningKeyError(
      `The decision signing key ${current.kid} is stored unencrypted although BRIDLE_ENCRYPTION_KEY is set and other keys are encrypted with it: Bridle did not write it (someone with database rights did). Retire it (set retired_at) or remove it, and find out who wrote it`,
    );
  const privateJwk = openPrivate(current.privateJwk, current.kid, opts.encryptionKey);
  if (opts.encryptionKey && storedKeyProblem(current, opts.encryptionKey) === "public_key_mismatch")
    throw new SigningKeyError(`The decision signing key ${current.kid} lists another public key than its private key's: its row was changed in the database`);
  const signer = createJwsSigner(privateJwk, current.kid, {
    onError: opts.onSignerError,
    ...(opts.typ ? { typ: opts.typ } : {}),
    ...(opts.thread === false ? { thread: false } : {}),
  });
  // Published: the key it signs with, and the other unretired keys that Bridle wrote (kid = thumbprint;
  // with the encryption key, encrypted under it): a row someone added in SQL is not published.
  const published: typeof rows = [];
  for (const r of rows)
    if (r === current || ((await kidIsThumbprint(r)) && (!opts.encryptionKey || storedKeyProblem(r, opts.encryptionKey) === null))) published.push(r);
  const jwks: Jwks = { keys: published.map((r) => ({ ...(r.publicJwk as PublicJwk), kid: r.kid, alg: ALG, use: "sig" as const })) };
  return { signer, jwks };
}

const isPlain = (stored: string) => stored.startsWith("{");
/** Whether a stored private key is in clear (Bridle ran without BRIDLE_ENCRYPTION_KEY): whoever reads the row can sign with it. */
export const storedInClear = (row: { privateJwk: string }) => isPlain(row.privateJwk);

/**
 * The first start with BRIDLE_ENCRYPTION_KEY encrypts every stored key in place, retired ones too
 * (so verification can vouch for the checkpoints they signed), and only then: once a key is
 * encrypted, Bridle never writes one in clear again, so a key found in clear afterwards was written
 * by someone else and is left as it is (never signed with, never trusted by verification).
 */
async function encryptStoredKeys(db: Db, encryptionKey: Buffer, log: ((msg: string) => void) | undefined) {
  const all = await db.select({ kid: signingKeys.kid, privateJwk: signingKeys.privateJwk }).from(signingKeys);
  if (!all.some((r) => isPlain(r.privateJwk)) || all.some((r) => !isPlain(r.privateJwk))) return;
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${KEY_LOCK})`);
    const again = await tx.select({ kid: signingKeys.kid, privateJwk: signingKeys.privateJwk }).from(signingKeys);
    // Another replica starting at the same moment did it first.
    if (again.some((r) => !isPlain(r.privateJwk))) return;
    for (const r of again) {
      await tx
        .update(signingKeys)
        .set({ privateJwk: encryptSecret(encryptionKey, r.privateJwk, aad(r.kid)) })
        .where(and(eq(signingKeys.kid, r.kid), eq(signingKeys.privateJwk, r.privateJwk)));
      log?.(`encrypted the decision signing key ${r.kid} with BRIDLE_ENCRYPTION_KEY`);
    }
  });
}

/** A stored signing key as verification reads it (`signing_keys`, retired keys included). */
export type StoredSigningKey = { kid: string; publicJwk: unknown; privateJwk: string; createdAt: string; retiredAt: string | null };

/** The RFC 7638 thumbprint of an Ed25519 public key (`x`, base64url): what a key's kid must be. */
export const ed25519Thumbprint = (x: string) => calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x });

const publicX = (publicJwk: unknown): string | null => {
  const j = publicJwk as { kty?: unknown; crv?: unknown; x?: unknown } | null;
  return j && j.kty === "OKP" && j.crv === "Ed25519" && typeof j.x === "string" && j.x ? j.x : null;
};

async function kidIsThumbprint(r: { kid: string; publicJwk: unknown }): Promise<boolean> {
  const x = publicX(r.publicJwk);
  return x !== null && (await ed25519Thumbprint(x)) === r.kid;
}

/**
 * Whether BRIDLE_ENCRYPTION_KEY vouches for a stored key: its private key is encrypted under it
 * (AES-256-GCM, with `signing_key:<kid>` as additional data, so a ciphertext moved to another row
 * does not decrypt) and derives exactly the public key the row lists. Someone who can only write
 * the database cannot make a row that passes.
 * @returns null when it does; else `unencrypted`, `undecryptable` or `public_key_mismatch`
 */
export function storedKeyProblem(
  row: { kid: string; publicJwk: unknown; privateJwk: string },
  encryptionKey: Buffer,
): "unencrypted" | "undecryptable" | "public_key_mismatch" | null {
  if (isPlain(row.privateJwk)) return "unencrypted";
  let derived: string | undefined;
  try {
    const jwk = JSON.parse(decryptSecret(encryptionKey, row.privateJwk, aad(row.kid))) as JWK;
    const priv = createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", x: String(jwk.x), d: String(jwk.d) }, format: "jwk" });
    derived = createPublicKey(priv).export({ format: "jwk" }).x;
  } catch {
    return "undecryptable";
  }
  return derived !== undefined && derived === publicX(row.publicJwk) ? null : "public_key_mismatch";
}

/**
 * Every signing key ever stored, retired ones included, oldest first: what verifies records signed
 * in the past (audit checkpoints). /.well-known/jwks.json publishes the unretired keys only.
 * Whether each is to be trusted is the verifier's question (modules/audit/audit.keys.ts).
 */
export async function loadStoredSigningKeys(db: Db): Promise<StoredSigningKey[]> {
  const rows = await db.select().from(signingKeys).orderBy(asc(signingKeys.createdAt), asc(signingKeys.kid));
  return rows.map((r) => ({ kid: r.kid, publicJwk: r.publicJwk, privateJwk: r.privateJwk, createdAt: r.createdAt.toISOString(), retiredAt: r.retiredAt?.toISOString() ?? null }));
}
