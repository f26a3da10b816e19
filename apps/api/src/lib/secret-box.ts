import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Encryption at rest for stored secrets (the OIDC client secret), AES-256-GCM with
 * BRIDLE_ENCRYPTION_KEY. Encoded `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts), where the
 * key id is the first 8 hex characters of SHA-256(key): a value encrypted under another key is
 * recognised as such instead of failing as "corrupt". `purpose` is bound as additional
 * authenticated data, so a ciphertext cannot be moved to another column and decrypted there.
 */
const VERSION = "v1";

export const keyId = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 8);

export function encryptSecret(key: Buffer, plaintext: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(purpose));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, keyId(key), iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

export class SecretDecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretDecryptError";
  }
}

/** @throws SecretDecryptError when the value is malformed, from another key, or was tampered with. */
export function decryptSecret(key: Buffer, encoded: string, purpose: string): string {
  const [version, kid, iv, tag, ct] = encoded.split(".");
  if (version !== VERSION || !kid || !iv || !tag || ct === undefined) throw new SecretDecryptError("the stored secret is not in a known format");
  if (kid !== keyId(key)) throw new SecretDecryptError("the stored secret was encrypted with a different BRIDLE_ENCRYPTION_KEY");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptError("the stored secret failed its integrity check");
  }
}
