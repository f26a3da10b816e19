import { randomBytes } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { encryptSecret } from "../../lib/secret-box.ts";
import type { StoredSigningKey } from "../../lib/signing.ts";
import { judgeKeys } from "./audit.keys.ts";

const encryptionKey = randomBytes(32);

async function key() {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: jwk.x! });
  return { kid, jwk };
}
/** A row as Bridle stores it: the private JWK encrypted with the kid as additional data (or in clear). */
const row = (k: { kid: string; jwk: JWK }, o: { clear?: boolean; privateOf?: JWK; kid?: string } = {}): StoredSigningKey => {
  const kid = o.kid ?? k.kid;
  const priv = JSON.stringify(o.privateOf ?? k.jwk);
  return {
    kid,
    publicJwk: { kty: "OKP", crv: "Ed25519", x: k.jwk.x, kid },
    privateJwk: o.clear ? priv : encryptSecret(encryptionKey, priv, `signing_key:${kid}`),
    createdAt: "2026-01-01T00:00:00.000Z",
    retiredAt: null,
  };
};
const verdicts = (trust: Awaited<ReturnType<typeof judgeKeys>>) => trust.keys.map((k) => [k.kid, k.distrust]);

describe("which signing keys verification trusts", () => {
  it("trusts every well-formed key with no anchor, and names the anchors it used", async () => {
    const [a, b] = [await key(), await key()];
    const none = await judgeKeys({ stored: [row(a, { clear: true }), row(b, { clear: true, kid: "by-hand" })] });
    expect(none.anchors).toEqual([]);
    expect(verdicts(none)).toEqual([
      [a.kid, null],
      ["by-hand", "kid_mismatch"],
    ]);
    expect(none.keys[0]!.inClear).toBe(true);
  });

  it("with the encryption key: only a key encrypted under it, for its own kid, deriving its listed public key", async () => {
    const [good, clear, moved, swapped, other] = [await key(), await key(), await key(), await key(), await key()];
    const movedRow = { ...row(moved), privateJwk: row(good).privateJwk }; // another row's ciphertext
    const trust = await judgeKeys({ stored: [row(good), row(clear, { clear: true }), movedRow, row(swapped, { privateOf: other.jwk })], encryptionKey });
    expect(trust.anchors).toEqual(["encryption_key"]);
    expect(verdicts(trust)).toEqual([
      [good.kid, null],
      [clear.kid, "unencrypted"],
      [moved.kid, "undecryptable"],
      [swapped.kid, "public_key_mismatch"],
    ]);
    // another encryption key: nothing decrypts
    expect(verdicts(await judgeKeys({ stored: [row(good)], encryptionKey: randomBytes(32) }))).toEqual([[good.kid, "undecryptable"]]);
  });

  it("with pins or a JWKS: only the keys among them; a JWKS key with no row is trusted by the JWKS", async () => {
    const [a, b, c] = [await key(), await key(), await key()];
    const stored = [row(a, { clear: true }), row(b, { clear: true })];
    expect(verdicts(await judgeKeys({ stored, pins: [a.kid] }))).toEqual([
      [a.kid, null],
      [b.kid, "not_pinned"],
    ]);
    const jwks = { keys: [{ kty: "OKP", crv: "Ed25519", x: a.jwk.x, kid: a.kid }, { kty: "OKP", crv: "Ed25519", x: c.jwk.x, kid: c.kid }] };
    const byJwks = await judgeKeys({ stored, jwks, pins: [a.kid, b.kid, c.kid] });
    expect(byJwks.anchors).toEqual(["pinned_thumbprints", "jwks"]);
    expect(verdicts(byJwks)).toEqual([
      [a.kid, null],
      [b.kid, "not_in_jwks"],
      [c.kid, null],
    ]);
    expect(byJwks.keys[2]).toMatchObject({ createdAt: null, inClear: null });
  });
});
