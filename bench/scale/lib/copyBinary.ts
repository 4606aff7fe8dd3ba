// PostgreSQL's binary COPY format (https://www.postgresql.org/docs/15/sql-copy.html, "Binary Format"),
// written into large reusable chunks: rows are encoded straight into a Buffer, no per-value objects.
// Binary input skips Postgres' text parsing (timestamps, uuids), which is most of COPY's CPU for our rows.

const HEADER = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
const TRAILER = Buffer.from([0xff, 0xff]);
/** Encodes rows into chunks of about `chunkBytes`; `take()` hands a finished chunk over. */
export class BinaryRows {
  #buf: Buffer;
  #pos = 0;
  readonly #chunkBytes: number;

  constructor(chunkBytes = 1 << 20) {
    this.#chunkBytes = chunkBytes;
    this.#buf = Buffer.allocUnsafe(chunkBytes + 64 * 1024);
    HEADER.copy(this.#buf, 0);
    this.#pos = HEADER.length;
  }

  /** True once the chunk is full enough to send. */
  get full(): boolean {
    return this.#pos >= this.#chunkBytes;
  }

  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos + n));
    this.#buf.copy(bigger, 0, 0, this.#pos);
    this.#buf = bigger;
  }

  /** Starts a row of `fields` values. */
  row(fields: number): this {
    this.#room(2);
    this.#buf.writeInt16BE(fields, this.#pos);
    this.#pos += 2;
    return this;
  }

  null(): this {
    this.#room(4);
    this.#buf.writeInt32BE(-1, this.#pos);
    this.#pos += 4;
    return this;
  }

  /** Raw bytes of a value (text, varchar, enum label, uuid's 16 bytes). */
  bytes(source: Buffer, start = 0, end = source.length): this {
    const n = end - start;
    this.#room(4 + n);
    this.#buf.writeInt32BE(n, this.#pos);
    source.copy(this.#buf, this.#pos + 4, start, end);
    this.#pos += 4 + n;
    return this;
  }

  /** A text value (UTF-8). */
  text(value: string): this {
    const n = Buffer.byteLength(value);
    this.#room(4 + n);
    this.#buf.writeInt32BE(n, this.#pos);
    this.#buf.write(value, this.#pos + 4);
    this.#pos += 4 + n;
    return this;
  }

  int4(value: number): this {
    this.#room(8);
    this.#buf.writeInt32BE(4, this.#pos);
    this.#buf.writeInt32BE(value, this.#pos + 4);
    this.#pos += 8;
    return this;
  }

  bool(value: boolean): this {
    this.#room(5);
    this.#buf.writeInt32BE(1, this.#pos);
    this.#buf[this.#pos + 4] = value ? 1 : 0;
    this.#pos += 5;
    return this;
  }

  /** A timestamptz, from whole seconds since the Unix epoch (microseconds since 2000 as int64). */
  timestampSeconds(unixSeconds: number): this {
    this.#room(12);
    // Below 2^53, so exact as a double; written as two 32-bit halves (no BigInt per row).
    const micros = (unixSeconds - 946_684_800) * 1_000_000;
    const high = Math.floor(micros / 4_294_967_296);
    this.#buf.writeInt32BE(8, this.#pos);
    this.#buf.writeInt32BE(high, this.#pos + 4);
    this.#buf.writeUInt32BE(micros - high * 4_294_967_296, this.#pos + 8);
    this.#pos += 12;
    return this;
  }

  /** The encoded bytes so far (the header first), leaving an empty chunk behind. */
  take(): Buffer {
    const out = Buffer.from(this.#buf.subarray(0, this.#pos));
    this.#pos = 0;
    return out;
  }

  /** The end-of-data marker. */
  static trailer(): Buffer {
    return TRAILER;
  }
}
