import type http from "node:http";
import type { FirestoreError } from "../errors.ts";

/** google.rpc.Code names by number, as Google's JSON errors spell them. */
const STATUS_NAMES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
];

/** The HTTP status Google's REST front end maps each gRPC code to. */
const HTTP_STATUS = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401];

/** Sends a FirestoreError the way Google's REST APIs do: `{error: {code, message, status}}`. */
export function sendError(res: http.ServerResponse, error: FirestoreError, close = false): void {
  const status = HTTP_STATUS[error.code] ?? 500;
  const body = JSON.stringify({
    error: { code: status, message: error.message, status: STATUS_NAMES[error.code] ?? "UNKNOWN" },
  });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    ...(close ? { connection: "close" } : {}),
  });
  res.end(body);
}
