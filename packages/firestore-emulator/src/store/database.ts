import { AsyncResource } from "node:async_hooks";
import { Code, FirestoreError, invalidArgument, toStatus } from "../errors.ts";
import { checkDocumentLimits, documentSize } from "../limits/document.ts";
import { MAX_REQUEST_BYTES, transactionTooBig } from "../limits/production.ts";
import { type Micros, microsFromTimestamp } from "../model/codec.ts";
import type { StoredDocument } from "../model/document.ts";
import { comparePaths, type DatabaseId, lastSegment } from "../model/path.ts";
import type { ProtoTimestamp, ProtoTransactionOptions } from "../proto/types.ts";
import { executeQuery } from "../query/evaluate.ts";
import type { Query } from "../query/model.ts";
import { Clock } from "./clock.ts";
import type { CommitLog, CommitRecord } from "./commit-log.ts";
import { LockManager } from "./locks.ts";
import { applyMutation, type Mutation, type MutationOutcome } from "./mutation.ts";
import { type Transaction, TransactionRegistry } from "./transactions.ts";
import { type DocumentChange, VersionedStore } from "./versioned-store.ts";

/** How a read is made consistent: inside a transaction, starting one, at a time, or latest. */
export interface ReadConsistency {
  transaction?: Uint8Array;
  newTransaction?: ProtoTransactionOptions;
  readTime?: ProtoTimestamp;
}

/** A resolved read context. */
interface ReadContext {
  /** The snapshot time read at; undefined reads the latest state (locked read-write reads). */
  readonly at: Micros | undefined;
  readonly tx: Transaction | undefined;
  /** Set when the read started the transaction: its id goes back to the client. */
  readonly startedTransaction: Buffer | undefined;
}

/** The outcome of a read: documents, the read time to report, and a started transaction id. */
export interface ReadResult<T> {
  readonly value: T;
  readonly readTime: Micros;
  readonly transaction: Buffer | undefined;
}

/** What subscribers hear after each commit, in commit order. */
export interface CommitEvent {
  readonly commitTime: Micros;
  readonly changes: readonly DocumentChange[];
  /** Set when the emulator's clear endpoint deleted everything (listeners see it; triggers do not). */
  readonly reason?: "clear";
}

/** The result of a commit. */
export interface CommitResult {
  readonly commitTime: Micros;
  readonly outcomes: readonly MutationOutcome[];
}

/**
 * A check of a commit's effect before it is applied (security rules): every written path with the
 * document before and after the commit, the commit time, and the state after the whole commit.
 * Throwing rejects the commit and nothing is applied.
 */
export type CommitGuard = (commit: {
  readonly commitTime: Micros;
  readonly writes: readonly { path: string; before: StoredDocument | null; after: StoredDocument | null }[];
  readonly after: (path: string) => StoredDocument | null;
}) => void;

/** Tunables of a database. */
export interface DatabaseOptions {
  /** How long document history is kept for reads in the past and listen resumption. */
  readonly retentionMs: number;
  /** How long a lock waiter waits before ABORTED. */
  readonly lockTimeoutMs: number;
  /** Idle time after which a transaction expires. */
  readonly transactionIdleMs: number;
  /** Total time after which a transaction expires, however busy. */
  readonly transactionMaxMs: number;
}

let commitCounter = 0;

/**
 * One Firestore database: its versioned documents, transactions, locks and commit subscribers.
 * Every method validates what it is given and throws FirestoreErrors with Firestore's codes.
 */
export class Database {
  readonly id: DatabaseId;
  readonly clock = new Clock();
  readonly store: VersionedStore;
  private readonly locks: LockManager;
  private readonly transactions: TransactionRegistry;
  private readonly subscribers = new Set<(event: CommitEvent) => void>();
  /** Where changes go to become durable before they are applied; none keeps data in memory only. */
  private commitLog: CommitLog | undefined;
  /** Changes logged but not yet durable (and so not applied), and who waits for them. */
  private unapplied = 0;
  private appliedWaiters: (() => void)[] = [];

