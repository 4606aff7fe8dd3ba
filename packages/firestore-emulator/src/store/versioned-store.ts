import type { Micros } from "../model/codec.ts";
import type { StoredDocument } from "../model/document.ts";
import { parentOf } from "../model/path.ts";

/** One version of a document path: the document, or null after a delete. */
interface Version {
  readonly time: Micros;
  readonly doc: StoredDocument | null;
}

/** A change applied at a commit: the document before and after. */
export interface DocumentChange {
  readonly path: string;
  readonly before: StoredDocument | null;
  readonly after: StoredDocument | null;
}

/**
 * The documents of one database with their recent history, so reads at a past time (read-only
 * transactions, `read_time`, listen resume tokens) see a consistent snapshot. History older than
 * `retentionMicros` is pruned, keeping the version that was current at the cutoff.
 */
export class VersionedStore {
  private readonly versions = new Map<string, Version[]>();
  /** Collection path → document paths ever written in it (live or deleted). */
  private readonly collections = new Map<string, Set<string>>();
  private readonly retentionMicros: Micros;

  constructor(retentionMicros: Micros) {
    this.retentionMicros = retentionMicros;
  }

  /** The document at `path` as of `at` (latest when omitted), or null. */
  get(path: string, at?: Micros): StoredDocument | null {
    const list = this.versions.get(path);
    if (!list) return null;
    if (at === undefined) return list[list.length - 1]!.doc;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.time <= at) return list[i]!.doc;
    }
    return null;
  }

  /** Live documents directly in a collection as of `at`. */
  *documentsIn(collection: string, at?: Micros): Generator<StoredDocument> {
    const paths = this.collections.get(collection);
    if (!paths) return;
    for (const path of paths) {
      const doc = this.get(path, at);
      if (doc) yield doc;
    }
  }

  /** Every collection path that ever held a document. */
  collectionPaths(): IterableIterator<string> {
    return this.collections.keys();
  }

  /** Whether a collection has a live document as of `at`. */
  hasLiveDocument(collection: string, at?: Micros): boolean {
    for (const _ of this.documentsIn(collection, at)) return true;
    return false;
  }

  /** Records the new state of the changed paths at commit time `time`. */
  apply(changes: readonly DocumentChange[], time: Micros): void {
    const cutoff = time - this.retentionMicros;
    for (const change of changes) {
      let list = this.versions.get(change.path);
      if (!list) {
        list = [];
        this.versions.set(change.path, list);
        const collection = parentOf(change.path);
        let set = this.collections.get(collection);
        if (!set) {
          set = new Set();
          this.collections.set(collection, set);
        }
        set.add(change.path);
      }
      list.push({ time, doc: change.after });
      // Drop versions superseded before the retention cutoff.
      let drop = 0;
      while (drop + 1 < list.length && list[drop + 1]!.time <= cutoff) drop++;
      if (drop > 0) list.splice(0, drop);
    }
  }

  /**
   * Sets a path's state without history (recovery and import): the path then has exactly this one
   * version, whatever was recorded for it before.
   */
  restore(path: string, doc: StoredDocument | null, time: Micros): void {
    if (!this.versions.has(path)) this.apply([{ path, before: null, after: doc }], time);
    else this.versions.set(path, [{ time, doc }]);
  }

  /** Every live document (for export and clearing). */
  *allDocuments(): Generator<StoredDocument> {
    for (const list of this.versions.values()) {
      const doc = list[list.length - 1]!.doc;
      if (doc) yield doc;
    }
  }

  /** Every document live at `at`: a consistent snapshot even while commits go on. */
  *allDocumentsAt(at: Micros): Generator<StoredDocument> {
    for (const path of this.versions.keys()) {
      const doc = this.get(path, at);
      if (doc) yield doc;
    }
  }

  /** Whether any path has ever been written. */
  get isEmpty(): boolean {
    return this.versions.size === 0;
  }

  /** Forgets everything, history included. */
  clear(): void {
    this.versions.clear();
    this.collections.clear();
  }
}
