// Dev-server only: the app reaches the Data Connect emulator through Vite, one request at a time.
//
// Why: under `npm start`, firebase-tools serves Postgres from one embedded PGlite session to every
// connection of its gateway, and our Data Connect engine keeps a pool of connections to it, so
// concurrent requests interleave their transactions in that one session: a mutation next to a feed
// read fails with "cannot execute SELECT in a read-only transaction" or "current transaction is
// aborted". Serializing the app's requests avoids most of it; the functions still call the engine
// directly, so a request that failed that way (and so changed nothing: its statements ran in a
// transaction that was rolled back) is sent again, up to three times. Production (Cloud SQL) and the
// engine on a real Postgres server are not affected. Remove this once the engine uses a single
// connection on firebase-tools' PGlite (web/README.md, "Known issues").
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Plugin } from "vite";

/** The messages of a request caught in another connection's transaction. */
const INTERLEAVED = /current transaction is aborted|cannot execute \w+ in a read-only transaction/;
const ATTEMPTS = 3;

const HOP_BY_HOP = new Set([
  "host",
  "connection",
  "content-length",
  "keep-alive",
  "transfer-encoding",
  "origin",
  "referer",
]);

/** A Vite plugin serving /v1/* by forwarding it to `target` (http://host:port), serially. */
export function serialDataConnect(target: string): Plugin {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    name: "rookery:serial-dataconnect",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (!req.url?.startsWith("/v1/projects/")) return next();
        const job = tail.then(() => forward(target, req, res));
        tail = job.catch(() => {});
      });
    },
  };
}

async function forward(target: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && typeof value === "string") headers[name] = value;
    }
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks);
    for (let attempt = 1; ; attempt++) {
      const upstream = await fetch(new URL(req.url!, target), { method: req.method, headers, body });
      const answer = Buffer.from(await upstream.arrayBuffer());
      if (attempt < ATTEMPTS && INTERLEAVED.test(answer.toString("utf8"))) {
        await new Promise((r) => setTimeout(r, 50 * attempt));
        continue;
      }
      res.statusCode = upstream.status;
      const type = upstream.headers.get("content-type");
      if (type) res.setHeader("content-type", type);
      res.end(answer);
      return;
    }
  } catch (error) {
    res.statusCode = 502;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ error: { code: 502, message: `Data Connect emulator unreachable: ${error}` } }));
  }
}