  constructor(id: DatabaseId, options: DatabaseOptions, commitLog?: CommitLog) {
    this.id = id;
    this.commitLog = commitLog;
    this.store = new VersionedStore(options.retentionMs * 1000);
    this.locks = new LockManager(options.lockTimeoutMs);
    this.transactions = new TransactionRegistry(options.transactionIdleMs, options.transactionMaxMs, (tx) => {
      this.locks.cancelWait(tx.key, new FirestoreError(Code.ABORTED, tx.abortMessage));
      this.locks.releaseAll(tx.key);
    });
  }

  /** Starts a transaction (BeginTransaction, or `new_transaction` on a read). */
  beginTransaction(options: ProtoTransactionOptions | undefined): Transaction {
    if (options?.readOnly) {
      const at = options.readOnly.readTime ? this.checkReadTime(options.readOnly.readTime) : this.clock.now();
      return this.transactions.begin(true, at);
    }
    if (options?.readWrite?.retryTransaction?.length) {
      // A retry replaces an earlier attempt: make sure that one holds no locks any more.
      const previous = this.transactions.find(options.readWrite.retryTransaction);
      if (previous && previous.state === "active")
        this.finish(previous, "aborted", "Transaction was retried.");
    }
    return this.transactions.begin(false, undefined);
  }

  /** Rolls a transaction back, releasing its locks. Rolling back an aborted one is fine. */
  rollback(id: Uint8Array): void {
    const tx = this.transactions.find(id);
    if (!tx || tx.state === "done") {
      throw invalidArgument("The referenced transaction has expired or is no longer valid.");
    }
    this.finish(tx, "done", "");
  }

  private finish(tx: Transaction, state: "aborted" | "done", message: string): void {
    tx.abortMessage = message;
    this.transactions.end(tx, state);
    this.locks.cancelWait(tx.key, new FirestoreError(Code.ABORTED, message || "Transaction ended."));
    this.locks.releaseAll(tx.key);
  }

  private checkReadTime(ts: ProtoTimestamp): Micros {
    const at = microsFromTimestamp(ts);
    if (at > this.clock.now()) {
      throw invalidArgument("read_time cannot be in the future.");
    }
    return at;
  }

  private readContext(c: ReadConsistency): ReadContext {
    const chosen = [c.transaction?.length ? 1 : 0, c.newTransaction ? 1 : 0, c.readTime ? 1 : 0].reduce(
      (a, b) => a + b,
    );
    if (chosen > 1)
      throw invalidArgument("Only one of transaction, new_transaction and read_time may be set.");
    if (c.transaction?.length) {
      const tx = this.transactions.get(c.transaction);
      return { at: tx.readOnly ? tx.readTime : undefined, tx, startedTransaction: undefined };
    }
    if (c.newTransaction) {
      const tx = this.beginTransaction(c.newTransaction);
      return { at: tx.readOnly ? tx.readTime : undefined, tx, startedTransaction: tx.id };
    }
    if (c.readTime)
      return { at: this.checkReadTime(c.readTime), tx: undefined, startedTransaction: undefined };
    return { at: undefined, tx: undefined, startedTransaction: undefined };
  }

  /** Waits for locks of a read-write transaction; a failure aborts the transaction (as production does). */
  private async lockForTransaction(tx: Transaction, paths: string[]): Promise<void> {
    try {
      await this.locks.acquireAll(tx.key, sortPaths(paths));
    } catch (error) {
      if (tx.state === "active") this.finish(tx, "aborted", toStatus(error).details);
      throw error;
    }
    if (tx.state !== "active")
      throw new FirestoreError(Code.ABORTED, tx.abortMessage || "Transaction aborted.");
    this.transactions.touch(tx);
  }

