import { createHash } from "node:crypto";

const MASK_64 = (1n << 64n) - 1n;

/** The wire form of `google.firestore.v1.BloomFilter`. */
export interface ProtoBloomFilter {
  bits: { bitmap: Buffer; padding: number };
  hashCount: number;
}

/** The two 64-bit halves of a name's MD5, little endian, as the SDKs hash bloom filter members. */
function hashes(name: string): [bigint, bigint] {
  const digest = createHash("md5").update(name, "utf8").digest();
  return [digest.readBigUInt64LE(0), digest.readBigUInt64LE(8)];
}

/**
 * A bloom filter over document names, in the encoding the SDKs read from `ExistenceFilter.unchanged_names`:
 * bit i of hash k is `(h1 + k·h2) mod 2^64 mod bitCount`, bit n lives at `bitmap[n >> 3] & (1 << n % 8)`.
 * Sized for a false-positive rate of about 1%; a client that sees a false positive re-runs the query.
 */
export function bloomFilterOf(names: readonly string[]): ProtoBloomFilter {
  if (names.length === 0) return { bits: { bitmap: Buffer.alloc(0), padding: 0 }, hashCount: 0 };
  const bitCount = Math.max(8, Math.ceil((-names.length * Math.log(0.01)) / Math.LN2 ** 2));
  const hashCount = Math.max(1, Math.round((bitCount / names.length) * Math.LN2));
  const bitmap = Buffer.alloc(Math.ceil(bitCount / 8));
  const count = BigInt(bitCount);
  for (const name of names) {
    const [h1, h2] = hashes(name);
    for (let k = 0n; k < BigInt(hashCount); k++) {
      const bit = Number(((h1 + k * h2) & MASK_64) % count);
      bitmap[bit >> 3]! |= 1 << (bit % 8);
    }
  }
  return { bits: { bitmap, padding: bitmap.length * 8 - bitCount }, hashCount };
}

/** Whether a filter may contain `name` (false means it certainly does not), as a client tests it. */
export function bloomFilterMightContain(filter: ProtoBloomFilter, name: string): boolean {
  const bitCount = filter.bits.bitmap.length * 8 - filter.bits.padding;
  if (bitCount === 0) return false;
  const [h1, h2] = hashes(name);
  for (let k = 0n; k < BigInt(filter.hashCount); k++) {
    const bit = Number(((h1 + k * h2) & MASK_64) % BigInt(bitCount));
    if ((filter.bits.bitmap[bit >> 3]! & (1 << (bit % 8))) === 0) return false;
  }
  return true;
}
