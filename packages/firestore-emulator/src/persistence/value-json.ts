import type { StoredDocument } from "../model/document.ts";
import type { DatabaseId } from "../model/path.ts";
import { documentName } from "../model/path.ts";
import type { Fields, Value } from "../model/values.ts";

/** JSON as the data files hold it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A value in JSON: one key naming the type, like Firestore's REST encoding (doubles may be strings). */
export function valueToJson(v: Value): Json {
  switch (v.kind) {
    case "null":
      return { nullValue: null };
    case "boolean":
      return { booleanValue: v.value };
    case "integer":
      return { integerValue: v.value.toString() };
    case "double":
      return { doubleValue: Number.isFinite(v.value) ? v.value : String(v.value) };
    case "timestamp":
      return { timestampValue: { seconds: v.seconds, nanos: v.nanos } };
    case "string":
      return { stringValue: v.value };
    case "bytes":
      return { bytesValue: Buffer.from(v.value).toString("base64") };
    case "reference":
      return { referenceValue: v.value };
    case "geoPoint":
      return { geoPointValue: { latitude: v.latitude, longitude: v.longitude } };
    case "array":
      return { arrayValue: v.values.map(valueToJson) };
    case "map":
      return { mapValue: fieldsToJson(v.fields) };
  }
}

/** A field map in JSON (a null-prototype object, so a field named `__proto__` stays a field). */
export function fieldsToJson(fields: Fields): Json {
  const out: { [key: string]: Json } = Object.create(null);
  for (const [k, v] of fields) out[k] = valueToJson(v);
  return out;
}

function fail(what: string): never {
  throw new Error(`Malformed value in the data file: ${what}.`);
}

function isObject(j: unknown): j is Record<string, unknown> {
  return typeof j === "object" && j !== null && !Array.isArray(j);
}

/** Reads a value written by `valueToJson`; throws on anything else. */
export function valueFromJson(j: unknown): Value {
  if (!isObject(j)) fail("not an object");
  const keys = Object.keys(j);
  if (keys.length !== 1) fail("expected exactly one type key");
  const kind = keys[0]!;
  const x = j[kind];
  switch (kind) {
    case "nullValue":
      return { kind: "null" };
    case "booleanValue":
      return { kind: "boolean", value: x === true };
    case "integerValue":
      return { kind: "integer", value: BigInt(String(x)) };
    case "doubleValue":
      return { kind: "double", value: Number(x) };
    case "timestampValue": {
      if (!isObject(x)) fail("timestampValue");
      return { kind: "timestamp", seconds: Number(x.seconds), nanos: Number(x.nanos) };
    }
    case "stringValue":
      return { kind: "string", value: String(x) };
    case "bytesValue":
      return { kind: "bytes", value: new Uint8Array(Buffer.from(String(x), "base64")) };
    case "referenceValue":
      return { kind: "reference", value: String(x) };
    case "geoPointValue": {
      if (!isObject(x)) fail("geoPointValue");
      return { kind: "geoPoint", latitude: Number(x.latitude), longitude: Number(x.longitude) };
    }
    case "arrayValue":
      if (!Array.isArray(x)) fail("arrayValue");
      return { kind: "array", values: x.map(valueFromJson) };
    case "mapValue":
      return { kind: "map", fields: fieldsFromJson(x) };
    default:
      return fail(`unknown value type "${kind}"`);
  }
}

/** Reads a field map written by `fieldsToJson`. */
export function fieldsFromJson(j: unknown): Map<string, Value> {
  if (!isObject(j)) fail("fields are not an object");
  return new Map(Object.keys(j).map((k) => [k, valueFromJson(j[k])]));
}

/** One document as a line of a snapshot or export: database, path, times and fields. */
export interface DocumentLine {
  db: [string, string];
  path: string;
  createTime: number;
  updateTime: number;
  fields: Json;
}

/** The line form of a stored document. */
export function documentToLine(db: DatabaseId, doc: StoredDocument): DocumentLine {
  return {
    db: [db.projectId, db.databaseId],
    path: doc.path,
    createTime: doc.createTime,
    updateTime: doc.updateTime,
    fields: fieldsToJson(doc.fields),
  };
}

/** A document line's database. */
export function databaseOfLine(line: Record<string, unknown>): DatabaseId {
  const db = line.db;
  if (!Array.isArray(db) || typeof db[0] !== "string" || typeof db[1] !== "string") fail("database id");
  return { projectId: db[0], databaseId: db[1] };
}

/** The stored document a line describes. */
export function documentFromLine(db: DatabaseId, line: Record<string, unknown>): StoredDocument {
  const path = line.path;
  if (typeof path !== "string" || path === "") fail("document path");
  const createTime = Number(line.createTime);
  const updateTime = Number(line.updateTime);
  if (!Number.isSafeInteger(createTime) || !Number.isSafeInteger(updateTime)) fail("document times");
  return {
    name: documentName(db, path),
    path,
    createTime,
    updateTime,
    fields: fieldsFromJson(line.fields),
  };
}
