import http from "node:http";
import net from "node:net";
import * as grpc from "@grpc/grpc-js";
import type { EmulatorCore } from "../emulator-core.ts";
import type { ExtraOrigins } from "../http/cors.ts";
import { type HttpRoute, httpFront } from "../http/front.ts";
import { firestoreServiceDefinition } from "../proto/load.ts";
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

/** Every RPC of google.firestore.v1.Firestore, bound to the core. */
function firestoreImplementation(core: EmulatorCore): grpc.UntypedServiceImplementation {
  return {
    ...documentHandlers(core),
    ...queryHandlers(core),
    ...writeHandlers(core),
    Listen: listenHandler(core),
  } as unknown as grpc.UntypedServiceImplementation;
}

/** What the HTTP/1.1 side serves besides the built-in routes, and whom. */
export interface HttpOptions {
  /** More routes (trigger registration), after the built-in ones. */
  readonly routes?: readonly HttpRoute[];
  /** Origins allowed besides pages served from this machine (`--cors_allow_origin`). */
  readonly corsAllowOrigins?: ExtraOrigins;
}

/**
 * Serves gRPC (HTTP/2, cleartext) and HTTP/1.1 on one TCP port. grpc-js does the gRPC work through a
 * connection injector, so framing, flow control and keepalive are the library's; we only route each
 * accepted socket by its first bytes. HTTP/1.1 requests meet the CORS policy once, then the REST API
 * (the browser SDK's unary calls included), the WebChannel streams and the emulator's own routes;
 * every one of them runs the same gRPC handlers.
 */
export async function listen(
  core: EmulatorCore,
  host: string,
  port: number,
  options: HttpOptions = {},
): Promise<ListeningServer> {
  const grpcServer = new grpc.Server({
    "grpc.max_receive_message_length": 64 * 1024 * 1024,
    "grpc.max_send_message_length": 64 * 1024 * 1024,
  });
  const implementation = firestoreImplementation(core);
  grpcServer.addService(firestoreServiceDefinition(), implementation);
  const injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const browser = browserTransport(implementation);
  const front = httpFront(
    [browser.route, firestoreRestApi(implementation), ...emulatorRoutes(core), ...(options.routes ?? [])],
    options.corsAllowOrigins,
  );
  const httpServer = http.createServer(front);
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    routeConnection(
      socket,
      (stream) => injector.injectConnection(stream),
      (s) => httpServer.emit("connection", s),
    );
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(port, host, () => {
      tcp.off("error", reject);
      resolve();
    });
  });
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
        for (const socket of sockets) socket.destroy();
      }),
  };
}
