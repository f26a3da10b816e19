import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseEncryptionKey } from "../config.ts";
import { decryptSecret, encryptSecret, SecretDecryptError } from "./secret-box.ts";

describe("secret box (AES-256-GCM)", () => {
  const key = randomBytes(32);

  it("round-trips and never contains the plaintext", () => {
    const enc = encryptSecret(key, "s3cr3t-client-secret", "p");
    expect(enc).not.toContain("s3cr3t");
    expect(enc.startsWith("v1.")).toBe(true);
    expect(decryptSecret(key, enc, "p")).toBe("s3cr3t-client-secret");
    // a fresh IV each time
    expect(encryptSecret(key, "s3cr3t-client-secret", "p")).not.toBe(enc);
  });

  it("refuses another key, another purpose and a tampered ciphertext", () => {
    const enc = encryptSecret(key, "value", "p");
    expect(() => decryptSecret(randomBytes(32), enc, "p")).toThrow(/different BRIDLE_ENCRYPTION_KEY/);
    expect(() => decryptSecret(key, enc, "other")).toThrow(SecretDecryptError);
    const parts = enc.split(".");
    const ct = Buffer.from(parts[4]!, "base64url");
    ct[0] = ct[0]! ^ 1;
    parts[4] = ct.toString("base64url");
    expect(() => decryptSecret(key, parts.join("."), "p")).toThrow(/integrity/);
    expect(() => decryptSecret(key, "plain-text", "p")).toThrow(/format/);
  });
});

describe("BRIDLE_ENCRYPTION_KEY", () => {
  it("accepts 32 bytes as hex, base64 or base64url", () => {
    const raw = randomBytes(32);
    expect(parseEncryptionKey(raw.toString("hex"))?.equals(raw)).toBe(true);
    expect(parseEncryptionKey(raw.toString("base64"))?.equals(raw)).toBe(true);
    expect(parseEncryptionKey(raw.toString("base64url"))?.equals(raw)).toBe(true);
  });

  it("refuses other lengths and non-key text", () => {
    expect(parseEncryptionKey(randomBytes(16).toString("base64"))).toBeNull();
    expect(parseEncryptionKey(randomBytes(31).toString("hex"))).toBeNull();
    expect(parseEncryptionKey("correct horse battery staple correct horse")).toBeNull();
  });
});
