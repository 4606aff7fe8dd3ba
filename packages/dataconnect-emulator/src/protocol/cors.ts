// What web pages may do. The emulator listens on this machine, and any page a developer opens could send it
// requests; only the web SDK's endpoints (a connector's executeQuery/executeMutation) are served to
// browsers, from any origin (the app may run on a Vite dev server, Hosting, a Cloud Workstation). Everything
// else — the admin endpoints (`:executeGraphql*`, `:impersonate*`, which read and rewrite any data and run
// any SQL) and `/emulator/*` — is for servers and tools only: a request a browser sent is refused before
// its body is read, and preflights for them get no CORS headers, so pages can neither call nor read them.
import type { IncomingHttpHeaders } from "node:http";
import { isIP } from "node:net";

const ALLOWED_METHODS = "POST, OPTIONS";
// What the web SDK sends, for preflights that do not list their headers.
const DEFAULT_ALLOWED_HEADERS =
  "Content-Type, X-Goog-Api-Client, X-Client-Version, X-Firebase-Auth-Token, X-Firebase-GMPID, X-Firebase-AppCheck, Authorization";

/**
 * Whether a browser sent this request: it carries `Origin` (every cross-origin request, and every
 * same-origin POST — so also pages that rebound a DNS name to this machine) or a `Sec-Fetch-Site` other
 * than `none` (a typed-in address). Servers and tools (firebase-tools, firebase-admin, VS Code, curl,
 * Node's fetch) send neither.
 */
export function isBrowserRequest(headers: IncomingHttpHeaders): boolean {
  if (headers.origin !== undefined) return true;
  const site = headers["sec-fetch-site"];
  return site !== undefined && site !== "none";
}

/** Headers of an answer to a browser on a browser-facing endpoint: its origin may read it, with credentials (Cloud Workstations). */
export function corsHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const origin = headers.origin;
  if (!origin) return {};
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Credentials": "true",
    Vary: "Origin",
  };
}

/** Headers answering a preflight for a browser-facing endpoint. */
export function preflightHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const requested = headers["access-control-request-headers"];
  const answer: Record<string, string> = {
    ...corsHeaders(headers),
    "Access-Control-Allow-Methods": ALLOWED_METHODS,
    "Access-Control-Allow-Headers": requested || DEFAULT_ALLOWED_HEADERS,
    "Access-Control-Max-Age": "3600",
  };
  // Chrome's Private Network Access asks before a page may call a loopback server. Pages on this machine
  // or the local network (an app opened on a phone) may; a public site may not.
  if (headers["access-control-request-private-network"] === "true" && isLocalOrigin(headers.origin)) {
    answer["Access-Control-Allow-Private-Network"] = "true";
  }
  return answer;
}

/**
 * Whether a browser may open the realtime stream (a WebSocket upgrade, which has neither CORS nor a
 * preflight; requests without `Origin` are not from browsers). The stream runs connector operations
 * only, exactly as executeQuery/executeMutation do, so pages from every origin may use it, as they may
 * use those. The one exception mirrors the Private Network Access answer above: a public page may not
 * reach an emulator it addresses by a loopback or private address. A preflight would refuse it that for
 * executeQuery; a WebSocket asks nothing first, so the upgrade itself is refused.
 */
export function streamAllowed(headers: IncomingHttpHeaders): boolean {
  if (headers.origin === undefined) return true;
  if (isLocalOrigin(headers.origin)) return true;
  return !isPrivateTarget(headers.host);
}

/** Whether a `Host` header names this machine or a private network (no header: assume so). */
function isPrivateTarget(host: string | undefined): boolean {
  if (!host) return true;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return true;
  }
  if (hostname === "0.0.0.0" || hostname === "::") return true;
  return isLocalOrigin(`http://${host}`);
}

/** Whether `origin` is a page on this machine or a private network: localhost, loopback or private addresses. */
export function isLocalOrigin(origin: string | undefined): boolean {
  if (!origin) return false;
  let host: string;
  try {
    host = new URL(origin).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return false;
  }
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) {
    const [a, b] = host.split(".").map(Number) as [number, number];
    return (
      a === 127 ||
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  if (isIP(host) === 6) return host === "::1" || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  return false;
}
