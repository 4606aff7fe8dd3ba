import type http from "node:http";
import type { EmulatorCore } from "../emulator-core.ts";
import { firestoreRestApi, type RpcImplementations } from "../rest/api.ts";
import { handleCors } from "../rest/cors.ts";
import { handleRulesRoute } from "./rules-routes.ts";

/** An HTTP route served next to the built-in ones; returns false when the request is not its. */
export type HttpRoute = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => boolean;

const CLEAR_ROUTE = /^\/emulator\/v1\/projects\/([^/]+)\/databases\/([^/]+)\/documents\/?$/;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json" });
  res.end(text);
}

/**
 * The HTTP/1.1 routes the official emulator serves next to gRPC:
 * `GET /` answers "Ok" (readiness probes),
 * `DELETE /emulator/v1/projects/{p}/databases/{d}/documents` deletes every document of that database,
 * `/v1/...` is the Firestore REST API (src/rest/), and `extraRoutes` add more (trigger registration).
 */
export function restHandler(
  core: EmulatorCore,
  implementations: RpcImplementations,
  extraRoutes: readonly HttpRoute[] = [],
) {
  const api = firestoreRestApi(implementations);
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (handleCors(req, res)) return;
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname.startsWith("/v1/")) {
      void api(req, res);
      return;
    }
    if (extraRoutes.some((route) => route(req, res, url))) return;
    const path = decodeURIComponent(url.pathname);
    if (handleRulesRoute(core, path, req, res)) return;
    const clear = CLEAR_ROUTE.exec(path);
    if (req.method === "GET" && path === "/") {
      send(res, 200, "Ok");
    } else if (clear && req.method === "DELETE") {
      core.clear({ projectId: clear[1]!, databaseId: clear[2]! });
      send(res, 200, {});
    } else if (clear) {
      send(res, 405, { error: { code: 405, message: "Use DELETE to clear data." } });
    } else {
      send(res, 404, { error: { code: 404, message: `No route for ${req.method} ${path}` } });
    }
  };
}
