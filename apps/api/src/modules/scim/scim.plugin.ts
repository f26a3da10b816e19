import type { Db } from "@bridle/db";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { loadIdentitySettings } from "../identity-settings/index.ts";
import { ScimError, scimErrorHandler, scimNotFoundHandler } from "./scim.errors.ts";
import { scimResourceRoutes } from "./scim.routes.ts";
import { createScimGroupsService } from "./scim-groups.service.ts";
import { createScimTokensService } from "./scim-tokens.service.ts";
import { createScimUsersService } from "./scim-users.service.ts";

export { scimTokenRoutes } from "./scim-tokens.routes.ts";
export { canonicalScimUrl } from "./scim.paths.ts";

const SCIM_JSON = "application/scim+json";

export const SCIM_DISABLED_DETAIL =
  "SCIM provisioning is turned off in Bridle's identity settings (Settings → Single sign-on → SCIM provisioning)";

/**
 * The SCIM 2.0 service provider, registered with the prefix `/scim/v2`. Its own scope:
 *  - bodies in `application/scim+json` or `application/json` (RFC 7644 §3.1); answers in
 *    `application/scim+json`;
 *  - a SCIM token in `Authorization: Bearer` on every request, discovery included (API tokens and
 *    sessions are not accepted here, and SCIM tokens are accepted nowhere else);
 *  - while identity settings have `scimEnabled: false` (the default), every request with a valid
 *    token answers 403: an admin turns provisioning on, so a token alone never changes who exists
 *    (a bad token still answers 401);
 *  - every error, 401 and unknown routes included, in the SCIM error shape (RFC 7644 §3.12).
 */
export function scimRoutes(deps: { db: Db }) {
  const tokens = createScimTokensService(deps);
  const users = createScimUsersService(deps);
  const groups = createScimGroupsService(deps);
  return async (app: FastifyInstance) => {
    app.setErrorHandler(scimErrorHandler);
    app.setNotFoundHandler(scimNotFoundHandler);

    // A DELETE may come with a Content-Type and no body; an empty body is then no body.
    const json = app.getDefaultJsonParser("error", "error");
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(["application/json", SCIM_JSON], { parseAs: "string" }, (request, body, done) => {
      if (typeof body === "string" && body.trim() === "") return done(null, undefined);
      return json(request, body as string, done);
    });

    app.decorateRequest("scimClient", null);
    app.addHook("onRequest", async (request: FastifyRequest) => {
      const header = request.headers.authorization;
      const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m?.[1]) throw new ScimError(401, "Send a SCIM token: Authorization: Bearer <token>");
      const client = await tokens.authenticate(m[1]);
      if (!client) throw new ScimError(401, "The SCIM token is invalid or revoked");
      // Read on every request so turning SCIM off in the console takes effect at once.
      if (!(await loadIdentitySettings(deps.db)).scimEnabled) throw new ScimError(403, SCIM_DISABLED_DETAIL);
      request.setDecorator("scimClient", client);
    });
    app.addHook("onSend", async (_request, reply, payload) => {
      if (reply.statusCode !== 204) reply.header("content-type", `${SCIM_JSON}; charset=utf-8`);
      return payload;
    });

    await app.register(scimResourceRoutes({ users, groups, prefix: app.prefix }));
    // Unknown paths under /scim/v2 answer a SCIM 404, also when the console's catch-all route exists.
    app.all("/*", { schema: { hide: true } }, async (request, reply) => scimNotFoundHandler(request, reply));
  };
}
