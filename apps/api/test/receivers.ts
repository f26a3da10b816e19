import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A mail as a real SMTP server received it: the envelope, and the message parsed (mailparser). */
export type ReceivedMail = { envelopeTo: string[]; user: string | undefined; raw: string; parsed: ParsedMail };

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1, requiring the given user and
 * password (plain AUTH without TLS is allowed: it is the loopback), keeping every mail it accepts.
 * `refuseNext(code, n)` makes it answer the next `n` recipients with an SMTP error (451: try
 * again later; 550: refused).
 */
export async function startSmtpReceiver(opts: { user: string; pass: string }) {
  const mails: ReceivedMail[] = [];
  let refusals: { code: number; left: number } = { code: 0, left: 0 };
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.pass) cb(null, { user: auth.username });
      else cb(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, cb) {
      if (refusals.left > 0) {
        refusals.left--;
        return cb(Object.assign(new Error(refusals.code >= 500 ? "Mailbox unavailable" : "Try again later"), { responseCode: refusals.code }));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw)
          .then((parsed) => {
            mails.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), user: session.user as string | undefined, raw, parsed });
            cb();
          })
          .catch((err: Error) => cb(err));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://${encodeURIComponent(opts.user)}:${encodeURIComponent(opts.pass)}@127.0.0.1:${port}`,
    mails,
    refuseNext: (code: number, n = 1) => {
      refusals = { code, left: n };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type ReceivedPost = { path: string; contentType: string | undefined; body: unknown };

/**
 * A real HTTP server on 127.0.0.1 taking webhook posts. It answers each POST with the next status
 * of `answers` (then 200), and keeps every post it answered 2xx.
 */
export async function startWebhookReceiver() {
  const posts: ReceivedPost[] = [];
  const tried: string[] = [];
  let answers: number[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });
  const server = createServer((req, res) => {
    void read(req).then((text) => {
      tried.push(req.url ?? "");
      const status = answers.shift() ?? 200;
      if (status < 300) posts.push({ path: req.url ?? "", contentType: req.headers["content-type"], body: JSON.parse(text) as unknown });
      res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    posts,
    /** every POST's path, answered or not */
    tried,
    answerWith: (...statuses: number[]) => {
      answers = statuses;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
