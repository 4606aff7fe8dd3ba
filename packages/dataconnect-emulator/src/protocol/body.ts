import type { IncomingMessage } from "node:http";
import { RequestError } from "../errors.ts";
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from "../limits/nesting.ts";

/** Request bodies above this many bytes are refused (the largest real ones are bulk admin inserts). */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Bytes of bodies being read at once, over all requests: what many large requests in flight may hold. */
export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024 * 1024;

/** Bytes of request bodies held in memory at once, shared by every request of a server. */
export class BodyBudget {
  readonly maxBytes: number;
  #used = 0;

  constructor(maxBytes = DEFAULT_MAX_BUFFERED_BYTES) {
    this.maxBytes = maxBytes;
  }

  get used(): number {
    return this.#used;
  }

  /** Takes `bytes` from the budget, or returns false when they do not fit. */
  take(bytes: number): boolean {
    if (this.#used + bytes > this.maxBytes) return false;
    this.#used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.#used -= bytes;
  }
}

/** Too many bodies are being read at once: RESOURCE_EXHAUSTED (429), retry later. */
export class BusyError extends RequestError {
  constructor() {
    super("RESOURCE_EXHAUSTED", "too many large requests are being received at once; retry later");
    this.name = "BusyError";
  }
}

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

/**
 * Reads a request body, refusing it as soon as it grows past `maxBytes` or past what `budget` has left
 * (without buffering the rest). A refused body's bytes go back to the budget at once; an accepted one's
 * are the caller's to give back when the request is answered.
 */
export function readBody(request: IncomingMessage, maxBytes: number, budget?: BodyBudget): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: () => void, accepted = false) => {
      if (settled) return;
      settled = true;
      if (!accepted) budget?.give(size);
      outcome();
    };
    request.on("data", (chunk: Buffer) => {
      if (settled) return;
      if (size + chunk.length > maxBytes) return settle(() => reject(new PayloadTooLargeError(maxBytes)));
      if (budget && !budget.take(chunk.length)) return settle(() => reject(new BusyError()));
      size += chunk.length;
      chunks.push(chunk);
    });
    request.on("end", () => settle(() => resolve(Buffer.concat(chunks)), true));
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
  // Refused before parsing: what walks the parsed value recursively would pay for deep nesting.
  if (jsonNestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw new RequestError("INVALID_ARGUMENT", `request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  const text = body.toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RequestError("INVALID_ARGUMENT", `request body is not valid JSON: ${(error as Error).message}`);
  }
}
