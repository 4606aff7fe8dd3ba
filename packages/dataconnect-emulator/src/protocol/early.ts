// Listening before anything heavy is loaded. firebase-tools spawns the emulator and POSTs
// /emulator/configure at once, three times two seconds apart; loading the engine and compiling the
// sources can take longer than that on a busy machine. So the CLI binds its addresses first, with this
// module and node:http only, answers /emulator/info right away, and holds every other request until the
// real handler is in place (configure then completes once the sources are compiled and migrated).
import type { IncomingMessage, ServerResponse } from "node:http";
import { isBrowserRequest } from "./cors.ts";
import { type HttpListeners, type ListenAddress, listenAll } from "./http-server.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Requests held while the engine loads; past this, callers get 503 and retry. */
const MAX_HELD = 256;

/** Addresses already bound, waiting for the handler that will serve them. */
export interface EarlyListeners {
  readonly listeners: HttpListeners;
  /** From now on `handler` serves every request, the held ones first. */
  serve(handler: Handler): void;
}

/** Binds `addresses` now; `/emulator/info` answers `{version, services: []}` until `serve` is called. */
export async function listenEarly(
  addresses: readonly ListenAddress[],
  version: string,
): Promise<EarlyListeners> {
  let target: Handler | null = null;
  const held: [IncomingMessage, ServerResponse][] = [];
  const handler: Handler = (req, res) => {
    if (target) return target(req, res);
    if (req.method === "GET" && /^\/emulator\/info\/?(\?|$)/.test(req.url ?? "")) {
      if (isBrowserRequest(req.headers)) {
        return answer(res, 403, {
          code: 7,
          message: "/emulator/info is not served to web pages",
          details: [],
        });
      }
      return answer(res, 200, { version, services: [] });
    }
    if (held.length >= MAX_HELD) {
      return answer(res, 503, { code: 14, message: "the Data Connect emulator is starting", details: [] });
    }
    held.push([req, res]);
    res.on("close", () => {
      const at = held.findIndex(([, r]) => r === res);
      if (at >= 0) held.splice(at, 1);
    });
  };
  const listeners = await listenAll(handler, addresses);
  return {
    listeners,
    serve(next) {
      target = next;
      for (const [req, res] of held.splice(0)) next(req, res);
    },
  };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}
