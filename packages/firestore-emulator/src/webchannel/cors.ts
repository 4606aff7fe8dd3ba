import type http from "node:http";
import { isIP } from "node:net";

/** Response headers the web SDK reads cross-origin: the handshake's HTTP session id. */
const EXPOSED_HEADERS = "X-HTTP-Session-Id, X-HTTP-Initial-Response, X-Client-Wire-Protocol";
const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const PREFLIGHT_MAX_AGE_S = 3600;

function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return undefined;
  }
}

function isLoopback(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  return bare === "::1";
}

/**
 * Whether a page from `origin` may use the emulator: pages served from this machine (localhost,
 * 127.0.0.0/8, ::1) or from the host name the request was addressed to (an app on another port of
 * the same host). Anything else, including `null` (file: pages), is refused, so a web page someone
 * happens to visit cannot read or write local development data.
 */
export function isAllowedOrigin(origin: string, hostHeader: string | undefined): boolean {
  let hostname: string;
  try {
    hostname = new URL(origin).hostname;
  } catch {
    return false;
  }
  if (hostname === "") return false;
  return isLoopback(hostname) || hostname === hostnameOf(hostHeader);
}

/**
 * Applies CORS to a request: sets the response headers for an allowed origin (credentials included:
 * the SDK's XHRs send them) and answers preflights. Returns whether the request may go on; a refused
 * or preflight request has been answered already.
 */
export function applyCors(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a cross-origin browser request
  res.setHeader("Vary", "Origin");
  const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
  if (!isAllowedOrigin(origin, req.headers.host)) {
    res.writeHead(403, { "content-type": "text/plain" });
    res.end(`Origin ${origin} may not use the Firestore emulator: only pages served from this machine may.`);
    return false;
  }
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Access-Control-Allow-Credentials", "true");
  res.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
  if (!preflight) return true;
  const requested = req.headers["access-control-request-headers"];
  res.writeHead(204, {
    "Access-Control-Allow-Methods": ALLOWED_METHODS,
    ...(requested ? { "Access-Control-Allow-Headers": requested } : {}),
    "Access-Control-Max-Age": String(PREFLIGHT_MAX_AGE_S),
    // Chrome's Private Network Access preflights ask this for pages on less private addresses.
    ...(req.headers["access-control-request-private-network"] === "true"
      ? { "Access-Control-Allow-Private-Network": "true" }
      : {}),
  });
  res.end();
  return false;
}
