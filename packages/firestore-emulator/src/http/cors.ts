import type http from "node:http";
import { isIP } from "node:net";

/**
 * Origins allowed besides pages served from this machine: a list of origins
 * (`https://8080-my-workstation.example.dev`), or `*` for every origin, as the official emulator allows.
 */
export type ExtraOrigins = "*" | readonly string[];

/** Response headers the web SDK reads cross-origin: the WebChannel handshake's HTTP session id. */
const EXPOSED_HEADERS = "X-HTTP-Session-Id, X-HTTP-Initial-Response, X-Client-Wire-Protocol";
const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const PREFLIGHT_MAX_AGE_S = 3600;

/**
 * Parses the `--cors_allow_origin` value: `*`, or comma-separated http(s) origins (scheme, host and
 * an optional port; no path). Throws naming the first value that is not one.
 */
export function parseExtraOrigins(text: string): ExtraOrigins {
  if (text.trim() === "*") return "*";
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((value) => {
      let url: URL | undefined;
      try {
        url = new URL(value);
      } catch {}
      const bare = url && url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
      if (!url || !bare || (url.protocol !== "http:" && url.protocol !== "https:")) {
        throw new Error(`"${value}" is not an origin (scheme://host[:port], http or https) or *.`);
      }
      return url.origin;
    });
}

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
 * *.localhost, 127.0.0.0/8, ::1) or from the host name the request was addressed to (an app on another
 * port of the same host), plus the `extra` origins. Anything else, `null` (file: pages) included, is
 * refused, so a web page someone happens to visit cannot read or write local development data.
 */
export function isAllowedOrigin(
  origin: string,
  hostHeader: string | undefined,
  extra: ExtraOrigins = [],
): boolean {
  if (extra === "*") return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.hostname === "") return false;
  return isLoopback(url.hostname) || url.hostname === hostnameOf(hostHeader) || extra.includes(url.origin);
}

/**
 * Applies the CORS policy to a request, before any route sees it: an allowed origin gets the response
 * headers (credentials included: the SDK's XHRs send them) and its preflights are answered; any other
 * origin is refused with 403 before anything runs (a plain form POST needs no preflight, so refusing
 * only preflights would not be enough). Returns whether the request may go on.
 */
export function applyCors(req: http.IncomingMessage, res: http.ServerResponse, extra: ExtraOrigins): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a cross-origin browser request
  res.setHeader("Vary", "Origin");
  const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
  if (!isAllowedOrigin(origin, req.headers.host, extra)) {
    res.writeHead(403, { "content-type": "text/plain; charset=utf-8" });
    res.end(
      `Origin ${origin} may not use the Firestore emulator: only pages served from this machine may ` +
        "(start the emulator with --cors_allow_origin=ORIGIN to allow another one).",
    );
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
