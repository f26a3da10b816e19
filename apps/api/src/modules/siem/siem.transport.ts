import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect as tlsConnect } from "node:tls";
import { SYSLOG_ENDPOINT } from "@bridle/contracts";

/**
 * The two ways a batch reaches a receiver. Each resolves only when the receiver took the whole
 * batch, and rejects with a `DeliveryError` (a sentence without secrets) otherwise; `signal` aborts
 * a send in flight (a stopping server), which then counts as not delivered.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    /** the receiver refused the batch as too large (HTTP 413): send fewer events at a time */
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

export type Tls = { ca: string | null; verify: boolean };

const describe = (err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}${e.message && !e.message.includes(e.code) ? `: ${e.message}` : ""}` : String(e?.message ?? err);
};

export function parseSyslogEndpoint(endpoint: string): { host: string; port: number } {
  const m = SYSLOG_ENDPOINT.exec(endpoint);
  if (!m) throw new DeliveryError(`the endpoint ${endpoint} is not host:port`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port: Number(m[2]) };
}

/**
 * Syslog over TLS (RFC 5425): one connection per batch. Writes the octet-counted frames (waiting
 * for `drain` when the socket's buffer is full), then closes its side (TLS close_notify and FIN)
 * and waits for the receiver to close its own. RFC 5425 has no acknowledgement; a receiver closes
 * only after it has read everything before the close, so that close is the best proof of receipt
 * the protocol gives: it proves the receiver read every byte, not that it stored them (README
 * "Streaming to the SIEM", the at-least-once limit).
 */
export function sendSyslog(endpoint: string, tls: Tls, frames: Buffer[], o: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  const { host, port } = parseSyslogEndpoint(endpoint);
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let wrote = false;
    let peerEnded = false;
    const socket = tlsConnect({
      host,
      port,
      servername: /^[\d.:]+$/.test(host) ? undefined : host,
      ca: tls.ca ?? undefined,
      rejectUnauthorized: tls.verify,
      timeout: o.timeoutMs,
    });
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      o.signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      reject(new DeliveryError(message));
    };
    const onAbort = () => fail("the server is stopping: the batch was not confirmed");
    o.signal?.addEventListener("abort", onAbort, { once: true });
    const deadline = setTimeout(() => fail(`the syslog receiver ${host}:${port} did not take the batch within ${o.timeoutMs} ms`), o.timeoutMs);
    socket.on("timeout", () => fail(`the syslog receiver ${host}:${port} went silent for ${o.timeoutMs} ms`));
    socket.on("error", (err) => fail(`syslog to ${host}:${port} failed: ${describe(err)}`));
    socket.on("data", () => {}); // a receiver may answer nothing; whatever it sends is read and dropped
    socket.on("end", () => {
      peerEnded = true;
      if (!wrote) fail(`the syslog receiver ${host}:${port} closed the connection before the batch was written`);
    });
    socket.on("close", () => {
      if (settled) return;
      if (wrote && peerEnded) {
        settled = true;
        clearTimeout(deadline);
        o.signal?.removeEventListener("abort", onAbort);
        resolve();
      } else fail(`the syslog receiver ${host}:${port} closed the connection before it confirmed the batch`);
    });
    socket.once("secureConnect", () => {
      void (async () => {
        for (const frame of frames) {
          if (settled) return;
          if (!socket.write(frame)) await new Promise<void>((r) => socket.once("drain", () => r()));
        }
        // `end` flushes what is buffered, then sends close_notify and FIN; 'finish' says it was all handed to the kernel.
        socket.end(() => {
          wrote = true;
          if (peerEnded && !socket.destroyed) socket.destroy();
        });
      })();
    });
  });
}

const readBody = (res: IncomingMessage, max = 2000) =>
  new Promise<string>((resolve) => {
    let text = "";
    res.setEncoding("utf8");
    res.on("data", (c: string) => {
      if (text.length < max) text += c;
    });
    res.on("end", () => resolve(text.slice(0, max)));
    res.on("error", () => resolve(text.slice(0, max)));
  });

/** What a HEC answer says about itself (`{"text": "Invalid token", "code": 4}`), else nothing. */
function hecText(body: string): string {
  try {
    const j = JSON.parse(body) as { text?: unknown; code?: unknown };
    return typeof j.text === "string" ? `: ${j.text.slice(0, 200)}${typeof j.code === "number" ? ` (HEC code ${j.code})` : ""}` : "";
  } catch {
    return "";
  }
}

/**
 * One NDJSON batch to a Splunk-HEC-compatible collector: `POST <url>` with `Authorization: Splunk
 * <token>`. Delivered when the collector answers 2xx; anything else (another status, a timeout, a
 * refused connection, a certificate that does not verify) is not delivered.
 */
export function sendHttp(url: string, token: string, tls: Tls, body: string, o: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  const target = new URL(url);
  const request = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<void>((resolve, reject) => {
    const req = request(
      target,
      {
        method: "POST",
        headers: {
          authorization: `Splunk ${token}`,
          "content-type": "application/x-ndjson",
          "content-length": Buffer.byteLength(body),
          "user-agent": "bridle-siem",
        },
        timeout: o.timeoutMs,
        signal: o.signal,
        ...(target.protocol === "https:" ? { ca: tls.ca ?? undefined, rejectUnauthorized: tls.verify } : {}),
      },
      (res) => {
        void readBody(res).then((text) => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve();
          const hint = status === 401 || status === 403 ? " (check the HEC token)" : "";
          reject(new DeliveryError(`the collector answered HTTP ${status}${hecText(text)}${hint}`, status === 413));
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
    req.on("error", (err) => {
      const aborted = (err as { name?: string }).name === "AbortError";
      reject(new DeliveryError(aborted ? "the server is stopping: the batch was not confirmed" : `posting to ${target.host} failed: ${describe(err)}`));
    });
    req.end(body);
  });
}
