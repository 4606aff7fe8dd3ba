// The WebSocket endpoint the web SDK streams on (`ConnectorStreamService/Connect`): upgrades on the
// emulator's HTTP listeners, the browser-origin policy of the connector endpoints, keepalive pings.
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { DEFAULT_VARIABLE_LIMITS, type VariableLimits } from "../limits/variables.ts";
import { BodyBudget, DEFAULT_MAX_BODY_BYTES } from "../protocol/body.ts";
import type { ServiceHolder } from "../protocol/service-holder.ts";
import type { RefreshHub } from "../realtime/hub.ts";
import type { Logger } from "../runtime/log.ts";
import { CLOSE, DEFAULT_STREAM_LIMITS, StreamConnection, type StreamLimits } from "./connection.ts";
import { parseStreamPath } from "./wire.ts";

/** How the stream endpoint is set up. */
export interface StreamServerOptions {
  services: ServiceHolder;
  hub: RefreshHub;
  log: Logger;
  /** Whether the upgrade request may open a stream (the connector endpoints' browser policy, `streamAllowed`). */
  allowBrowser: (headers: IncomingHttpHeaders) => boolean;
  /** Largest accepted message in bytes (default 10 MiB, as request bodies). */
  maxMessageBytes?: number;
  /** Bounds on the variables of every execute and subscription (default 1 MiB, 32 levels, as unary calls). */
  variableLimits?: VariableLimits;
  /** Bytes of messages in flight (executes queued or running) over all streams; pass the HTTP handler's to share it. */
  budget?: BodyBudget;
  /** Ping period; a client that has not answered the previous ping by the next one is dropped (default 30 s). */
  pingIntervalMs?: number;
  limits?: Partial<StreamLimits>;
}

/** The stream endpoint: hand it HTTP upgrade requests. */
export interface StreamServer {
  /** Takes over an `upgrade` request (answers 404/403 for ones that are not streams or not allowed). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open streams. */
  readonly connections: number;
  /** Closes every stream (1001, going away) and stops pinging. */
  close(): Promise<void>;
}

/** Creates the stream endpoint. */
export function createStreamServer(options: StreamServerOptions): StreamServer {
  const { log } = options;
  const limits: StreamLimits = { ...DEFAULT_STREAM_LIMITS, ...options.limits };
  const shared = {
    services: options.services,
    hub: options.hub,
    log,
    limits,
    variableLimits: options.variableLimits ?? DEFAULT_VARIABLE_LIMITS,
    budget: options.budget ?? new BodyBudget(),
  };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes ?? DEFAULT_MAX_BODY_BYTES,
    // Compression costs CPU per frame on every fan-out; local traffic does not need it.
    perMessageDeflate: false,
  });
  const alive = new WeakMap<WebSocket, boolean>();

  wss.on("connection", (socket: WebSocket) => {
    alive.set(socket, true);
    socket.on("pong", () => alive.set(socket, true));
    new StreamConnection(socket, shared);
  });

  const pinger = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.get(socket)) {
        log.debug(1, "stream: no pong since the last ping, dropping it");
        socket.terminate();
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
  }, options.pingIntervalMs ?? 30_000);
  pinger.unref();

  return {
    handleUpgrade(req, socket, head) {
      const pathname = new URL(req.url ?? "/", "http://emulator").pathname;
      const path = parseStreamPath(pathname);
      if (!path) return refuse(socket, 404, `no stream endpoint at ${pathname}`);
      const served = options.services.service?.serviceId;
      if (path.serviceId && served && path.serviceId !== served) {
        return refuse(socket, 404, `service "${path.serviceId}" not found: this emulator serves "${served}"`);
      }
      if (!options.allowBrowser(req.headers)) {
        const origin = req.headers.origin;
        log.warn(`stream from origin ${origin} to ${req.headers.host} refused`);
        return refuse(
          socket,
          403,
          `a page from ${origin} may not open a stream to an emulator at a loopback or private address (${req.headers.host ?? "no Host"}); serve the page from this machine or your network`,
        );
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    },
    get connections() {
      return wss.clients.size;
    },
    close() {
      clearInterval(pinger);
      for (const socket of wss.clients)
        socket.close(CLOSE.goingAway, "the Data Connect emulator is stopping");
      return new Promise<void>((resolve) => {
        // Clients that do not finish the closing handshake promptly are cut off.
        const timer = setTimeout(() => {
          for (const socket of wss.clients) socket.terminate();
        }, 1000);
        timer.unref();
        wss.close(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

function refuse(socket: Duplex, status: 403 | 404, message: string): void {
  const body = JSON.stringify({ code: status === 404 ? 5 : 7, message, details: [] });
  const reason = status === 404 ? "Not Found" : "Forbidden";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
