import type { FirestoreError } from "../errors.ts";
import type { Micros } from "../model/codec.ts";
import type { StoredDocument } from "../model/document.ts";
import type { DatabaseId } from "../model/path.ts";

/** The new state of one document after a commit: the document, or null when it was deleted. */
export interface DocumentWrite {
  readonly path: string;
  readonly doc: StoredDocument | null;
}

/** One change to a database as the commit log records it: a commit's after-images, or a clear. */
export type CommitRecord =
  | {
      readonly kind: "commit";
      readonly db: DatabaseId;
      readonly time: Micros;
      readonly writes: readonly DocumentWrite[];
    }
  | { readonly kind: "clear"; readonly db: DatabaseId; readonly time: Micros };

/**
 * Where a database sends each change before applying it: the durable journal. `done` runs once the
 * record is durable (or definitely failed), in the order records were appended, so changes are
 * applied in commit order and only after they would survive a crash.
 */
export interface CommitLog {
  append(record: CommitRecord, done: (error?: FirestoreError) => void): void;
}
