import type http from "node:http";
import { invalidArgument } from "../errors.ts";
import { BodyTooLarge } from "./body.ts";
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

/**
 * The HTTP/1.1 side of the port: every request first meets the CORS policy (once, for every route:
 * the REST API, WebChannel, the emulator's own routes), then the first route that claims it; nothing
 * claims it → 404. Whatever a route throws becomes Google's JSON error for that request only.
 */
export function httpFront(
  routes: readonly HttpRoute[],
  corsAllowOrigins: ExtraOrigins = [],
): http.RequestListener {
  return (req, res) => {
    const answer = async () => {
      if (!applyCors(req, res, corsAllowOrigins)) return;
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
    answer().catch((error: unknown) => {
      if (error instanceof BodyTooLarge) {
        // Production's answer; the connection closes once it is sent, so the rest is never read.
        const tooLarge = invalidArgument(`Request payload size exceeds the limit: ${error.limit} bytes.`);
        sendError(res, tooLarge, { connection: "close" });
      } else sendError(res, error);
    });
  };
}
