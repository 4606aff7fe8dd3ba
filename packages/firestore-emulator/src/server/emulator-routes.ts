import type { EmulatorCore } from "../emulator-core.ts";
import { decodedPath, type HttpRoute } from "../http/front.ts";
import { sendJson, sendText } from "../http/responses.ts";
import { rulesRoute } from "./rules-routes.ts";

const CLEAR_ROUTE = /^\/emulator\/v1\/projects\/([^/]+)\/databases\/([^/]+)\/documents\/?$/;

/**
 * The HTTP/1.1 routes the official emulator serves next to the API: `GET /` answers "Ok" (readiness
 * probes), `DELETE /emulator/v1/projects/{p}/databases/{d}/documents` deletes every document of that
 * database, and the rules endpoint (`.../projects/{p}:securityRules`).
 */
export function emulatorRoutes(core: EmulatorCore): HttpRoute[] {
  const basics: HttpRoute = (req, res, url) => {
    const path = decodedPath(url);
    if (req.method === "GET" && path === "/") {
      sendText(res, 200, "Ok");
      return Promise.resolve();
    }
    const clear = CLEAR_ROUTE.exec(path);
    if (!clear) return undefined;
    if (req.method !== "DELETE") {
      sendJson(res, 405, { error: { code: 405, message: "Use DELETE to clear data." } });
      return Promise.resolve();
    }
    // Answered once the deletion is durable (with a data directory, it is journaled like a commit).
    return core.clear({ projectId: clear[1]!, databaseId: clear[2]! }).then(() => sendJson(res, 200, {}));
  };
  return [basics, rulesRoute(core)];
}
