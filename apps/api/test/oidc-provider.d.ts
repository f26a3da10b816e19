/**
 * The small part of oidc-provider (which ships no types) that the test identity provider uses.
 * oidc-provider is a devDependency: only tests and the end-to-end provider load it.
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
      result?: { consent?: { grantId?: string } };
      provider: Provider;
    };
  };

  export class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    Grant: {
      new (init: { accountId: string; clientId: string }): OidcGrant;
      find: (id: string) => Promise<OidcGrant | undefined>;
    };
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
