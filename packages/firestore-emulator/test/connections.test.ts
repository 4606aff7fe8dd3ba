import http2 from "node:http2";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningFirestoreEmulator, startFirestoreEmulator } from "../src/index.ts";

const PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
let emulator: RunningFirestoreEmulator;

beforeAll(async () => {
  emulator = await startFirestoreEmulator({
    port: 0,
    projectId: "demo-connections",
    log: () => {},
    connectionLimits: {
      firstBytesTimeoutMs: 300,
      headersTimeoutMs: 400,
      keepAliveTimeoutMs: 300,
      http2IdleMs: 400,
      http2KeepaliveMs: 600,
      http2KeepaliveTimeoutMs: 600,
      maxConcurrentStreams: 100,
    },
  });
});
afterAll(() => emulator.stop());

/** Opens a TCP connection and resolves with it once connected. */
function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(emulator.port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Resolves with how long the server took to close the socket (ms), and what it sent. */
function closedByServer(socket: net.Socket): Promise<{ ms: number; received: string }> {
  const started = Date.now();
  let received = "";
  socket.on("data", (d) => {
    received += d.toString("latin1");
  });
  socket.on("error", () => {});
  return new Promise((resolve) => socket.on("close", () => resolve({ ms: Date.now() - started, received })));
}

async function stillServes(): Promise<void> {
  expect(await (await fetch(`http://${emulator.address}/`)).text()).toBe("Ok");
}

describe("connections that do not behave", () => {
  it("closes a connection that never sends a byte", async () => {
    const { ms } = await closedByServer(await connect());
    expect(ms).toBeLessThan(3000);
    await stillServes();
  });

  it("closes thousands of silent (half-open) connections and keeps serving meanwhile", async () => {
    const closed = Promise.all(Array.from({ length: 2000 }, async () => closedByServer(await connect())));
    await stillServes();
    const results = await closed;
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(5000);
  });

  it("cuts off a client that sends its headers too slowly (slow loris)", async () => {
    const socket = await connect();
    const closed = closedByServer(socket);
    socket.write("GET / HTTP/1.1\r\nHost: x\r\n");
    const drip = setInterval(() => socket.write("X-Slow: a\r\n"), 100);
    const { ms, received } = await closed;
    clearInterval(drip);
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
    expect(ms).toBeLessThan(3000);
  });

  it("closes an idle HTTP/1.1 keep-alive connection", async () => {
    const socket = await connect();
    const closed = closedByServer(socket);
    socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const { received, ms } = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(ms).toBeLessThan(3000);
  });

  it("drops an HTTP/2 connection whose peer stops answering pings (half-open), even with a call open", async () => {
    const socket = await connect();
    const closed = closedByServer(socket);
    // A call is open (so the idle timeout does not apply), then the peer goes silent: no PING acks.
    socket.write(
      Buffer.concat([Buffer.from(PREFACE), frame(4, 0, 0, Buffer.alloc(0)), frame(4, 1, 0, Buffer.alloc(0))]),
    );
    socket.write(frame(1, 4, 1, listenHeaders()));
    const { ms, received } = await closed;
    expect(ms).toBeLessThan(5000);
    expect(ms).toBeGreaterThan(1000); // a ping (after 600 ms) went unanswered for 600 ms; not the idle timeout
    expect(received.length).toBeGreaterThan(0);
  });

  it("closes an HTTP/2 connection with no calls after the idle time", async () => {
    const session = http2.connect(`http://${emulator.address}`);
    session.on("error", () => {});
    const started = Date.now();
    await new Promise((resolve) => session.on("close", resolve));
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("closes a connection that opens more than 100 concurrent streams, saying why (GOAWAY)", async () => {
    // node:http2 and grpc-js clients queue streams over the advertised limit; a raw client that
    // ignores it shows what the server does: GOAWAY PROTOCOL_ERROR "max concurrent streams exceeded",
    // keeping the first 100 streams (last stream id 199).
    const socket = await connect();
    const frames = rawFrames(socket);
    socket.write(Buffer.concat([Buffer.from(PREFACE), frame(4, 0, 0, Buffer.alloc(0))]));
    const settings = await frames.next((f) => f.type === 4 && (f.flags & 1) === 0);
    expect(settingValue(settings.payload, 3)).toBe(100); // SETTINGS_MAX_CONCURRENT_STREAMS
    socket.write(frame(4, 1, 0, Buffer.alloc(0))); // ack
    const headers = listenHeaders();
    for (let i = 0; i < 150; i++) socket.write(frame(1, 4, 2 * i + 1, headers)); // HEADERS, END_HEADERS
    const goaway = await frames.next((f) => f.type === 7);
    socket.destroy();
    expect(goaway.payload.readUInt32BE(0)).toBe(199); // last stream processed
    expect(goaway.payload.readUInt32BE(4)).toBe(1); // PROTOCOL_ERROR
    expect(goaway.payload.subarray(8).toString()).toBe("request HEADERS: max concurrent streams exceeded");
    await stillServes();
  });
});

/** An HTTP/2 frame: 9-byte header, then the payload. */
function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, payload]);
}

/** The request headers of a Listen call. */
function listenHeaders(): Buffer {
  return hpackLiterals([
    [":method", "POST"],
    [":scheme", "http"],
    [":path", "/google.firestore.v1.Firestore/Listen"],
    [":authority", "localhost"],
    ["content-type", "application/grpc"],
    ["te", "trailers"],
  ]);
}

/** A header block of HPACK literals without indexing or Huffman coding (valid, if not compact). */
function hpackLiterals(headers: [string, string][]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of headers) {
    parts.push(
      Buffer.from([0x00, name.length]),
      Buffer.from(name),
      Buffer.from([value.length]),
      Buffer.from(value),
    );
  }
  return Buffer.concat(parts);
}

function settingValue(payload: Buffer, id: number): number | undefined {
  for (let i = 0; i + 6 <= payload.length; i += 6)
    if (payload.readUInt16BE(i) === id) return payload.readUInt32BE(i + 2);
  return undefined;
}

interface Frame {
  type: number;
  flags: number;
  stream: number;
  payload: Buffer;
}

/** Parses the server's frames as they arrive; `next` resolves with the next one matching. */
function rawFrames(socket: net.Socket): { next(match: (f: Frame) => boolean): Promise<Frame> } {
  let buffer = Buffer.alloc(0);
  const queue: Frame[] = [];
  let waiter: (() => void) | undefined;
  socket.on("data", (d: Buffer) => {
    buffer = Buffer.concat([buffer, d]);
    while (buffer.length >= 9 && buffer.length >= 9 + buffer.readUIntBE(0, 3)) {
      const length = buffer.readUIntBE(0, 3);
      queue.push({
        type: buffer[3]!,
        flags: buffer[4]!,
        stream: buffer.readUInt32BE(5) & 0x7fffffff,
        payload: buffer.subarray(9, 9 + length),
      });
      buffer = buffer.subarray(9 + length);
    }
    waiter?.();
  });
  return {
    async next(match) {
      while (true) {
        const i = queue.findIndex(match);
        if (i >= 0) return queue.splice(i, 1)[0]!;
        await new Promise<void>((resolve) => {
          waiter = resolve;
        });
      }
    },
  };
}
