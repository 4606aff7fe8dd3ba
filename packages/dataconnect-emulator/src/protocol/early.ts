// Listening before anything heavy is loaded. firebase-tools spawns the emulator and POSTs
// /emulator/configure at once, three times two seconds apart; loading the engine and compiling the
// sources can take longer than that on a busy machine. So the CLI binds its addresses first, with this
// module and node:http only, answers /emulator/info right away, and holds every other request until the
// real handler is in place (configure then completes once the sources are compiled and migrated).
// WebSocket upgrades (the realtime stream) are held the same way, and handed to the stream endpoint.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { isBrowserRequest } from "./cors.ts";
import { type HttpListeners, type ListenAddress, listenAll } from "./http-server.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Requests (upgrades included) held while the engine loads; past this, callers get 503 and retry. */
const MAX_HELD = 256;

/** Addresses already bound, waiting for the handler that will serve them. */
export interface EarlyListeners {
  readonly listeners: HttpListeners;
  /** From now on `handler` serves every request and `upgrade` every upgrade (else 404), the held ones first. */
  serve(handler: Handler, upgrade?: UpgradeHandler): void;
}

/** Binds `addresses` now; `/emulator/info` answers `{version, services: []}` until `serve` is called. */
export async function listenEarly(
  addresses: readonly ListenAddress[],
  version: string,
): Promise<EarlyListeners> {
  let target: Handler | null = null;
  let upgradeTarget: UpgradeHandler | null = null;
  const held: [IncomingMessage, ServerResponse][] = [];
  const heldUpgrades: [IncomingMessage, Duplex, Buffer][] = [];
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
    if (held.length + heldUpgrades.length >= MAX_HELD) {
      return answer(res, 503, { code: 14, message: "the Data Connect emulator is starting", details: [] });
    }
    held.push([req, res]);
    res.on("close", () => {
      const at = held.findIndex(([, r]) => r === res);
      if (at >= 0) held.splice(at, 1);
    });
  };
  const upgrade: UpgradeHandler = (req, socket, head) => {
    if (upgradeTarget) return upgradeTarget(req, socket, head);
    if (held.length + heldUpgrades.length >= MAX_HELD) {
      return refuseUpgrade(socket, 503, {
        code: 14,
        message: "the Data Connect emulator is starting",
        details: [],
      });
    }
    const entry: [IncomingMessage, Duplex, Buffer] = [req, socket, head];
    heldUpgrades.push(entry);
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      const at = heldUpgrades.indexOf(entry);
      if (at >= 0) heldUpgrades.splice(at, 1);
    });
  };
  const listeners = await listenAll(handler, addresses, upgrade);
  return {
    listeners,
    serve(next, nextUpgrade) {
      target = next;
      upgradeTarget =
        nextUpgrade ??
        ((_req, socket) =>
          refuseUpgrade(socket, 404, { code: 5, message: "no upgrades are served here", details: [] }));
      for (const [req, res] of held.splice(0)) next(req, res);
      for (const [req, socket, head] of heldUpgrades.splice(0)) {
        if (!socket.destroyed) upgradeTarget(req, socket, head);
      }
    },
  };
}

function refuseUpgrade(socket: Duplex, status: 404 | 503, body: unknown): void {
  const text = JSON.stringify(body);
  const reason = status === 404 ? "Not Found" : "Service Unavailable";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}
