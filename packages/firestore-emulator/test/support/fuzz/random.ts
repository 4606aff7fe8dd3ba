/** A small seeded PRNG (mulberry32) with the helpers fuzzers need; the same seed replays a run. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** Random bytes. */
  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
    return out;
  }

  /** A string that is sometimes nasty: empty, long, unicode, lone surrogates, NULs, escapes. */
  string(): string {
    switch (this.int(0, 9)) {
      case 0:
        return "";
      case 1:
        return "x".repeat(this.pick([1500, 1501, 70_000]));
      case 2:
        return String.fromCharCode(...Array.from({ length: this.int(1, 8) }, () => this.int(0, 0xffff)));
      case 3:
        return this.pick(["\ud800", "a\udc00b", "\u0000", "é", "🚀", "`", "\\", ".", "..", "/", "%"]);
      case 4:
        return this.pick(["__name__", "__x__", "__type__", "__key__", "__id7__", "__"]);
      case 5:
        return this.pick(["a.b", "`a.b`", "a..b", "`unterminated", "a`b", "a.", ".a", "*"]);
      default:
        return Array.from({ length: this.int(1, 12) }, () => this.pick([..."abcxyz_019"])).join("");
    }
  }
}

/** Applies a few random byte-level mutations (flips, overwrites, cuts, splices, insertions). */
export function mutateBytes(rng: Random, input: Buffer): Buffer {
  let data = Buffer.from(input);
  const rounds = rng.int(1, 4);
  for (let r = 0; r < rounds; r++) {
    const at = data.length === 0 ? 0 : rng.int(0, data.length - 1);
    switch (rng.int(0, 6)) {
      case 0:
        if (data.length) data[at] = data[at]! ^ (1 << rng.int(0, 7));
        break;
      case 1:
        if (data.length) data[at] = rng.pick([0, 0xff, 0x80, 0x7f, rng.int(0, 255)]);
        break;
      case 2:
        data = data.subarray(0, at);
        break;
      case 3:
        data = Buffer.concat([data.subarray(0, at), data.subarray(at + rng.int(1, 16))]);
        break;
      case 4:
        data = Buffer.concat([data.subarray(0, at), rng.bytes(rng.int(1, 16)), data.subarray(at)]);
        break;
      case 5: {
        const len = rng.int(1, Math.max(1, data.length - at));
        data = Buffer.concat([
          data.subarray(0, at + len),
          data.subarray(at, at + len),
          data.subarray(at + len),
        ]);
        break;
      }
      default:
        // An absurd varint: length prefixes that claim far more than follows.
        data = Buffer.concat([
          data.subarray(0, at),
          Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
          data.subarray(at),
        ]);
    }
  }
  return data;
}
