import type http from "node:http";
import { Code, FirestoreError, invalidArgument } from "../errors.ts";
import { reportIncident } from "../incidents.ts";
import { BodyTooLarge, ClientClosed, MAX_BODY_BYTES } from "./body.ts";
import { applyCors, type ExtraOrigins } from "./cors.ts";
import { sendError, sendJson } from "./responses.ts";

/**
 * One HTTP/1.1 route: returns undefined when the request is not its own, otherwise the promise of
 * answering it. A rejection is answered by the front in Google's error shape.
 */
export type HttpRoute = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
) => Promise<void> | undefined;

/** The percent-decoded path of a URL; malformed escapes are the client's error (400). */
export function decodedPath(url: URL): string {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    throw invalidArgument("Invalid request URL: malformed percent-encoding.");
  }
}

/** The body size a request announces (`Content-Length`), 0 when it announces none. */
function declaredLength(req: http.IncomingMessage): number {
  const length = Number(req.headers["content-length"] ?? 0);
  return Number.isFinite(length) ? length : 0;
}

/**
 * Answers what a route threw: production's 400 for a body over its limit (the connection closes once it
 * is sent, so the rest is never read), Google's JSON error otherwise. The client's mistakes are
 * reported to the incident log (rate-limited), bugs with their stack (by `sendError`).
 */
function answerError(req: http.IncomingMessage, res: http.ServerResponse, error: unknown): void {
  if (error instanceof ClientClosed || res.destroyed) return;
  if (error instanceof BodyTooLarge) {
    const tooLarge = invalidArgument(`Request payload size exceeds the limit: ${error.limit} bytes.`);
    reportIncident("request too large", `${req.method} ${req.url}: ${tooLarge.message}`);
    sendError(res, tooLarge, { connection: "close" });
    return;
  }
  if (error instanceof FirestoreError && error.code === Code.INVALID_ARGUMENT) {
    reportIncident("malformed HTTP request", `${req.method} ${req.url}: ${error.message}`);
  }
  sendError(res, error);
}

/**
 * The HTTP/1.1 side of the port: every request first meets the CORS policy (once, for every route:
 * the REST API, WebChannel, the emulator's own routes), then production's request size limit (a body
 * announced over 10 MiB is refused before it is read), then the first route that claims it; nothing
 * claims it → 404. Whatever a route throws becomes Google's JSON error for that request only.
 */
export function httpFront(
  routes: readonly HttpRoute[],
  corsAllowOrigins: ExtraOrigins = [],
): http.RequestListener {
  return (req, res) => {
    const answer = async () => {
      if (!applyCors(req, res, corsAllowOrigins)) return;
      if (declaredLength(req) > MAX_BODY_BYTES) throw new BodyTooLarge(MAX_BODY_BYTES);
      let url: URL;
      try {
        url = new URL(req.url ?? "/", "http://localhost");
      } catch {
        throw invalidArgument("Invalid request URL.");
      }
      for (const route of routes) {
        const answered = route(req, res, url);
        if (answered) return answered;
      }
      sendJson(res, 404, {
        error: { code: 404, message: `No route for ${req.method} ${url.pathname}`, status: "NOT_FOUND" },
      });
    };
    answer().catch((error: unknown) => answerError(req, res, error));
  };
}
