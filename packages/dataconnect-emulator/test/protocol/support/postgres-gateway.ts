// A real Postgres server for tests: PGlite behind firebase-tools' own Postgres wire gateway, exactly what
// `firebase emulators:start` hands the Data Connect emulator.
import { createRequire } from "node:module";
import net from "node:net";

interface PostgresServerLike {
  createPGServer(host: string, port: number): Promise<net.Server>;
  stop(): Promise<void>;
}

/** A running gateway: `url` is what firebase-tools would send to `/emulator/configure`. */
export interface PostgresGateway {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts firebase-tools' PGlite gateway on a free port of 127.0.0.1 (PGlite itself starts on first connect).
 * Its sockets get TCP_NODELAY, as `npm start` gives them (scripts/lib/firebase-tools-nodelay.cjs); without
 * it every statement waits ~40 ms for a delayed ACK, which only makes the suites slow.
 */
export async function startPostgresGateway(database = "fdcdb"): Promise<PostgresGateway> {
  const require = createRequire(import.meta.url);
  const { PostgresServer } = require("firebase-tools/lib/emulator/dataconnect/pgliteServer.js") as {
    PostgresServer: new (args: object) => PostgresServerLike;
  };
  const server = new PostgresServer({});
  const port = await freePort();
  const listener = await server.createPGServer("127.0.0.1", port);
  listener.on("connection", (socket: net.Socket) => socket.setNoDelay(true));
  return { url: `postgres://127.0.0.1:${port}/${database}?sslmode=disable`, port, stop: () => server.stop() };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
