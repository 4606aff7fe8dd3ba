import net from "node:net";
import type { Random } from "./random.ts";
import { type FuzzContext, type FuzzTarget, withTimeout } from "./target.ts";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

function frame(
  type: number,
  flags: number,
  stream: number,
  payload: Buffer,
  lengthOverride?: number,
): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(lengthOverride ?? payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(stream >>> 0, 5);
  return Buffer.concat([header, payload]);
}

function randomFrame(rng: Random): Buffer {
  const stream = rng.pick([0, 1, 3, 2, 0x7fffffff, rng.int(0, 1000)]);
  switch (rng.int(0, 8)) {
    case 0: {
      // SETTINGS, sometimes with absurd values (window size over 2^31, frame size out of range).
      const entries = Array.from({ length: rng.int(0, 4) }, () => {
        const e = Buffer.alloc(6);
        e.writeUInt16BE(rng.int(1, 8), 0);
        e.writeUInt32BE(rng.pick([0, 1, 16383, 16777216, 0xffffffff, rng.int(0, 1e6)]), 2);
        return e;
      });
      return frame(4, rng.pick([0, 1]), stream, Buffer.concat(entries));
    }
    case 1:
      // HEADERS with random HPACK bytes.
      return frame(1, rng.pick([4, 5, 0, 0x24]), stream | 1, rng.bytes(rng.int(0, 64)));
    case 2:
      return frame(0, rng.pick([0, 1, 8]), stream, rng.bytes(rng.int(0, 64)));
    case 3: {
      const p = Buffer.alloc(4);
      p.writeUInt32BE(rng.pick([0, 1, 0x7fffffff, 0xffffffff]));
      return frame(8, 0, stream, p); // WINDOW_UPDATE
    }
    case 4:
      return frame(3, 0, stream, rng.bytes(rng.pick([4, 3, 8]))); // RST_STREAM
    case 5:
      return frame(6, rng.pick([0, 1]), 0, rng.bytes(rng.pick([8, 7]))); // PING
    case 6:
      return frame(7, 0, 0, rng.bytes(rng.int(0, 16))); // GOAWAY
    case 7:
      return frame(9, rng.pick([0, 4]), stream, rng.bytes(rng.int(0, 32))); // CONTINUATION
    default:
      return frame(
        rng.int(10, 255),
        rng.int(0, 255),
        stream,
        rng.bytes(rng.int(0, 32)),
        rng.chance(0.2) ? rng.int(0, 0xffffff) : undefined,
      );
  }
}

/** Raw HTTP/2 connections: the client preface, then random, broken and out-of-order frames. */
export function http2Target(context: FuzzContext): FuzzTarget {
  return {
    name: "HTTP/2 frames",
    close: () => {},
    send: (rng) => {
      const frames: Buffer[] = [rng.chance(0.9) ? PREFACE : PREFACE.subarray(0, rng.int(1, PREFACE.length))];
      if (rng.chance(0.7)) frames.push(frame(4, 0, 0, Buffer.alloc(0))); // a proper empty SETTINGS first
      for (let i = rng.int(1, 12); i > 0; i--) frames.push(randomFrame(rng));
      const data = Buffer.concat(frames);
      const outcome = new Promise<string>((resolve) => {
        const socket = net.connect(context.port, context.host);
        socket.on("data", () => {});
        socket.on("error", () => resolve("HTTP/2 reset"));
        socket.on("close", () => resolve("HTTP/2 closed"));
        socket.on("connect", () => socket.write(data));
        setTimeout(() => {
          socket.destroy();
          resolve("HTTP/2 still open");
        }, 500);
      });
      return withTimeout(outcome, 3000, "HTTP/2 no answer");
    },
  };
}
