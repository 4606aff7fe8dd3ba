import type http from "node:http";
import * as grpc from "@grpc/grpc-js";
import type { CallStatus } from "./rpc-call.ts";

/** A request body over the size limit. */
export class BodyTooLarge extends Error {
  override readonly name = "BodyTooLarge";
}

/**
 * Reads a request body as UTF-8, refusing more than `limit` bytes: past it the promise rejects at
 * once and the rest is discarded unread, so the caller can still answer (then close the connection).
 */
export function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
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
        reject(new BodyTooLarge(`The request body exceeds ${limit} bytes.`));
      } else chunks.push(chunk);
    });
    req.on("end", () => {
      if (!over) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}

/** The HTTP status Google APIs answer each gRPC status code with. */
const HTTP_STATUS: Record<number, number> = {
  [grpc.status.OK]: 200,
  [grpc.status.CANCELLED]: 499,
  [grpc.status.UNKNOWN]: 500,
  [grpc.status.INVALID_ARGUMENT]: 400,
  [grpc.status.DEADLINE_EXCEEDED]: 504,
  [grpc.status.NOT_FOUND]: 404,
  [grpc.status.ALREADY_EXISTS]: 409,
  [grpc.status.PERMISSION_DENIED]: 403,
  [grpc.status.RESOURCE_EXHAUSTED]: 429,
  [grpc.status.FAILED_PRECONDITION]: 400,
  [grpc.status.ABORTED]: 409,
  [grpc.status.OUT_OF_RANGE]: 400,
  [grpc.status.UNIMPLEMENTED]: 501,
  [grpc.status.INTERNAL]: 500,
  [grpc.status.UNAVAILABLE]: 503,
  [grpc.status.DATA_LOSS]: 500,
  [grpc.status.UNAUTHENTICATED]: 401,
};

/** The HTTP status for a gRPC status code. */
export function httpStatusOf(code: number): number {
  return HTTP_STATUS[code] ?? 500;
}

/** Google's JSON error body: `{error: {code: <HTTP status>, message, status: "NOT_FOUND"}}`. */
export function errorBody(status: CallStatus) {
  return {
    error: {
      code: httpStatusOf(status.code),
      message: status.details,
      status: grpc.status[status.code] ?? "UNKNOWN",
    },
  };
}

/** Sends a JSON response. */
export function sendJson(res: http.ServerResponse, httpStatus: number, body: unknown): void {
  res.writeHead(httpStatus, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

/** Sends a plain-text response. */
export function sendText(res: http.ServerResponse, httpStatus: number, text: string): void {
  res.writeHead(httpStatus, { "content-type": "text/plain; charset=utf-8" });
  res.end(text);
}

/** Answers a request whose body was too large, closing the connection (the rest of the body is unread). */
export function sendTooLarge(res: http.ServerResponse, body: string, type: string): void {
  res.writeHead(413, { "content-type": type, connection: "close" });
  res.end(body);
}

/** `address:port` of the client, as grpc-js reports peers. */
export function peerOf(req: http.IncomingMessage): string {
  return `${req.socket.remoteAddress ?? "unknown"}:${req.socket.remotePort ?? 0}`;
}
