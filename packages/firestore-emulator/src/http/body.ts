import type http from "node:http";
import { MAX_REQUEST_BYTES } from "../limits/production.ts";

/** Largest request body any HTTP route reads by default: production's request size limit (10 MiB). */
export const MAX_BODY_BYTES = MAX_REQUEST_BYTES;

/** A request body over its route's size limit. */
export class BodyTooLarge extends Error {
  override readonly name = "BodyTooLarge";
  readonly limit: number;
  constructor(limit: number) {
    super(`The request body exceeds ${limit} bytes.`);
    this.limit = limit;
  }
}

/** The client closed the connection before its body was read: nobody is left to answer. */
export class ClientClosed extends Error {
  override readonly name = "ClientClosed";
  constructor(cause: unknown) {
    super("The client closed the connection before sending its whole request.", { cause });
  }
}

/**
 * Reads a request body as UTF-8, refusing more than `limit` bytes: past it the promise rejects at once
 * with BodyTooLarge and nothing more is kept, so the route can still answer (with `Connection: close`,
 * which ends the connection once the answer is sent) and nobody can make the server buffer without bound.
 */
export function readBody(req: http.IncomingMessage, limit: number = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new BodyTooLarge(limit));
      } else chunks.push(chunk);
    });
    req.on("end", () => {
      if (!over) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    // Node rejects an aborted upload with a bare `Error: aborted`; name it so it is not taken for a bug.
    req.on("error", (error) => reject(new ClientClosed(error)));
  });
}
