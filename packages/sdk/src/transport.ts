import http from "node:http";
import https from "node:https";

const IDLE_SOCKET_MS = 4_000;

/** An answer as the SDK reads it: the status and the body parsed as JSON (null when it is not JSON). */
export type JsonAnswer = { status: number; body: unknown };

/**
 * POSTs JSON over node:http / node:https on one keep-alive agent per client, for the decision
 * request that an agent waits on before every tool call. Global fetch (undici) costs more per
 * request on Node 20 and 24, most of it in the tail: in bench/openclaw-plugin.ts, on a loopback
 * Bridle, fetch added about 0.3 ms at p50 and 1-5 ms at p99 to the same request sent with
 * node:http. Proxy settings are not read (as with Node's fetch); NODE_EXTRA_CA_CERTS is.
 */
export function createJsonPoster(baseUrl: string) {
  const secure = new URL(baseUrl).protocol === "https:";
  // Idle sockets are closed after 4 s, as undici does, before a server or load balancer closes them.
  const options = { keepAlive: true, timeout: IDLE_SOCKET_MS };
  const agent = secure ? new https.Agent(options) : new http.Agent(options);
  const request = secure ? https.request : http.request;

  function once(url: string, headers: Record<string, string>, body: Buffer, signal: AbortSignal): Promise<JsonAnswer & { staleSocket?: true }> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      let answered = false;
      const req = request(url, { method: "POST", agent, headers: { ...headers, "content-length": String(body.length) } }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", fail);
        res.on("end", () => {
          signal.removeEventListener("abort", onAbort);
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          } catch {
            parsed = null;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      function fail(err: Error & { code?: string }) {
        signal.removeEventListener("abort", onAbort);
        // A kept-alive socket the server closed just as it was reused, before any answer: the
        // request never arrived. Once an answer has begun, it did arrive and is not sent again.
        if (req.reusedSocket && !answered && err.code === "ECONNRESET" && !signal.aborted) resolve({ status: 0, body: null, staleSocket: true });
        else reject(err);
      }
      function onAbort() {
        req.destroy(signal.reason as Error);
      }
      signal.addEventListener("abort", onAbort, { once: true });
      req.on("error", fail);
      req.end(body);
    });
  }

  return {
    /**
     * @returns the status and the JSON body (null when the body is not JSON)
     * @throws the signal's reason when `signal` aborts (a `TimeoutError` DOMException for
     *   `AbortSignal.timeout`), or the socket's error (ECONNREFUSED, ECONNRESET, ...); a request
     *   on a kept-alive socket that the server had closed is sent once more on a new one
     */
    async post(url: string, headers: Record<string, string>, json: string, signal: AbortSignal): Promise<JsonAnswer> {
      const body = Buffer.from(json);
      const first = await once(url, headers, body, signal);
      if (!first.staleSocket) return first;
      return once(url, headers, body, signal);
    },
  };
}
