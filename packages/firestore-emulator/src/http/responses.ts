import type http from "node:http";
import { Code, toStatus } from "../errors.ts";
import { reportInternalError } from "../incidents.ts";

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

/** The HTTP status Google's REST front ends answer each gRPC code with (same order as the names). */
const HTTP_STATUS = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401];

/** The HTTP status for a gRPC status code. */
export function httpStatusOf(code: number): number {
  return HTTP_STATUS[code] ?? 500;
}

/** Google's JSON error body, `{error: {code: <HTTP status>, message, status: "NOT_FOUND"}}`. */
export function errorBody(code: number, message: string) {
  return { error: { code: httpStatusOf(code), message, status: STATUS_NAMES[code] ?? "UNKNOWN" } };
}

/** Sends a JSON response. */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
  res.end(JSON.stringify(body));
}

/** Sends a plain-text response. */
export function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(text);
}

/**
 * Answers a failed request the way Google's REST APIs do, with its gRPC code's HTTP status and
 * Google's error body (anything but a FirestoreError is an INTERNAL bug, reported to the incident log).
 * A response already under way cannot change its status: its connection is dropped instead.
 */
export function sendError(
  res: http.ServerResponse,
  error: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  const { code, details } = toStatus(error);
  if (code === Code.INTERNAL) reportInternalError(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, httpStatusOf(code), errorBody(code, details), headers);
}
