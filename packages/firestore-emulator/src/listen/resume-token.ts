import { invalidArgument } from "../errors.ts";
import type { Micros } from "../model/codec.ts";

const MAGIC = 0x52; // "R": marks tokens minted by this emulator.

/** A resume token encodes the snapshot time (µs) it was minted at. */
export function resumeTokenFor(time: Micros): Buffer {
  const buf = Buffer.alloc(9);
  buf[0] = MAGIC;
  buf.writeBigInt64BE(BigInt(time), 1);
  return buf;
}

/** The snapshot time of a resume token; INVALID_ARGUMENT when it was not minted here. */
export function timeOfResumeToken(token: Uint8Array): Micros {
  const buf = Buffer.from(token);
  if (buf.length !== 9 || buf[0] !== MAGIC) throw invalidArgument("Invalid resume token.");
  return Number(buf.readBigInt64BE(1));
}
