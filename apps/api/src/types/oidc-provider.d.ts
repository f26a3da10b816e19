/**
 * The small part of oidc-provider (which ships no types) that Bridle uses: the demo sign-in
 * provider (src/demo/demo-idp.ts) and the tests' identity provider (test/test-idp.ts).
 */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export type OidcClaims = { sub: string; [claim: string]: unknown };
  export type OidcAccount = { accountId: string; claims: (use: string, scope: string) => Promise<OidcClaims> | OidcClaims };
  export type OidcGrant = {
    addOIDCScope: (scope: string) => void;
    addOIDCClaims: (claims: string[]) => void;
    save: () => Promise<string>;
  };
  export type OidcContext = {
    oidc: {
      client?: { clientId: string };
      session?: { accountId?: string; grantIdFor: (clientId: string) => string | undefined };
      result?: { consent?: { grantId?: string }; login?: { accountId: string } };
      provider: Provider;
    };
    host: string;
    body: unknown;
    type: string;
  };
  export type OidcInteraction = {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
  };

  export type OidcCheck = { reason: string };
  export type OidcPrompt = { checks: { add: (check: OidcCheck, index?: number) => void } };
  export type OidcPolicy = { get: (name: string) => OidcPrompt | undefined };
  export const interactionPolicy: {
    base: () => OidcPolicy;
    Check: {
      new (reason: string, description: string, check: (ctx: OidcContext) => boolean | Promise<boolean>): OidcCheck;
      REQUEST_PROMPT: true;
      NO_NEED_TO_PROMPT: false;
    };
  };

  export class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    /** trust X-Forwarded-* (Koa's `proxy`) */
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<OidcInteraction>;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, opts?: { mergeWithLastSubmission?: boolean }): Promise<void>;
    Grant: {
      new (init: { accountId: string; clientId: string }): OidcGrant;
      find: (id: string) => Promise<OidcGrant | undefined>;
    };
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
