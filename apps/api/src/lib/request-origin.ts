import { fastifyRequestContext, requestContext } from "@fastify/request-context";
import type { FastifyInstance } from "fastify";

/**
 * Where a request came from, as the server saw it: its request id, the client address (after
 * BRIDLE_TRUST_PROXY) and user agent. Kept for the duration of the request (AsyncLocalStorage,
 * through @fastify/request-context) so every audit event written while serving it names its
 * origin without each caller passing it along.
 */
export type RequestOrigin = { requestId: string; sourceIp: string | null; userAgent: string | null };

declare module "@fastify/request-context" {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  interface RequestContextData {
    origin: RequestOrigin;
  }
}

/** User agents longer than this are cut (characters); a header is not a place to store data. */
const MAX_USER_AGENT = 512;

/** Registers the request context on `app` (call once, before the routes). */
export async function registerRequestOrigin(app: FastifyInstance): Promise<void> {
  await app.register(fastifyRequestContext);
  app.addHook("onRequest", async (request) => {
    const ua = request.headers["user-agent"];
    request.requestContext.set("origin", {
      requestId: request.id,
      sourceIp: request.ip || null,
      userAgent: typeof ua === "string" && ua.length > 0 ? ua.slice(0, MAX_USER_AGENT) : null,
    });
  });
}

/** The origin of the request being served, or undefined outside a request (jobs, startup). */
export function currentRequestOrigin(): RequestOrigin | undefined {
  return requestContext.get("origin");
}
