import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { EmulatorCore } from "../emulator-core.ts";
import { Code, FirestoreError } from "../errors.ts";
import type { CommitLog, CommitRecord } from "../store/commit-log.ts";
import { type PlacedDocument, readDocumentFile, syncDirectory, writeDocumentFile } from "./document-file.ts";
import { createJournalFile, JournalWriter, reopenJournalFile, scanJournal } from "./journal.ts";
import { decodeRecord, encodeRecord } from "./records.ts";

const SNAPSHOT_FORMAT = "rookery-firestore-snapshot";
const LOCK_FILE = "LOCK";
const SNAPSHOT = /^snapshot-(\d+)\.jsonl$/;
const JOURNAL = /^journal-(\d+)\.log$/;
/** After a failed compaction, wait at least this long before the next attempt. */
const COMPACTION_RETRY_MS = 30_000;

/** How the store writes. */
export interface DurableStoreOptions {
  readonly dir: string;
  /** fdatasync each group commit before acknowledging it (default true). */
  readonly sync?: boolean;
  /** Group commit (default true); off, every commit pays its own write and sync. */
  readonly groupCommit?: boolean;
  /** Compact the journal into a snapshot once it holds this many bytes (default 64 MiB). */
  readonly compactAfterBytes?: number;
  readonly log: (message: string) => void;
}

/** What recovery found on disk. */
export interface RecoveryReport {
  readonly documents: number;
  readonly records: number;
  /** Bytes of an incomplete last record that were dropped (a write never acknowledged). */
  readonly tornBytes: number;
  readonly tornFile: string | undefined;
}

const snapshotName = (gen: number) => `snapshot-${gen}.jsonl`;
const journalName = (gen: number) => `journal-${gen}.log`;

/** Whether `pid` is a live process that could be a Firestore emulator. */
function isLiveEmulator(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // Where /proc exists, a recycled pid that belongs to something else does not hold the lock.
  const cmdline = `/proc/${pid}/cmdline`;
  if (existsSync("/proc/self/cmdline")) {
    try {
      return readFileSync(cmdline, "utf8").includes("firestore");
    } catch {
      return false;
    }
  }
  return true;
}

/** Turns a failed write into the error the client sees: nothing was written, and why. */
function storageError(error: Error): FirestoreError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOSPC" || code === "EFBIG" || code === "EDQUOT") {
    return new FirestoreError(
      Code.RESOURCE_EXHAUSTED,
      `The Firestore emulator is out of disk space (${code}): this write was not saved and nothing changed. Free some disk space and retry.`,
    );
  }
  return new FirestoreError(
    Code.UNAVAILABLE,
    `The Firestore emulator could not save this write (${error.message}); nothing changed. Retry.`,
  );
}

/**
 * The emulator's data on disk: an append-only journal of every commit (after-images, fsynced with
 * group commit before the commit is acknowledged) and, every so often, a snapshot of all documents
 * that replaces the journal written before it. Files in the data directory:
 *   snapshot-G.jsonl  every document as of the start of journal G (written atomically)
 *   journal-G.log     every change after that, in order
 *   LOCK              the pid of the emulator using the directory
 * Recovery loads the newest snapshot and replays the journals from its generation on; a torn last
 * record (a crash mid-write) is dropped and reported. Compaction rotates to journal G+1 between two
 * group commits, writes snapshot G+1 while commits go on (replaying journal G+1 over it is
 * idempotent, since records hold after-images), and only then deletes generation G.
 */
export class DurableStore implements CommitLog {
  private readonly dir: string;
  private readonly core: EmulatorCore;
  private readonly options: DurableStoreOptions;
  private readonly writer: JournalWriter;
  private gen: number;
  private snapshotBytes = 0;
  private compaction: Promise<void> | undefined;
  private retryCompactionAt = 0;
  private closed = false;

  private constructor(
    dir: string,
    core: EmulatorCore,
    options: DurableStoreOptions,
    writer: JournalWriter,
    gen: number,
  ) {
    this.dir = dir;
    this.core = core;
    this.options = options;
    this.writer = writer;
    this.gen = gen;
  }

