import { CompactSign, compactVerify, createLocalJWKSet, exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { createJwsSigner, DECISION_JWS_TYPE } from "./signing.ts";

describe("decision JWS signer", () => {
  it("produces exactly jose's compact JWS (Ed25519 is deterministic), verifiable with a JWKS", async () => {
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    const jwk = await exportJWK(privateKey);
    const signer = createJwsSigner(jwk, "k1");
    const inline = createJwsSigner(jwk, "k1", { thread: false });
    const payload = { decision: "allow", reasons: [{ code: "not_gated", message: "ünïcode ✓", rule: "BR-GATED-ACTION" }], approvalRequestId: null, policyVersion: 7 };
    const ours = await signer.sign(payload);
    const header = { alg: "EdDSA", kid: "k1", typ: DECISION_JWS_TYPE };
    const theirs = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header).sign(privateKey);
    expect(ours).toBe(theirs);
    expect(await inline.sign(payload)).toBe(theirs);
    // many at once (batched to the signing thread), each its own signature
    const many = await Promise.all(Array.from({ length: 50 }, (_v, i) => signer.sign({ ...payload, policyVersion: i })));
    expect(new Set(many).size).toBe(50);
    expect(many[7]).toBe(await inline.sign({ ...payload, policyVersion: 7 }));
    // a group commit's batch, in one message: the same signatures, in order
    const payloads = Array.from({ length: 20 }, (_v, i) => ({ ...payload, policyVersion: i }));
    expect(await signer.signMany(payloads)).toEqual(await Promise.all(payloads.map((p) => inline.sign(p))));
    expect(await inline.signMany(payloads.slice(0, 3))).toEqual(many.slice(0, 3));
    expect(await signer.signMany([])).toEqual([]);
    await signer.close();
    expect(await signer.sign(payload)).toBe(theirs); // after close: signed on the calling thread
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: "k1", alg: "EdDSA", use: "sig" }] });
    const { payload: raw, protectedHeader } = await compactVerify(ours, jwks);
    expect(protectedHeader).toEqual(header);
    expect(JSON.parse(new TextDecoder().decode(raw))).toEqual(payload);
  });
});
