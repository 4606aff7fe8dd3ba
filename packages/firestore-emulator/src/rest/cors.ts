import type http from "node:http";

/**
 * Cross-origin access for browser clients (the lite SDK, the Emulator UI, a local web app on any
 * port): every origin is allowed, as the official emulator allows it. Answers preflight requests;
 * returns true when the request was one.
 */
export function handleCors(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const origin = req.headers.origin;
  res.setHeader("access-control-allow-origin", origin ?? "*");
  if (origin) {
    res.setHeader("access-control-allow-credentials", "true");
    res.setHeader("vary", "origin");
  }
  if (req.method !== "OPTIONS" || !req.headers["access-control-request-method"]) return false;
  res.setHeader("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  const requested = req.headers["access-control-request-headers"];
  if (requested) res.setHeader("access-control-allow-headers", requested);
  // Chrome asks before a public page may reach a loopback address (Private Network Access).
  if (req.headers["access-control-request-private-network"] === "true") {
    res.setHeader("access-control-allow-private-network", "true");
  }
  res.setHeader("access-control-max-age", "86400");
  res.writeHead(204).end();
  return true;
}