  /** Reads documents (BatchGetDocuments, GetDocument). Missing ones are null. */
  async getDocuments(
    paths: string[],
    consistency: ReadConsistency,
  ): Promise<ReadResult<(StoredDocument | null)[]>> {
    const ctx = this.readContext(consistency);
    if (ctx.tx && !ctx.tx.readOnly) await this.lockForTransaction(ctx.tx, paths);
    const readTime = ctx.at ?? this.clock.now();
    return {
      value: paths.map((p) => this.store.get(p, ctx.at)),
      readTime,
      transaction: ctx.startedTransaction,
    };
  }

  /** Candidate documents of a query (its collection, or all collections of a group) at a time. */
  *candidates(q: Query, at?: Micros): Generator<StoredDocument> {
    if (!q.allDescendants) {
      yield* this.store.documentsIn(q.parent === "" ? q.collectionId : `${q.parent}/${q.collectionId}`, at);
      return;
    }
    for (const collection of this.store.collectionPaths()) {
      if (q.parent !== "" && !collection.startsWith(`${q.parent}/`)) continue;
      if (q.collectionId !== "" && lastSegment(collection) !== q.collectionId) continue;
      yield* this.store.documentsIn(collection, at);
    }
  }

  /** Runs a query against the state at `at` (latest when undefined). */
  queryAt(q: Query, at?: Micros): StoredDocument[] {
    return executeQuery(q, this.candidates(q, at));
  }

  /**
   * Runs a query with a read consistency. In a read-write transaction the results are locked and
   * the query is re-checked at commit, so a concurrent insert into its range aborts the commit.
   */
  async runQuery(q: Query, consistency: ReadConsistency): Promise<ReadResult<StoredDocument[]>> {
    const ctx = this.readContext(consistency);
    let docs = this.queryAt(q, ctx.at);
    if (ctx.tx && !ctx.tx.readOnly) {
      const tx = ctx.tx;
      await this.lockForTransaction(
        tx,
        docs.map((d) => d.path),
      );
      docs = this.queryAt(q, undefined);
      const fingerprint = fingerprintOf(docs);
      tx.queryChecks.push(() => fingerprintOf(this.queryAt(q, undefined)) === fingerprint);
    }
    return { value: docs, readTime: ctx.at ?? this.clock.now(), transaction: ctx.startedTransaction };
  }

  /**
   * Commits mutations atomically, inside a transaction when `transactionId` is given. Locks the
   * written documents first, then applies every mutation or none.
   */
  async commit(
    mutations: readonly Mutation[],
    transactionId?: Uint8Array,
    guard?: CommitGuard,
  ): Promise<CommitResult> {
    const tx = transactionId?.length ? this.transactions.get(transactionId) : undefined;
    if (tx?.readOnly) {
      this.finish(tx, "done", "");
      if (mutations.length > 0) throw invalidArgument("Cannot modify entities in a read-only transaction.");
      return { commitTime: this.clock.now(), outcomes: [] };
    }
    const owner = tx ? tx.key : `commit:${++commitCounter}`;
    const paths = sortPaths(mutations.map((m) => m.path));
    try {
      if (tx) await this.lockForTransaction(tx, paths);
      else await this.locks.acquireAll(owner, paths);
      // A query re-check must see every commit before this one, durable or on its way.
      if (tx?.queryChecks.length) while (this.unapplied > 0) await this.allApplied();
      if (tx && !tx.queryChecks.every((check) => check())) {
        throw new FirestoreError(
          Code.ABORTED,
          "Transaction aborted: a document matching one of its queries changed.",
        );
      }
      const result = await this.applyNow(mutations, guard);
      if (tx) this.finish(tx, "done", "");
      return result;
    } catch (error) {
      if (tx && tx.state === "active") {
        // A failed commit ends the transaction, as in production.
        this.finish(tx, "done", "");
      }
      throw error;
    } finally {
      if (!tx) {
        this.locks.cancelWait(owner, new FirestoreError(Code.ABORTED, "Commit ended."));
        this.locks.releaseAll(owner);
      }
    }
  }

