import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

/** A host and port to listen on; port 0 picks a free one. An empty host means every interface. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** An address actually listened on, with the base URL a client on this machine reaches it at. */
export interface BoundAddress extends ListenAddress {
  url: string;
}

/** HTTP servers serving one handler on several addresses. */
export interface HttpListeners {
  readonly addresses: BoundAddress[];
  /** Stops accepting, drops open connections (including long-lived streams) and resolves when all are closed. */
  close(): Promise<void>;
}

/**
 * Serves `handler` on every address. If any address cannot be bound, the ones already bound are closed and
 * the error says which address failed in Go's words (`listen tcp …: bind: address already in use`), which
 * firebase-tools recognises.
 */
export async function listenAll(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  addresses: readonly ListenAddress[],
  onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
): Promise<HttpListeners> {
  const servers: http.Server[] = [];
  const bound: BoundAddress[] = [];
  const closeAll = () => Promise.all(servers.map(closeServer)).then(() => {});
  try {
    for (const address of addresses) {
      const server = http.createServer(handler);
      if (onUpgrade) server.on("upgrade", onUpgrade);
      server.on("clientError", (_error, socket) => {
        if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
        else socket.destroy();
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", (error: NodeJS.ErrnoException) => reject(describeListenError(error, address)));
        server.listen(address.port, address.host || undefined, () => resolve());
      });
      servers.push(server);
      const port = (server.address() as AddressInfo).port;
      bound.push({ host: address.host, port, url: `http://${urlHost(address.host)}:${port}` });
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  return { addresses: bound, close: closeAll };
}

/** `host:port` the way Go and firebase-tools write it: IPv6 hosts in brackets. */
export function formatAddress(address: ListenAddress): string {
  return `${address.host.includes(":") ? `[${address.host}]` : address.host}:${address.port}`;
}

function urlHost(host: string): string {
  // A wildcard address is reached on loopback.
  if (host === "" || host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

function describeListenError(error: NodeJS.ErrnoException, address: ListenAddress): Error {
  const where = `listen tcp ${formatAddress(address)}`;
  if (error.code === "EADDRINUSE")
    return new Error(`${where}: bind: address already in use`, { cause: error });
  if (error.code === "EADDRNOTAVAIL") {
    return new Error(`${where}: bind: cannot assign requested address`, { cause: error });
  }
  return new Error(`${where}: ${error.message}`, { cause: error });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
