import type http from "node:http";
import type { EmulatorCore } from "../emulator-core.ts";
import { Code, FirestoreError, invalidArgument } from "../errors.ts";
import { MAX_REQUEST_BYTES, requestTooLarge } from "../limits/production.ts";
import { sendError } from "./http-errors.ts";
import type { IncidentLog } from "./incidents.ts";

const CLEAR_ROUTE = /^\/emulator\/v1\/projects\/([^/]+)\/databases\/([^/]+)\/documents\/?$/;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json" });
  res.end(text);
}

/** The decoded path of a request URL; malformed percent-encoding is the client's error (400). */
function requestPath(req: http.IncomingMessage): string {
  try {
    return decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
  } catch {
    throw invalidArgument("Invalid request URL: malformed path or percent-encoding.");
  }
}

/**
 * The HTTP/1.1 routes the official emulator serves next to gRPC:
 * `GET /` answers "Ok" (readiness probes) and
 * `DELETE /emulator/v1/projects/{p}/databases/{d}/documents` deletes every document of that database.
 * Nothing a request carries can throw out of here: bad input gets Google's JSON error, a bug
 * INTERNAL for that request only (reported once).
 */
export function restHandler(core: EmulatorCore, incidents: Pick<IncidentLog, "report">) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    route(core, req, res).catch((error: unknown) => {
      if (error instanceof FirestoreError) {
        if (error.code === Code.INVALID_ARGUMENT) {
          incidents.report("malformed HTTP request", `${req.method} ${req.url}: ${error.message}`);
        }
        sendError(res, error, error.code === Code.INVALID_ARGUMENT);
        return;
      }
      incidents.report(
        "internal error",
        error instanceof Error ? (error.stack ?? error.message) : String(error),
      );
      sendError(res, new FirestoreError(Code.INTERNAL, "Internal error in the Firestore emulator."));
    });
  };
}

async function route(core: EmulatorCore, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (Number(req.headers["content-length"] ?? 0) > MAX_REQUEST_BYTES) throw requestTooLarge();
  const path = requestPath(req);
  const clear = CLEAR_ROUTE.exec(path);
  if (req.method === "GET" && path === "/") {
    send(res, 200, "Ok");
  } else if (clear && req.method === "DELETE") {
    await core.clear({ projectId: clear[1]!, databaseId: clear[2]! });
    send(res, 200, {});
  } else if (clear) {
    send(res, 405, { error: { code: 405, message: "Use DELETE to clear data." } });
  } else {
    send(res, 404, {
      error: { code: 404, message: `No route for ${req.method} ${path}`, status: "NOT_FOUND" },
    });
  }
}
