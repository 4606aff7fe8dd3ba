import { type FileHandle, open } from "node:fs/promises";
import { crc32 } from "node:zlib";

/** The first bytes of every journal file: format name and version. */
const MAGIC = Buffer.from("RKFSJRN1");
const FRAME_HEADER = 8;
/** No record is larger than this; a bigger length can only be a torn or damaged frame. */
const MAX_RECORD = 256 * 1024 * 1024;
/** Upper bound on bytes written by one group commit. */
const MAX_BATCH_BYTES = 32 * 1024 * 1024;
const READ_CHUNK = 1024 * 1024;

/** One record as it lies in the file: length, CRC-32 of the payload, payload. */
export function encodeFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32(payload), 4);
  payload.copy(frame, FRAME_HEADER);
  return frame;
}

/** What reading a journal found: how much of it is whole, and what follows the last whole record. */
export interface JournalScan {
  readonly records: number;
  /** Bytes up to the end of the last whole record (the header included). */
  readonly validBytes: number;
  readonly totalBytes: number;
  /** Bytes after the last whole record: a torn write, never acknowledged. */
  readonly tornBytes: number;
}

/**
 * Reads a journal record by record, handing each payload to `onRecord` in order. The first frame
 * that is cut short or fails its checksum ends the journal: it and everything after it can only be
 * a write that never completed (acknowledged writes are fsynced before the acknowledgement).
 */
export async function scanJournal(path: string, onRecord: (payload: Buffer) => void): Promise<JournalScan> {
  const handle = await open(path, "r");
  try {
    const totalBytes = (await handle.stat()).size;
    if (totalBytes < MAGIC.length) {
      return { records: 0, validBytes: 0, totalBytes, tornBytes: totalBytes };
    }
    const magic = Buffer.alloc(MAGIC.length);
    await handle.read(magic, 0, MAGIC.length, 0);
    if (!magic.equals(MAGIC)) throw new Error(`${path} is not a Firestore emulator journal.`);
    let position = MAGIC.length;
    let pending = Buffer.alloc(0);
    let validBytes = MAGIC.length;
    let records = 0;
    let eof = false;
    while (true) {
      // Parse every whole frame in `pending`.
      let offset = 0;
      while (pending.length - offset >= FRAME_HEADER) {
        const length = pending.readUInt32LE(offset);
        // No record is empty: zeros where a record should be are never a record.
        if (length === 0 || length > MAX_RECORD) {
          return { records, validBytes, totalBytes, tornBytes: totalBytes - validBytes };
        }
        if (pending.length - offset < FRAME_HEADER + length) break;
        const payload = pending.subarray(offset + FRAME_HEADER, offset + FRAME_HEADER + length);
        if (crc32(payload) !== pending.readUInt32LE(offset + 4)) {
          return { records, validBytes, totalBytes, tornBytes: totalBytes - validBytes };
        }
        onRecord(Buffer.from(payload));
        records++;
        offset += FRAME_HEADER + length;
        validBytes += FRAME_HEADER + length;
      }
      pending = pending.subarray(offset);
      if (eof) break;
      const need = pending.length >= FRAME_HEADER ? FRAME_HEADER + pending.readUInt32LE(0) : FRAME_HEADER;
      const chunk = Buffer.allocUnsafe(Math.max(READ_CHUNK, need - pending.length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) eof = true;
      position += bytesRead;
      pending = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
    }
    return { records, validBytes, totalBytes, tornBytes: totalBytes - validBytes };
  } finally {
    await handle.close();
  }
}

/** Called once a record is durable (no error) or definitely not written (error). */
export type Done = (error?: Error) => void;

interface Pending {
  readonly frame: Buffer;
  readonly done: Done;
}

/** How a journal writes. */
export interface JournalWriterOptions {
  /** fdatasync before acknowledging (survives power loss, not only a killed process). */
  readonly sync: boolean;
  /** Write and sync every record waiting at once (group commit) instead of one at a time. */
  readonly groupCommit: boolean;
}

async function writeFully(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, null);
    if (bytesWritten === 0) throw new Error("write made no progress");
    offset += bytesWritten;
  }
}

/**
 * Opens a new, empty journal file with its header, durably. Append mode matters: after a failed
 * write is cut off again, the next write must land at the (new) end of the file, not at the
 * offset where the failed one stopped.
 */
