import http from "node:http";
import net from "node:net";
import * as grpc from "@grpc/grpc-js";
import type { EmulatorCore } from "../emulator-core.ts";
import type { ExtraOrigins } from "../http/cors.ts";
import { type HttpRoute, httpFront } from "../http/front.ts";
import { IncidentLog, reportIncidentsTo } from "../incidents.ts";
import { strictFirestoreServiceDefinition } from "../proto/load.ts";
import { firestoreRestApi } from "../rest/api.ts";
import { browserTransport } from "../webchannel/transport.ts";
import { documentHandlers } from "./documents.ts";
import { emulatorRoutes } from "./emulator-routes.ts";
import { listenHandler } from "./listen.ts";
import { routeConnection } from "./port-mux.ts";
import { queryHandlers } from "./queries.ts";
import { writeHandlers } from "./writes.ts";

/** A listening emulator server: its address and how to stop it. */
export interface ListeningServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** How connections are bounded (see CONNECTION_LIMITS for what each one means). */
export interface ConnectionLimits {
  readonly maxConcurrentStreams: number;
  readonly http2IdleMs: number;
  readonly http2KeepaliveMs: number;
  readonly http2KeepaliveTimeoutMs: number;
  readonly firstBytesTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxReceiveBytes: number;
}

/**
 * How connections are bounded. HTTP/2 numbers follow Google's front end (100 concurrent streams);
 * the rest keep a slow, silent or vanished client from holding resources.
 */
export const CONNECTION_LIMITS: ConnectionLimits = {
  /** SETTINGS_MAX_CONCURRENT_STREAMS: further streams are refused (RST_STREAM REFUSED_STREAM). */
  maxConcurrentStreams: 100,
  /** An HTTP/2 connection with no call for this long is closed (GOAWAY); clients reconnect. */
  http2IdleMs: 5 * 60_000,
  /** HTTP/2 PING interval and how long the answer may take before the connection is dropped. */
  http2KeepaliveMs: 30_000,
  http2KeepaliveTimeoutMs: 20_000,
  /** A connection that has not said which protocol it speaks within this time is closed. */
  firstBytesTimeoutMs: 10_000,
  /** All headers of an HTTP/1.1 request must arrive within this time (slow-loris). */
  headersTimeoutMs: 10_000,
  /** The whole HTTP/1.1 request must arrive within this time. */
  requestTimeoutMs: 60_000,
  /** An idle HTTP/1.1 keep-alive connection is closed after this time. */
  keepAliveTimeoutMs: 5_000,
  /** Open connections beyond this are refused at once. */
  maxConnections: 10_000,
  /** gRPC messages are read up to this size (those over 10 MiB get production's error). */
  maxReceiveBytes: 16 * 1024 * 1024,
};

/** Every RPC of google.firestore.v1.Firestore, bound to the core. */
function firestoreImplementation(core: EmulatorCore): grpc.UntypedServiceImplementation {
  return {
    ...documentHandlers(core),
    ...queryHandlers(core),
    ...writeHandlers(core),
    Listen: listenHandler(core),
  } as unknown as grpc.UntypedServiceImplementation;
}

/** The status line for an HTTP/1.1 request node:http could not parse or that timed out. */
function clientErrorResponse(error: NodeJS.ErrnoException): string {
  if (error.code === "HPE_HEADER_OVERFLOW") return "431 Request Header Fields Too Large";
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return "408 Request Timeout";
  return "400 Bad Request";
}

/** What the HTTP/1.1 side serves besides the built-in routes, whom, and how connections are bounded. */
export interface ServerOptions {
  /** More routes (trigger registration), after the built-in ones. */
  readonly routes?: readonly HttpRoute[];
  /** Origins allowed besides pages served from this machine (`--cors_allow_origin`). */
  readonly corsAllowOrigins?: ExtraOrigins;
  /** Where incidents (malformed requests, internal errors) are logged, rate-limited. */
  readonly log?: (message: string) => void;
  /** Tighter or looser connection limits than CONNECTION_LIMITS (tests use short timeouts). */
  readonly limits?: Partial<ConnectionLimits>;
}

/**
 * Serves gRPC (HTTP/2, cleartext) and HTTP/1.1 on one TCP port. grpc-js does the gRPC work through a
 * connection injector, so framing, flow control and keepalive are the library's; we only route each
 * accepted socket by its first bytes. HTTP/1.1 requests meet the CORS policy once, then the REST API
 * (the browser SDK's unary calls included), the WebChannel streams and the emulator's own routes;
 * every one of them runs the same gRPC handlers. Every connection is bounded in time and number
 * (`limits`), and nothing a client sends can throw out of here.
 */
export async function listen(
  core: EmulatorCore,
  host: string,
  port: number,
  options: ServerOptions = {},
): Promise<ListeningServer> {
  const limits = { ...CONNECTION_LIMITS, ...options.limits };
  const incidents = new IncidentLog(options.log ?? console.warn);
  reportIncidentsTo(incidents);
  const grpcServer = new grpc.Server({
    "grpc.max_receive_message_length": limits.maxReceiveBytes,
    "grpc.max_send_message_length": 64 * 1024 * 1024,
    "grpc.max_concurrent_streams": limits.maxConcurrentStreams,
    "grpc.max_connection_idle_ms": limits.http2IdleMs,
    "grpc.keepalive_time_ms": limits.http2KeepaliveMs,
    "grpc.keepalive_timeout_ms": limits.http2KeepaliveTimeoutMs,
  });
  const implementation = firestoreImplementation(core);
  grpcServer.addService(strictFirestoreServiceDefinition(), implementation);
  const injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const browser = browserTransport(implementation);
  const front = httpFront(
    [browser.route, firestoreRestApi(implementation), ...emulatorRoutes(core), ...(options.routes ?? [])],
    options.corsAllowOrigins,
  );
  const httpServer = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs / 2),
    },
    front,
  );
  httpServer.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // node:http enforces headersTimeout and requestTimeout from a timer it starts when the server
  // starts listening; this server never listens itself (the TCP server hands it connections), so
  // start that timer here. Without it, slow-loris clients would never be cut off.
  httpServer.emit("listening");
  httpServer.on("clientError", (error: NodeJS.ErrnoException, socket: net.Socket) => {
    incidents.report("malformed HTTP request", `${error.code ?? ""} ${error.message}`.trim());
    if (socket.writable && !socket.destroyed) {
      socket.end(`HTTP/1.1 ${clientErrorResponse(error)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  });
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    routeConnection(
      socket,
      (stream) => injector.injectConnection(stream),
      (s) => httpServer.emit("connection", s),
      limits.firstBytesTimeoutMs,
    );
  });
  tcp.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    // A deep accept queue, so a burst of connections is accepted (and timed out) by us rather than
    // left half-open in the kernel.
    tcp.listen({ port, host, backlog: 4096 }, () => {
      tcp.off("error", reject);
      resolve();
    });
  });
  // An accept error (out of file descriptors, say) must not end the process.
  tcp.on("error", (error) => incidents.report("connection error", error.message));
  const address = tcp.address() as net.AddressInfo;
  return {
    host,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        tcp.close(() => resolve());
        browser.close();
        injector.destroy();
        grpcServer.forceShutdown();
        httpServer.closeAllConnections();
        httpServer.close(() => {});
        for (const socket of sockets) socket.destroy();
        incidents.close();
      }),
  };
}
