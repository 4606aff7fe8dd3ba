// A seeded pseudo-random source (sfc32, seeded through splitmix32), so that a graph of a given size and seed is the same on every machine and every run.

/** Uniform draws in [0, 1) and helpers, from a fixed seed. */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    // splitmix32 spreads the seed over the four words of sfc32.
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
  }

  /** 32 random bits as an unsigned integer (sfc32). */
  uint32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4_294_967_296;
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }

  /** 16 random bytes written into `out` at `offset`, shaped as a version-4 UUID. */
  uuidInto(out: Buffer, offset: number): void {
    for (let i = 0; i < 4; i++) out.writeUInt32BE(this.uint32(), offset + 4 * i);
    out[offset + 6] = (out[offset + 6]! & 0x0f) | 0x40;
    out[offset + 8] = (out[offset + 8]! & 0x3f) | 0x80;
  }
}
