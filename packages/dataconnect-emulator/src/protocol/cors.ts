import type { IncomingHttpHeaders } from "node:http";

const ALLOWED_METHODS = "POST, GET, OPTIONS";
// What the web SDK sends, for preflights that do not list their headers.
const DEFAULT_ALLOWED_HEADERS =
  "Content-Type, X-Goog-Api-Client, X-Client-Version, X-Firebase-Auth-Token, X-Firebase-GMPID, X-Firebase-AppCheck, Authorization";

/**
 * Headers every response carries so browsers on any origin (the web app, the Emulator UI) may read it:
 * the `Origin` is echoed with credentials allowed, since `*` is not valid together with credentials.
 */
export function corsHeaders(request: IncomingHttpHeaders): Record<string, string> {
  const origin = request.origin;
  if (!origin) return { "Access-Control-Allow-Origin": "*" };
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Credentials": "true",
    Vary: "Origin",
  };
}

/**
 * Whether a browser page from `origin` may use the emulator, streams included. The connector endpoints
 * answer every origin (see `corsHeaders`), so the stream accepts every origin too.
 */
export function originAllowed(_origin: string): boolean {
  return true;
}

/** Headers answering an `OPTIONS` preflight: any method we serve, whatever headers were asked for. */
export function preflightHeaders(request: IncomingHttpHeaders): Record<string, string> {
  const requested = request["access-control-request-headers"];
  const headers: Record<string, string> = {
    ...corsHeaders(request),
    "Access-Control-Allow-Methods": ALLOWED_METHODS,
    "Access-Control-Allow-Headers": requested || DEFAULT_ALLOWED_HEADERS,
    "Access-Control-Max-Age": "3600",
  };
  // Chrome's Private Network Access asks before a public page may call a loopback server.
  if (request["access-control-request-private-network"] === "true") {
    headers["Access-Control-Allow-Private-Network"] = "true";
  }
  return headers;
}