  /**
   * Opens (or creates) the data directory, recovers its state into `core`, and starts logging
   * every later change of `core` to it.
   */
  static async open(
    core: EmulatorCore,
    options: DurableStoreOptions,
  ): Promise<{ store: DurableStore; report: RecoveryReport }> {
    const dir = path.resolve(options.dir);
    await mkdir(dir, { recursive: true });
    await acquireLock(dir);
    try {
      const files = await readdir(dir);
      for (const f of files) if (f.includes(".tmp-")) await rm(path.join(dir, f), { force: true });
      const gens = (re: RegExp) =>
        files
          .map((f) => re.exec(f))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => Number(m[1]))
          .sort((a, b) => a - b);
      const snapshots = gens(SNAPSHOT);
      const snapshotGen = snapshots.at(-1);
      let documents = 0;
      if (snapshotGen !== undefined) {
        const file = path.join(dir, snapshotName(snapshotGen));
        const scan = await readDocumentFile(file, SNAPSHOT_FORMAT, (db, doc) =>
          core.database(db).load([doc]),
        );
        if (!scan.complete) {
          throw new Error(
            `The snapshot ${file} is incomplete (damaged); the data directory cannot be recovered as is.`,
          );
        }
        documents = scan.documents;
      }
      const journals = gens(JOURNAL).filter((g) => g >= (snapshotGen ?? 0));
      if (snapshotGen === undefined && journals.length > 0 && journals[0] !== 0) {
        throw new Error(
          `${dir} holds journals from generation ${journals[0]} on but no snapshot before them.`,
        );
      }
      let records = 0;
      let tornBytes = 0;
      let tornFile: string | undefined;
      let lastValidBytes = 0;
      for (const [i, g] of journals.entries()) {
        const file = path.join(dir, journalName(g));
        const scan = await scanJournal(file, (payload) => {
          const record = decodeRecord(payload);
          core.database(record.db).replay(record);
          records++;
        });
        if (scan.tornBytes > 0) {
          if (i < journals.length - 1) {
            throw new Error(`${file} is damaged at byte ${scan.validBytes} but later journals follow it.`);
          }
          tornBytes = scan.tornBytes;
          tornFile = file;
        }
        lastValidBytes = scan.validBytes;
      }
      const gen = journals.at(-1) ?? snapshotGen ?? 0;
      const journalFile = path.join(dir, journalName(gen));
      const handle =
        journals.length > 0
          ? await reopenJournalFile(journalFile, lastValidBytes)
          : await createJournalFile(journalFile);
      if (journals.length === 0) await syncDirectory(dir);
      const size = journals.length > 0 ? Math.max(lastValidBytes, 8) : 8;
      const writer = new JournalWriter(handle, size, {
        sync: options.sync ?? true,
        groupCommit: options.groupCommit ?? true,
      });
      const store = new DurableStore(dir, core, options, writer, gen);
      if (snapshotGen !== undefined)
        store.snapshotBytes = (await stat(path.join(dir, snapshotName(snapshotGen)))).size;
      await store.removeObsolete(snapshotGen ?? 0);
      core.attachCommitLog(store);
      return { store, report: { documents, records, tornBytes, tornFile } };
    } catch (error) {
      await releaseLock(dir);
      throw error;
    }
  }

  /** Logs a change; `done` runs once it is durable (or failed, with the error the client sees). */
  append(record: CommitRecord, done: (error?: FirestoreError) => void): void {
    if (this.closed) {
      done(new FirestoreError(Code.UNAVAILABLE, "The Firestore emulator is shutting down."));
      return;
    }
    this.writer.append(encodeRecord(record), (error) => {
      done(error ? storageError(error) : undefined);
      if (!error) this.maybeCompact();
    });
  }

  private maybeCompact(): void {
    if (this.compaction || this.closed || Date.now() < this.retryCompactionAt) return;
    const threshold = Math.max(this.options.compactAfterBytes ?? 64 * 1024 * 1024, this.snapshotBytes);
    if (this.writer.size < threshold) return;
    void this.compact();
  }

  /**
   * Writes a snapshot of every document and drops the journal before it. Commits go on meanwhile:
   * they land in the new journal, which recovery replays over the snapshot.
   */
  compact(): Promise<void> {
    if (this.compaction) return this.compaction;
    this.compaction = this.runCompaction().finally(() => {
      this.compaction = undefined;
    });
    return this.compaction;
  }

  private async runCompaction(): Promise<void> {
    const next = this.gen + 1;
    try {
      await this.writer.rotate(async () => {
        const handle = await createJournalFile(path.join(this.dir, journalName(next)));
        await syncDirectory(this.dir);
        return handle;
      });
      this.gen = next;
      // Every record of the sealed journal is applied by now (callbacks run before the rotation).
      const { bytes } = await writeDocumentFile(
        path.join(this.dir, snapshotName(next)),
        SNAPSHOT_FORMAT,
        this.documents(),
      );
      this.snapshotBytes = bytes;
      await this.removeObsolete(next);
    } catch (error) {
      this.retryCompactionAt = Date.now() + COMPACTION_RETRY_MS;
      this.options.log(
        `firestore-emulator: compacting the journal failed (${(error as Error).message}); writes go on in the journal, compaction is retried later.`,
      );
    }
  }

  /** Every live document of every database, for a snapshot. */
  private *documents(): Generator<PlacedDocument> {
    for (const db of this.core.allDatabases()) {
      for (const doc of db.store.allDocuments()) yield { db: db.id, doc };
    }
  }

  private async removeObsolete(keepFrom: number): Promise<void> {
    for (const f of await readdir(this.dir)) {
      const m = SNAPSHOT.exec(f) ?? JOURNAL.exec(f);
      if (m && Number(m[1]) < keepFrom) await rm(path.join(this.dir, f), { force: true });
    }
  }

  /** Records written and the group commits that carried them, since start. */
  get stats(): { records: number; groupCommits: number } {
    return { ...this.writer.stats };
  }

  /** Waits for pending writes and a running compaction, then closes the files and the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.compaction;
    await this.writer.close();
    await releaseLock(this.dir);
  }
}

/** Takes the directory's LOCK, unless a live emulator holds it (a stale lock is taken over). */
async function acquireLock(dir: string): Promise<void> {
  const file = path.join(dir, LOCK_FILE);
  const holder = await readFile(file, "utf8").then(
    (text) => Number.parseInt(text, 10),
    () => undefined,
  );
  if (holder !== undefined && isLiveEmulator(holder)) {
    throw new Error(
      `The data directory ${dir} is in use by another Firestore emulator (pid ${holder}). Stop that process first.`,
    );
  }
  await writeFile(file, `${process.pid}\n`);
}

async function releaseLock(dir: string): Promise<void> {
  const file = path.join(dir, LOCK_FILE);
  try {
    if (Number.parseInt(await readFile(file, "utf8"), 10) === process.pid) await rm(file, { force: true });
  } catch {
    // Already gone.
  }
}