  /**
   * Applies mutations at a fresh commit time (the caller holds the locks): computes every
   * document's new state, checks it against the guard (security rules) and production's limits,
   * makes the change durable, then applies it. A rejected commit never reaches the commit log.
   */
  private async applyNow(mutations: readonly Mutation[], guard?: CommitGuard): Promise<CommitResult> {
    const commitTime = this.clock.next();
    const working = new Map<string, StoredDocument | null>();
    const before = new Map<string, StoredDocument | null>();
    const outcomes: MutationOutcome[] = [];
    for (const m of mutations) {
      if (!before.has(m.path)) before.set(m.path, this.store.get(m.path));
      const writtenEarlier = working.has(m.path);
      const current = writtenEarlier ? working.get(m.path)! : before.get(m.path)!;
      const outcome = applyMutation(m, current, commitTime, writtenEarlier);
      working.set(m.path, outcome.after);
      outcomes.push(outcome);
    }
    guard?.({
      commitTime,
      writes: [...working].map(([path, after]) => ({ path, before: before.get(path) ?? null, after })),
      after: (path) => (working.has(path) ? working.get(path)! : this.store.get(path)),
    });
    const changes: DocumentChange[] = [];
    for (const [path, after] of working) {
      const prior = before.get(path) ?? null;
      if (prior !== after) changes.push({ path, before: prior, after });
    }
    checkCommitLimits(changes);
    if (changes.length > 0)
      await this.record(
        {
          kind: "commit",
          db: this.id,
          time: commitTime,
          writes: changes.map((c) => ({ path: c.path, doc: c.after })),
        },
        () => {
          this.store.apply(changes, commitTime);
          this.publish({ commitTime, changes });
        },
      );
    return { commitTime, outcomes };
  }