export async function createJournalFile(path: string): Promise<FileHandle> {
  const handle = await open(path, "ax");
  try {
    await writeFully(handle, MAGIC);
    await handle.sync();
    return handle;
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}

/** Opens an existing journal for appending, cutting off a torn tail first. */
export async function reopenJournalFile(path: string, validBytes: number): Promise<FileHandle> {
  const handle = await open(path, "r+");
  try {
    if (validBytes < MAGIC.length) {
      await handle.truncate(0);
      await writeFully(handle, MAGIC);
    } else {
      await handle.truncate(validBytes);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return open(path, "a");
}

/**
 * The append side of a journal. Records are written in the order `append` is called; their
 * `done` callbacks run in that same order, synchronously one after another, once the record is
 * durable (or failed). With group commit every record that arrives while a write and sync is in
 * flight goes out together in the next one, so a busy server pays one sync for many commits.
 * A failed write is cut off the file again (so the journal never holds a damaged record followed
 * by good ones); if even that fails, the journal refuses every later write.
 */
export class JournalWriter {
  private handle: FileHandle;
  private bytes: number;
  private readonly options: JournalWriterOptions;
  private readonly queue: Pending[] = [];
  private rotation: { open: () => Promise<FileHandle>; settle: (error?: Error) => void } | undefined;
  private running = false;
  private broken: Error | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Records written and the group commits (write + sync) that carried them, since start. */
  readonly stats = { records: 0, groupCommits: 0 };

  constructor(handle: FileHandle, bytes: number, options: JournalWriterOptions) {
    this.handle = handle;
    this.bytes = bytes;
    this.options = options;
  }

  /** Bytes in the current journal file. */
  get size(): number {
    return this.bytes;
  }

  /** Queues a record; `done` runs once it is durable or has failed. */
  append(payload: Buffer, done: Done): void {
    const frame = encodeFrame(payload);
    this.queue.push({ frame, done });
    this.kick();
  }

  /**
   * Switches to a new file between two group commits: every record appended before this call is
   * in the old file (durable or failed), every later one goes to the new file.
   */
  rotate(openNext: () => Promise<FileHandle>): Promise<void> {
    if (this.rotation) return Promise.reject(new Error("a journal rotation is already pending"));
    return new Promise<void>((resolve, reject) => {
      this.rotation = { open: openNext, settle: (error) => (error ? reject(error) : resolve()) };
      this.kick();
    });
  }

  /** Resolves once nothing is queued or being written. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Waits for queued records, then closes the file. */
  async close(): Promise<void> {
    await this.idle();
    await this.handle.close();
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length > 0 || this.rotation) {
        // Records queued before a rotation request go to the old file first.
        if (this.queue.length > 0) await this.flushBatch();
        else await this.rotateNow();
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async rotateNow(): Promise<void> {
    const rotation = this.rotation!;
    this.rotation = undefined;
    try {
      const next = await rotation.open();
      const previous = this.handle;
      this.handle = next;
      this.bytes = MAGIC.length;
      this.broken = undefined;
      await previous.close().catch(() => {});
      rotation.settle();
    } catch (error) {
      rotation.settle(error as Error);
    }
  }

  private takeBatch(): Pending[] {
    if (!this.options.groupCommit) return this.queue.splice(0, 1);
    let bytes = 0;
    let count = 0;
    while (
      count < this.queue.length &&
      (count === 0 || bytes + this.queue[count]!.frame.length <= MAX_BATCH_BYTES)
    ) {
      bytes += this.queue[count]!.frame.length;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async flushBatch(): Promise<void> {
    const batch = this.takeBatch();
    const data = batch.length === 1 ? batch[0]!.frame : Buffer.concat(batch.map((p) => p.frame));
    if (this.broken) {
      settle(batch, this.broken);
      return;
    }
    const start = this.bytes;
    try {
      await writeFully(this.handle, data);
      if (this.options.sync) await this.handle.datasync();
      this.bytes += data.length;
      this.stats.records += batch.length;
      this.stats.groupCommits++;
      settle(batch, undefined);
    } catch (error) {
      try {
        await this.handle.truncate(start);
      } catch (truncateError) {
        this.broken = new Error(
          `the journal could not be repaired after a failed write (${(truncateError as Error).message}); restart the emulator to recover it`,
        );
      }
      settle(batch, error as Error);
    }
  }
}

function settle(batch: readonly Pending[], error: Error | undefined): void {
  for (const pending of batch) {
    try {
      pending.done(error);
    } catch (callbackError) {
      console.error("firestore-emulator: a journal callback failed:", callbackError);
    }
  }
}
