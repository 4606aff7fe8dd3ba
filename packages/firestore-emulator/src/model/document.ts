import type { ProtoDocument } from "../proto/types.ts";
import { encodeFields, type Micros, timestampFromMicros } from "./codec.ts";
import { type FieldPath, getField, setField } from "./field-path.ts";
import type { Fields, Value } from "./values.ts";

/** A stored document version. `path` is relative to the database's documents root. */
export interface StoredDocument {
  /** Full resource name, `projects/p/databases/d/documents/c/id`. */
  readonly name: string;
  /** Path below `documents`, `c/id[/sub/id...]`. */
  readonly path: string;
  readonly fields: Fields;
  readonly createTime: Micros;
  readonly updateTime: Micros;
}

/** Keeps only the given field paths (a read mask or a query projection); absent paths are skipped. */
export function projectFields(fields: Fields, paths: readonly FieldPath[]): Fields {
  let out: Map<string, Value> = new Map();
  for (const path of paths) {
    const v = getField(fields, path);
    if (v !== undefined) out = setField(out, path, v);
  }
  return out;
}

/** The wire form of a document, optionally masked. */
export function encodeDocument(doc: StoredDocument, mask?: readonly FieldPath[]): ProtoDocument {
  return {
    name: doc.name,
    fields: encodeFields(mask ? projectFields(doc.fields, mask) : doc.fields),
    createTime: timestampFromMicros(doc.createTime),
    updateTime: timestampFromMicros(doc.updateTime),
  };
}
