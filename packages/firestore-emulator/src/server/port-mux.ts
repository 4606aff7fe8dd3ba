import type net from "node:net";
import { Duplex } from "node:stream";

const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
/** TCP keepalive probes find peers that vanished without closing (half-open connections). */
const TCP_KEEPALIVE_MS = 30_000;

/**
 * Wraps a socket whose first bytes were already read into a Duplex that replays them. Node's HTTP/2
 * server reads a net.Socket's native handle directly and would miss unshifted bytes; a plain Duplex
 * goes through its JS stream path, which sees everything.
 */
function replaying(socket: net.Socket, head: Buffer): Duplex {
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end();
      callback();
    },
    destroy(error, callback) {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  duplex.push(head);
  socket.on("data", (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on("end", () => duplex.push(null));
  socket.on("error", (error) => duplex.destroy(error));
  socket.on("close", () => duplex.destroy());
  // node:http2 reports socket errors on the session; this keeps an error nobody else listens to
  // from becoming an uncaught exception.
  duplex.on("error", () => {});
  // grpc-js and node:http2 read these for peer information.
  Object.defineProperties(duplex, {
    remoteAddress: { get: () => socket.remoteAddress },
    remotePort: { get: () => socket.remotePort },
    localAddress: { get: () => socket.localAddress },
    localPort: { get: () => socket.localPort },
  });
  return duplex;
}

/**
 * Routes each connection by its first bytes: the HTTP/2 client preface (gRPC) goes to `onHttp2`,
 * anything else (HTTP/1.1 REST) to `onHttp1` with the bytes put back. This is how one port serves
 * both, like the official emulator.
 */
export function routeConnection(
  socket: net.Socket,
  onHttp2: (stream: Duplex) => void,
  onHttp1: (socket: net.Socket) => void,
  firstBytesTimeoutMs: number,
): void {
  // Without this, small gRPC frames wait for delayed ACKs (about 40 ms per round trip).
  socket.setNoDelay(true);
  socket.setKeepAlive(true, TCP_KEEPALIVE_MS);
  // Silent or half-open connections must not be held forever; once routed, HTTP/1.1 and HTTP/2
  // have their own timeouts.
  const onSilent = () => socket.destroy();
  socket.setTimeout(firstBytesTimeoutMs);
  socket.on("timeout", onSilent);
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const n = Math.min(head.length, HTTP2_PREFACE.length);
    const isHttp2 = head.subarray(0, n).equals(HTTP2_PREFACE.subarray(0, n));
    if (isHttp2 && head.length < HTTP2_PREFACE.length) return; // need more bytes to decide
    socket.off("data", onData);
    socket.setTimeout(0);
    socket.off("timeout", onSilent);
    socket.pause();
    if (isHttp2) onHttp2(replaying(socket, head));
    else {
      socket.unshift(head);
      onHttp1(socket);
      socket.resume();
    }
  };
  socket.on("data", onData);
  socket.on("error", () => socket.destroy());
}
