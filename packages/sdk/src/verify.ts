import { isDeepStrictEqual } from "node:util";
import { ZDecision, type TDecision } from "@bridle/contracts";
import { compactVerify, createRemoteJWKSet } from "jose";

/** The protected header's `typ` of a decision JWS (apps/api/src/lib/signing.ts). */
export const DECISION_JWS_TYPE = "bridle-decision+jws";

export type DecisionVerifier = {
  /**
   * Resolves to the decision when `body` is a decision whose compact JWS verifies against
   * Bridle's JWKS, whose payload is exactly the other fields, and that answers `requestId`;
   * otherwise to a string saying what is wrong (the caller treats it as a deny). Never throws.
   */
  verify: (body: unknown, requestId: string) => Promise<TDecision | string>;
};

/**
 * Verifies decisions against `GET {baseUrl}/.well-known/jwks.json`, fetched once and cached
 * (`cacheMaxAgeMs`, 10 minutes by default); a JWS with a key id not in the cache refetches the
 * set at once (at most every `cooldownMs`, 30 s by default), so a key rotation is picked up on
 * the first decision it signs. Caching and refetching are jose's `createRemoteJWKSet`.
 */
export function createDecisionVerifier(opts: { baseUrl: string; cacheMaxAgeMs?: number; cooldownMs?: number; timeoutMs?: number }): DecisionVerifier {
  const jwks = createRemoteJWKSet(new URL("/.well-known/jwks.json", opts.baseUrl), {
    cacheMaxAge: opts.cacheMaxAgeMs ?? 600_000,
    cooldownDuration: opts.cooldownMs ?? 30_000,
    timeoutDuration: opts.timeoutMs ?? 5_000,
  });
  return {
    async verify(body, requestId) {
      const parsed = ZDecision.safeParse(body);
      if (!parsed.success) return "the answer is not a decision";
      const { signature, requestId: answered } = parsed.data;
      if (!signature) return "the decision is not signed";
      try {
        const { payload, protectedHeader } = await compactVerify(signature, jwks, { algorithms: ["EdDSA"] });
        if (protectedHeader.typ !== DECISION_JWS_TYPE) return `the signature's type is ${String(protectedHeader.typ)}, not ${DECISION_JWS_TYPE}`;
        const signed: unknown = JSON.parse(new TextDecoder().decode(payload));
        // Only what was signed counts: any field changed or added on the way is a forgery.
        if (!isDeepStrictEqual(signed, withoutSignature(body))) return "the decision differs from what Bridle signed";
        if (answered !== requestId) return "the decision answers another request";
        return parsed.data;
      } catch (e) {
        return `the signature does not verify (${(e as Error).message})`;
      }
    },
  };
}

function withoutSignature(body: unknown): Record<string, unknown> {
  const { signature: _s, ...rest } = body as Record<string, unknown>;
  return rest;
}