  /**
   * Logs a change and applies it once it is durable. Reads stay below its time until then, and the
   * callbacks of all databases run in log order, so changes are applied in commit order. The apply
   * step runs in the committing request's async context (a group commit settles many requests from
   * one of them), so commit subscribers still see their own writer (`currentCaller()`).
   */
  private record(record: CommitRecord, apply: () => void): Promise<void> {
    const log = this.commitLog;
    if (!log) {
      apply();
      return Promise.resolve();
    }
    const applyInContext = AsyncResource.bind(apply);
    this.clock.hold(record.time);
    this.unapplied++;
    return new Promise<void>((resolve, reject) => {
      log.append(record, (error) => {
        this.clock.release(record.time);
        if (!error) applyInContext();
        if (--this.unapplied === 0) {
          const waiters = this.appliedWaiters;
          this.appliedWaiters = [];
          for (const wake of waiters) wake();
        }
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /** Resolves when every logged change has been applied (or failed). */
  private allApplied(): Promise<void> {
    if (this.unapplied === 0) return Promise.resolve();
    return new Promise((resolve) => this.appliedWaiters.push(resolve));
  }

  /** Starts sending changes to a commit log (after recovery has replayed the old ones). */
  attachCommitLog(log: CommitLog): void {
    this.commitLog = log;
  }

  private publish(event: CommitEvent): void {
    for (const subscriber of this.subscribers) {
      try {
        subscriber(event);
      } catch (error) {
        console.error("firestore-emulator: a commit subscriber failed:", error);
      }
    }
  }

  /** Subscribes to commits; returns the unsubscribe function. */
  subscribe(fn: (event: CommitEvent) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /** Applies writes independently (BatchWrite): each gets its own commit and status. */
  async batchWrite(
    mutations: readonly Mutation[],
  ): Promise<({ ok: true; result: CommitResult } | { ok: false; error: unknown })[]> {
    const seen = new Set<string>();
    for (const m of mutations) {
      if (seen.has(m.path))
        throw invalidArgument(`BatchWrite cannot write the same document twice: ${m.name}`);
      seen.add(m.path);
    }
    return Promise.all(
      mutations.map(async (m) => {
        try {
          return { ok: true as const, result: await this.commit([m]) };
        } catch (error) {
          return { ok: false as const, error };
        }
      }),
    );
  }

  /** Collection ids directly under a document (or the root, ""), sorted. */
  listCollectionIds(parent: string, consistency: ReadConsistency): ReadResult<string[]> {
    const ctx = this.readContext(consistency);
    const ids = new Set<string>();
    const prefix = parent === "" ? "" : `${parent}/`;
    for (const collection of this.store.collectionPaths()) {
      if (!collection.startsWith(prefix)) continue;
      const id = collection.slice(prefix.length).split("/")[0]!;
      if (ids.has(id)) continue;
      if (this.store.hasLiveDocument(collection, ctx.at)) ids.add(id);
    }
    return {
      value: [...ids].sort(),
      readTime: ctx.at ?? this.clock.now(),
      transaction: ctx.startedTransaction,
    };
  }

  /**
   * Documents of one collection in name order; with `showMissing`, also "missing" documents: ids
   * that do not exist but have subcollections with documents (what listDocuments() returns).
   */
  listDocuments(
    collection: string,
    showMissing: boolean,
    consistency: ReadConsistency,
  ): ReadResult<(StoredDocument | string)[]> {
    const ctx = this.readContext(consistency);
    const out = new Map<string, StoredDocument | string>();
    for (const doc of this.store.documentsIn(collection, ctx.at)) out.set(doc.path, doc);
    if (showMissing) {
      const prefix = `${collection}/`;
      for (const c of this.store.collectionPaths()) {
        if (!c.startsWith(prefix)) continue;
        const docPath = prefix + c.slice(prefix.length).split("/")[0]!;
        if (!out.has(docPath) && this.store.hasLiveDocument(c, ctx.at)) out.set(docPath, docPath);
      }
    }
    const sorted = [...out.entries()].sort((a, b) => comparePaths(a[0].split("/"), b[0].split("/")));
    return {
      value: sorted.map((e) => e[1]),
      readTime: ctx.at ?? this.clock.now(),
      transaction: ctx.startedTransaction,
    };
  }

  /** Deletes every document (the REST clear endpoint), durably. Listeners see the deletions. */
  async clear(): Promise<void> {
    const commitTime = this.clock.next();
    await this.record({ kind: "clear", db: this.id, time: commitTime }, () => {
      const changes: DocumentChange[] = [];
      for (const doc of this.store.allDocuments()) changes.push({ path: doc.path, before: doc, after: null });
      this.store.clear();
      if (changes.length > 0) this.publish({ commitTime, changes, reason: "clear" });
    });
  }

  /**
   * Loads documents as they are (import, recovery), without notifying anyone or logging them. Each
   * document's history starts at its update time.
   */
  load(docs: readonly StoredDocument[]): void {
    for (const doc of docs) {
      this.store.restore(doc.path, doc, doc.updateTime);
      this.clock.advanceTo(doc.updateTime);
    }
  }

  /** Replays a logged change during recovery: applied as it was (no history), without notifying anyone. */
  replay(record: CommitRecord): void {
    this.clock.advanceTo(record.time);
    if (record.kind === "clear") {
      this.store.clear();
      return;
    }
    for (const w of record.writes) this.store.restore(w.path, w.doc, record.time);
  }
}

/**
 * Production's limits on what a commit leaves behind: every written document (size, nesting, names,
 * index entries) and the commit as a whole (what it touches, deleted documents included).
 */
function checkCommitLimits(changes: readonly DocumentChange[]): void {
  let touched = 0;
  for (const change of changes) {
    if (change.after) checkDocumentLimits(change.after);
    touched += Math.max(
      change.before ? documentSize(change.before) : 0,
      change.after ? documentSize(change.after) : 0,
    );
  }
  if (touched > MAX_REQUEST_BYTES) throw transactionTooBig();
}

function sortPaths(paths: readonly string[]): string[] {
  return [...new Set(paths)].sort((a, b) => comparePaths(a.split("/"), b.split("/")));
}

function fingerprintOf(docs: readonly StoredDocument[]): string {
  return docs.map((d) => `${d.path}@${d.updateTime}`).join("|");
}
