import type { AUDIT_KEY_ANCHORS, AUDIT_KEY_DISTRUST } from "@bridle/contracts";
import { ed25519Thumbprint, storedInClear, storedKeyProblem, type StoredSigningKey } from "../../lib/signing.ts";

/**
 * Which keys may vouch for audit checkpoints (docs/AUDIT.md "Key trust"). The keys live in
 * `signing_keys`, which anyone with database rights can write: on its own, a row there proves
 * nothing. A key is trusted when every anchor configured vouches for it:
 * - `pinned_thumbprints` (BRIDLE_AUDIT_TRUSTED_KEYS): its RFC 7638 thumbprint is pinned;
 * - `jwks` (`pnpm bridle audit verify --jwks`): it is in the auditor's copy of the JWKS;
 * - `encryption_key` (BRIDLE_ENCRYPTION_KEY, where the database is read): its stored private key
 *   decrypts with the encryption key (its kid bound as additional data) and derives the public key
 *   listed, which a database-only attacker cannot forge. A key known only from a JWKS has no
 *   stored row for this anchor to judge; the JWKS vouches for it.
 * In every mode a key's kid must be its thumbprint (Bridle names keys so). With no anchor, every
 * well-formed key in the database is trusted, and the report says so (`anchored_in_database`).
 */
export type KeyAnchor = (typeof AUDIT_KEY_ANCHORS)[number];
export type KeyDistrust = (typeof AUDIT_KEY_DISTRUST)[number];

/** A key the verifier may meet in a checkpoint's header. */
export type VerifierKey = {
  kid: string;
  /** the Ed25519 public key (base64url), or null when the JWK is not one */
  x: string | null;
  /** RFC 7638 thumbprint of `x` (null when `x` is) */
  thumbprint: string | null;
  /** when its row was created (ISO 8601), or null for a key known only from a JWKS */
  createdAt: string | null;
  retiredAt: string | null;
  /** why it is not trusted, or null when it is */
  distrust: KeyDistrust | null;
  /** its private key is stored in clear in the database (null: no stored row was read) */
  inClear: boolean | null;
};
export type KeyTrust = { anchors: KeyAnchor[]; keys: VerifierKey[] };

type Jwk = { kty?: string; crv?: string; x?: string; kid?: string };
export type Jwks = { keys: Jwk[] };

const ed25519X = (jwk: unknown): string | null => {
  const j = jwk as Jwk | null;
  return j && j.kty === "OKP" && j.crv === "Ed25519" && typeof j.x === "string" && j.x ? j.x : null;
};

/**
 * Judges each key: the database's rows (`stored`, when the database is read), the keys of an
 * auditor's JWKS (`jwks`), against the pinned thumbprints (`pins`) and the encryption key.
 * With a JWKS, a stored key missing from it is `not_in_jwks`.
 */
export async function judgeKeys(o: { stored?: StoredSigningKey[]; jwks?: Jwks; pins?: readonly string[]; encryptionKey?: Buffer | undefined }): Promise<KeyTrust> {
  const pins = o.pins?.length ? new Set(o.pins) : null;
  const anchors: KeyAnchor[] = [];
  if (pins) anchors.push("pinned_thumbprints");
  if (o.jwks) anchors.push("jwks");
  if (o.encryptionKey && o.stored) anchors.push("encryption_key");

  const fromJwks = new Map<string, string | null>();
  for (const k of o.jwks?.keys ?? []) if (k.kid && !fromJwks.has(k.kid)) fromJwks.set(k.kid, ed25519X(k));
  const rows = new Map((o.stored ?? []).map((r) => [r.kid, r]));
  const kids = [...rows.keys(), ...[...fromJwks.keys()].filter((kid) => !rows.has(kid))];

  const keys: VerifierKey[] = [];
  for (const kid of kids) {
    const row = rows.get(kid);
    // With a JWKS, its public key is the one that verifies; the row only adds when it was created.
    const x = fromJwks.has(kid) ? fromJwks.get(kid)! : ed25519X(row?.publicJwk);
    const thumbprint = x ? await ed25519Thumbprint(x) : null;
    const distrust = ((): KeyDistrust | null => {
      if (!x || !thumbprint) return "not_ed25519";
      if (thumbprint !== kid) return "kid_mismatch";
      if (o.jwks && !fromJwks.has(kid)) return "not_in_jwks";
      if (pins && !pins.has(thumbprint)) return "not_pinned";
      if (o.encryptionKey && row) return storedKeyProblem(row, o.encryptionKey);
      return null;
    })();
    keys.push({ kid, x, thumbprint, createdAt: row?.createdAt ?? null, retiredAt: row?.retiredAt ?? null, distrust, inClear: row ? storedInClear(row) : null });
  }
  return { anchors, keys };
}

/** What a distrusted key's problem says, in words (the verifier's messages and the CLI). */
export const DISTRUST_REASONS: Record<KeyDistrust, string> = {
  kid_mismatch: "its kid is not its RFC 7638 thumbprint (Bridle names every key by it): the row was written by hand",
  not_ed25519: "it is not an Ed25519 public key",
  not_pinned: "its thumbprint is not among the pinned ones (BRIDLE_AUDIT_TRUSTED_KEYS)",
  not_in_jwks: "it is not in the JWKS given to vouch for the keys",
  unencrypted: "its private key is stored unencrypted although BRIDLE_ENCRYPTION_KEY is set: Bridle did not write it",
  undecryptable: "its private key does not decrypt with BRIDLE_ENCRYPTION_KEY: Bridle did not write it",
  public_key_mismatch: "its private key derives another public key than the one its row lists: the row was changed",
};
