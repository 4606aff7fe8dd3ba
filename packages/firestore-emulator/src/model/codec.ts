import { Code, FirestoreError, invalidArgument } from "../errors.ts";
import { invalidNestedEntity } from "../limits/production.ts";
import type { ProtoTimestamp, ProtoValue } from "../proto/types.ts";
import { parseResourceName } from "./path.ts";
import type { Fields, Value } from "./values.ts";

const MIN_SECONDS = -62135596800; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z

/** Commit and read times are integers of microseconds since the epoch, Firestore's precision. */
export type Micros = number;

/** A proto Timestamp from microseconds. */
export function timestampFromMicros(micros: Micros): ProtoTimestamp {
  const seconds = Math.floor(micros / 1e6);
  return { seconds: String(seconds), nanos: (micros - seconds * 1e6) * 1000 };
}

/** Microseconds from a proto Timestamp (sub-microsecond digits are dropped, as Firestore stores them). */
export function microsFromTimestamp(ts: ProtoTimestamp): Micros {
  const seconds = Number(ts.seconds ?? 0);
  const nanos = ts.nanos ?? 0;
  if (!Number.isInteger(seconds) || !Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
    throw invalidArgument("Invalid timestamp.");
  }
  return seconds * 1e6 + Math.floor(nanos / 1000);
}

/**
 * Values nested deeper than this are refused while decoding, long before the recursion could hurt;
 * the real limit (20) is checked on the written document, where the offending field is known.
 */
const DECODE_DEPTH_CAP = 100;

/** Thrown while decoding a value nested deeper than DECODE_DEPTH_CAP. */
export class NestingTooDeep extends FirestoreError {
  constructor() {
    super(Code.INVALID_ARGUMENT, "A value is nested deeper than 20 levels of maps and arrays.");
  }
}

/** Decodes a wire value, rejecting what Firestore rejects (bad timestamps, integers, no value type). */
export function decodeValue(p: ProtoValue, depth = 0): Value {
  if (depth > DECODE_DEPTH_CAP) throw new NestingTooDeep();
  if (p === null || typeof p !== "object") throw invalidArgument("A value must have a value type set.");
  if (p.nullValue !== undefined) return { kind: "null" };
  if (p.booleanValue !== undefined) return { kind: "boolean", value: p.booleanValue };
  if (p.integerValue !== undefined) {
    let value: bigint;
    try {
      value = BigInt(p.integerValue);
    } catch {
      throw invalidArgument(`Invalid integer value "${String(p.integerValue)}".`);
    }
    if (value > 9223372036854775807n || value < -9223372036854775808n)
      throw invalidArgument("Integer out of range.");
    return { kind: "integer", value };
  }
  if (p.doubleValue !== undefined) return { kind: "double", value: Number(p.doubleValue) };
  if (p.timestampValue !== undefined) {
    const seconds = Number(p.timestampValue.seconds ?? 0);
    const nanos = p.timestampValue.nanos ?? 0;
    if (
      !Number.isInteger(seconds) ||
      !Number.isInteger(nanos) ||
      seconds < MIN_SECONDS ||
      seconds > MAX_SECONDS ||
      nanos < 0 ||
      nanos > 999_999_999
    ) {
      throw invalidArgument("Timestamp value out of range: must be between 0001-01-01 and 9999-12-31.");
    }
    // Firestore keeps microseconds: the nanosecond remainder is truncated on write.
    return { kind: "timestamp", seconds, nanos: nanos - (nanos % 1000) };
  }
  if (p.stringValue !== undefined) return { kind: "string", value: String(p.stringValue) };
  if (p.bytesValue !== undefined) return { kind: "bytes", value: new Uint8Array(p.bytesValue) };
  if (p.referenceValue !== undefined) {
    const parsed = parseResourceName(String(p.referenceValue));
    if (parsed.segments.length === 0 || parsed.segments.length % 2 !== 0) {
      throw invalidArgument(`Reference value "${p.referenceValue}" is not a document name.`);
    }
    return { kind: "reference", value: p.referenceValue };
  }
  if (p.geoPointValue !== undefined) {
    const latitude = p.geoPointValue.latitude ?? 0;
    const longitude = p.geoPointValue.longitude ?? 0;
    if (!(latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180)) {
      throw invalidArgument("GeoPoint latitude must be in [-90, 90] and longitude in [-180, 180].");
    }
    return { kind: "geoPoint", latitude, longitude };
  }
  if (p.arrayValue !== undefined) {
    return { kind: "array", values: (p.arrayValue.values ?? []).map((v) => decodeValue(v, depth + 1)) };
  }
  if (p.mapValue !== undefined) return { kind: "map", fields: decodeFields(p.mapValue.fields, depth + 1) };
  throw invalidArgument("A value must have a value type set.");
}

/** Decodes a proto field map. */
export function decodeFields(fields: Record<string, ProtoValue> | undefined, depth = 0): Map<string, Value> {
  const out = new Map<string, Value>();
  if (!fields) return out;
  for (const key of Object.keys(fields)) {
    if (key === "") throw invalidArgument("Field names must not be empty.");
    out.set(key, decodeValue(fields[key]!, depth));
  }
  return out;
}

/**
 * Decodes a document's fields. A value nested absurdly deep is refused with production's message
 * for over-nested fields, naming the top-level field.
 */
export function decodeDocumentFields(fields: Record<string, ProtoValue> | undefined): Map<string, Value> {
  const out = new Map<string, Value>();
  if (!fields) return out;
  for (const key of Object.keys(fields)) {
    if (key === "") throw invalidArgument("Field names must not be empty.");
    try {
      out.set(key, decodeValue(fields[key]!, 0));
    } catch (error) {
      if (error instanceof NestingTooDeep) throw invalidNestedEntity(key);
      throw error;
    }
  }
  return out;
}

/** Encodes a value for the wire. */
export function encodeValue(v: Value): ProtoValue {
  switch (v.kind) {
    case "null":
      return { nullValue: "NULL_VALUE" };
    case "boolean":
      return { booleanValue: v.value };
    case "integer":
      return { integerValue: v.value.toString() };
    case "double":
      return { doubleValue: v.value };
    case "timestamp":
      return { timestampValue: { seconds: String(v.seconds), nanos: v.nanos } };
    case "string":
      return { stringValue: v.value };
    case "bytes":
      return { bytesValue: Buffer.from(v.value) };
    case "reference":
      return { referenceValue: v.value };
    case "geoPoint":
      return { geoPointValue: { latitude: v.latitude, longitude: v.longitude } };
    case "array":
      return { arrayValue: { values: v.values.map(encodeValue) } };
    case "map":
      return { mapValue: { fields: encodeFields(v.fields) } };
  }
}

/** Encodes a field map. */
export function encodeFields(fields: Fields): Record<string, ProtoValue> {
  // A null prototype keeps a field named "__proto__" an ordinary key.
  const out: Record<string, ProtoValue> = Object.create(null);
  for (const [k, v] of fields) out[k] = encodeValue(v);
  return out;
}
