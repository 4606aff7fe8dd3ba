import type { StoredDocument } from "../model/document.ts";
import { formatFieldPath } from "../model/field-path.ts";
import type { Fields, Value } from "../model/values.ts";
import {
  documentTooLarge,
  fieldNameTooLong,
  fieldValueTooLarge,
  invalidNestedEntity,
  invalidUtf8,
  MAX_DOCUMENT_BYTES,
  MAX_FIELD_VALUE_BYTES,
  MAX_INDEX_ENTRIES,
  MAX_NAME_BYTES,
  MAX_NESTING_DEPTH,
  reservedFieldName,
  tooManyIndexEntries,
} from "./production.ts";

/** Storage size of a string: its UTF-8 bytes + 1 (firebase.google.com/docs/firestore/storage-size). */
export function stringSize(s: string): number {
  return Buffer.byteLength(s, "utf8") + 1;
}

const INTEGER_ID = /^__id-?\d+__$/;

/** Size of a document name from its path below `documents`: each id's size + 16. */
export function documentNameSize(path: string): number {
  let size = 16;
  for (const segment of path.split("/")) size += INTEGER_ID.test(segment) ? 8 : stringSize(segment);
  return size;
}

/** Whether a map is a vector value (`{__type__: "__vector__", value: [...]}`). */
function isVector(fields: Fields): boolean {
  const type = fields.get("__type__");
  return fields.size === 2 && type?.kind === "string" && type.value === "__vector__";
}

/** Storage size of a value by Firestore's rules. */
export function valueSize(v: Value): number {
  switch (v.kind) {
    case "null":
    case "boolean":
      return 1;
    case "integer":
    case "double":
    case "timestamp":
      return 8;
    case "geoPoint":
      return 16;
    case "string":
      return stringSize(v.value);
    case "bytes":
      return v.value.length;
    case "reference": {
      const at = v.value.indexOf("/documents/");
      return documentNameSize(at < 0 ? "" : v.value.slice(at + "/documents/".length));
    }
    case "array": {
      let size = 0;
      for (const item of v.values) size += valueSize(item);
      return size;
    }
    case "map": {
      if (isVector(v.fields)) {
        const values = v.fields.get("value");
        return values?.kind === "array" ? 8 * values.values.length : 0;
      }
      return fieldsSize(v.fields);
    }
  }
}

/** Size of a field map: each field name's size plus its value's size. */
export function fieldsSize(fields: Fields): number {
  let size = 0;
  for (const [name, value] of fields) size += stringSize(name) + valueSize(value);
  return size;
}

/** Storage size of a document: name size + fields + 32 (the quotas' 1 MiB applies to this). */
export function documentSize(doc: Pick<StoredDocument, "path" | "fields">): number {
  return documentNameSize(doc.path) + fieldsSize(doc.fields) + 32;
}

/** Whether a string is well-formed UTF-16, i.e. encodes to valid UTF-8 (no lone surrogates). */
function isWellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** Reserved field names match `__.*__`; the only allowed one is `__type__` inside a vector value. */
function isReserved(name: string): boolean {
  return name.length >= 4 && name.startsWith("__") && name.endsWith("__");
}

function checkName(name: string, insideVector: boolean): void {
  if (!isWellFormed(name)) throw invalidUtf8("A field name");
  if (Buffer.byteLength(name, "utf8") > MAX_NAME_BYTES) throw fieldNameTooLong();
  if (isReserved(name) && !(insideVector && name === "__type__")) throw reservedFieldName(name);
}

/**
 * Walks one top-level field's value: names, nesting (depth counted like the Admin SDK: a value at
 * field path a.b.c is 2 deep, at most 20 allowed; an array directly in an array is never allowed)
 * and the size of each string or bytes value.
 */
function checkValue(top: string, path: string[], v: Value, depth: number, inArray: boolean): void {
  if (depth > MAX_NESTING_DEPTH) throw invalidNestedEntity(top);
  switch (v.kind) {
    case "string":
      if (!isWellFormed(v.value)) throw invalidUtf8(`The value of property "${formatFieldPath(path)}"`);
      if (Buffer.byteLength(v.value, "utf8") > MAX_FIELD_VALUE_BYTES) {
        throw fieldValueTooLarge(formatFieldPath(path));
      }
      return;
    case "bytes":
      if (v.value.length > MAX_FIELD_VALUE_BYTES) throw fieldValueTooLarge(formatFieldPath(path));
      return;
    case "array":
      if (inArray) throw invalidNestedEntity(top);
      for (const item of v.values) checkValue(top, path, item, depth + 1, true);
      return;
    case "map": {
      const vector = isVector(v.fields);
      for (const [name, value] of v.fields) {
        checkName(name, vector);
        checkValue(top, [...path, name], value, depth + 1, false);
      }
      return;
    }
    default:
      return;
  }
}

/**
 * Index entries Firestore's automatic single-field indexes give a document: an ascending and a
 * descending entry per non-array, non-map field (map subfields included, recursively) and one
 * array-contains entry per distinct element of each array field. Composite indexes are not known
 * to the emulator and add none.
 */
export function indexEntryCount(fields: Fields): number {
  let count = 0;
  for (const value of fields.values()) {
    if (value.kind === "map") count += indexEntryCount(value.fields);
    else if (value.kind === "array") {
      const distinct = new Set<string>();
      for (const item of value.values) distinct.add(valueKey(item));
      count += distinct.size;
    } else count += 2;
    if (count > MAX_INDEX_ENTRIES) return count;
  }
  return count;
}

/** A string that is equal for equal values (as array-contains sees them). */
function valueKey(v: Value): string {
  switch (v.kind) {
    case "integer":
      return `n${v.value}`;
    case "double":
      return Number.isInteger(v.value) ? `n${BigInt(v.value)}` : `n${v.value}`;
    case "bytes":
      return `b${Buffer.from(v.value).toString("base64")}`;
    case "array":
      return `a[${v.values.map(valueKey).join(",")}]`;
    case "map":
      return `m{${[...v.fields].map(([k, x]) => `${JSON.stringify(k)}:${valueKey(x)}`).join(",")}}`;
    case "string":
      return `s${JSON.stringify(v.value)}`;
    case "timestamp":
      return `t${v.seconds}.${v.nanos}`;
    case "geoPoint":
      return `g${v.latitude},${v.longitude}`;
    case "reference":
      return `r${v.value}`;
    case "boolean":
      return `${v.value}`;
    case "null":
      return "null";
  }
}

/**
 * Checks a document about to be written against production's limits, in the order production
 * reports them: field names, nesting and single values first, then the document's size, then its
 * index entries. Throws the FirestoreError production answers with.
 */
export function checkDocumentLimits(doc: StoredDocument): void {
  for (const [name, value] of doc.fields) {
    checkName(name, false);
    checkValue(name, [name], value, 0, false);
  }
  const size = documentSize(doc);
  if (size > MAX_DOCUMENT_BYTES) throw documentTooLarge(doc.name, size);
  if (indexEntryCount(doc.fields) > MAX_INDEX_ENTRIES) throw tooManyIndexEntries();
}
