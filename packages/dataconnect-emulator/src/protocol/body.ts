import type { IncomingMessage } from "node:http";
import { RequestError } from "../errors.ts";

/** Request bodies above this many bytes are refused (the largest real ones are bulk admin inserts). */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A body over the size limit: RESOURCE_EXHAUSTED, answered with HTTP 413 rather than grpc-gateway's 429. */
export class PayloadTooLargeError extends RequestError {
  constructor(limit: number) {
    super("RESOURCE_EXHAUSTED", `request body is larger than the limit of ${limit} bytes`);
    this.name = "PayloadTooLargeError";
  }
}

/** The client went away before its body arrived; there is no one left to answer. */
export class RequestAbortedError extends Error {
  constructor() {
    super("request aborted by the client");
    this.name = "RequestAbortedError";
  }
}

/** Reads a request body, refusing it as soon as it grows past `maxBytes` (without buffering the rest). */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    request.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) settle(() => reject(new PayloadTooLargeError(maxBytes)));
      else chunks.push(chunk);
    });
    request.on("end", () => settle(() => resolve(Buffer.concat(chunks))));
    request.on("error", () => settle(() => reject(new RequestAbortedError())));
    request.on("close", () => {
      if (!request.complete) settle(() => reject(new RequestAbortedError()));
    });
  });
}

/**
 * Parses a body as JSON whatever its Content-Type says: grpc-gateway (the official emulator's HTTP layer)
 * registers its JSON marshaler for every media type, so `curl -d` works. Malformed JSON is INVALID_ARGUMENT.
 * An empty body is `{}` (grpc-gateway's empty message), so schema checks name what is missing.
 */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RequestError("INVALID_ARGUMENT", `request body is not valid JSON: ${(error as Error).message}`);
  }
}
