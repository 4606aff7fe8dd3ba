import protobuf from "protobufjs";
import { invalidArgument } from "../errors.ts";

/**
 * The proto3 JSON mapping (https://protobuf.dev/programming-guides/json/), driven by the loaded
 * descriptors, between REST bodies and the message objects the handlers use (the form grpc-js and
 * proto-loader produce: camelCase names, int64 as decimal strings, enums as names, bytes as Buffers,
 * Timestamps as `{seconds, nanos}`). One generic codec covers every request and response message.
 */

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

type MessageObject = Record<string, unknown>;

const INT32 = new Set(["int32", "sint32", "sfixed32"]);
const UINT32 = new Set(["uint32", "fixed32"]);
const INT64 = new Set(["int64", "sint64", "sfixed64"]);
const UINT64 = new Set(["uint64", "fixed64"]);
const WRAPPERS: Record<string, string> = {
  ".google.protobuf.DoubleValue": "double",
  ".google.protobuf.FloatValue": "float",
  ".google.protobuf.Int64Value": "int64",
  ".google.protobuf.UInt64Value": "uint64",
  ".google.protobuf.Int32Value": "int32",
  ".google.protobuf.UInt32Value": "uint32",
  ".google.protobuf.BoolValue": "bool",
  ".google.protobuf.StringValue": "string",
  ".google.protobuf.BytesValue": "bytes",
};

function invalid(path: string, what: string, value: unknown): never {
  const at = path ? ` at '${path}'` : "";
  throw invalidArgument(
    `Invalid JSON payload received. Invalid value${at} (${what}): ${JSON.stringify(value)}`,
  );
}

/** `field_name` → `fieldName`, so both spellings of a JSON name find the field. */
function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The field of `type` a JSON key names (its JSON name, or its original snake_case name). */
export function fieldNamed(type: protobuf.Type, key: string): protobuf.Field | undefined {
  const field = type.fields[key] ?? type.fields[camel(key)];
  field?.resolve();
  return field;
}

// ---- Timestamps and durations ----

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 timestamp into `{seconds, nanos}` (years 0001–9999, as Timestamp allows). */
export function parseTimestamp(text: string, path = ""): { seconds: string; nanos: number } {
  const m = RFC3339.exec(text);
  if (!m) invalid(path, "google.protobuf.Timestamp", text);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  const date = new Date(0);
  date.setUTCFullYear(year!, month! - 1, day!);
  date.setUTCHours(hour!, minute!, second!, 0);
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month! - 1 ||
    date.getUTCDate() !== day ||
    hour! > 23 ||
    minute! > 59 ||
    second! > 59 ||
    year! < 1
  ) {
    invalid(path, "google.protobuf.Timestamp", text);
  }
  let seconds = Math.floor(date.getTime() / 1000);
  if (m[9]) {
    const offset = (Number(m[10]) * 60 + Number(m[11])) * 60;
    seconds += m[9] === "+" ? -offset : offset;
  }
  const nanos = m[7] ? Number(m[7].padEnd(9, "0")) : 0;
  return { seconds: String(seconds), nanos };
}

/** Formats `{seconds, nanos}` as RFC 3339 in UTC with 0, 3, 6 or 9 fraction digits, as Google does. */
export function formatTimestamp(ts: { seconds?: unknown; nanos?: unknown }): string {
  const seconds = Number(ts.seconds ?? 0);
  const nanos = Number(ts.nanos ?? 0);
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (nanos === 0) return `${base}Z`;
  const digits = String(nanos).padStart(9, "0");
  const fraction = nanos % 1e6 === 0 ? digits.slice(0, 3) : nanos % 1e3 === 0 ? digits.slice(0, 6) : digits;
  return `${base}.${fraction}Z`;
}

function parseDuration(text: unknown, path: string): { seconds: string; nanos: number } {
  const m = typeof text === "string" ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(text) : null;
  if (!m) invalid(path, "google.protobuf.Duration", text);
  const sign = m[1] ? -1 : 1;
  const nanos = m[3] ? Number(m[3].padEnd(9, "0")) : 0;
  return { seconds: String(sign * Number(m[2])), nanos: sign * nanos };
}

function formatDuration(d: { seconds?: unknown; nanos?: unknown }): string {
  const seconds = BigInt(String(d.seconds ?? 0));
  const nanos = Number(d.nanos ?? 0);
  const negative = seconds < 0n || nanos < 0;
  const abs = (negative ? -seconds : seconds).toString();
  const fraction = nanos === 0 ? "" : `.${String(Math.abs(nanos)).padStart(9, "0").replace(/0+$/, "")}`;
  return `${negative ? "-" : ""}${abs}${fraction}s`;
}

// ---- Scalars ----

function parseInteger(value: unknown, path: string, type: string): bigint {
  const text = typeof value === "number" ? (Number.isInteger(value) ? String(value) : "") : value;
  if (typeof text !== "string" || !/^-?\d+$/.test(text.trim())) invalid(path, type, value);
  return BigInt(text.trim());
}

function scalarFromJson(type: string, value: unknown, path: string): unknown {
  if (type === "double" || type === "float") {
    if (typeof value === "number") return value;
    if (value === "NaN") return Number.NaN;
    if (value === "Infinity") return Number.POSITIVE_INFINITY;
    if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
      return Number(value);
    invalid(path, type, value);
  }
  if (INT32.has(type) || UINT32.has(type)) {
    const n = parseInteger(value, path, type);
    const [min, max] = INT32.has(type) ? [-(2n ** 31n), 2n ** 31n - 1n] : [0n, 2n ** 32n - 1n];
    if (n < min || n > max) invalid(path, type, value);
    return Number(n);
  }
  if (INT64.has(type) || UINT64.has(type)) {
    const n = parseInteger(value, path, type);
    const [min, max] = INT64.has(type) ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
    if (n < min || n > max) invalid(path, type, value);
    return n.toString();
  }
  if (type === "bool") {
    if (typeof value !== "boolean") invalid(path, type, value);
    return value;
  }
  if (type === "string") {
    if (typeof value !== "string") invalid(path, type, value);
    return value;
  }
  if (type === "bytes") {
    if (typeof value !== "string" || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) invalid(path, type, value);
    return Buffer.from(value.replaceAll("-", "+").replaceAll("_", "/"), "base64");
  }
  invalid(path, type, value);
}

function scalarToJson(type: string, value: unknown): Json {
  if (type === "double" || type === "float") {
    const n = Number(value);
    if (Number.isNaN(n)) return "NaN";
    if (n === Number.POSITIVE_INFINITY) return "Infinity";
    if (n === Number.NEGATIVE_INFINITY) return "-Infinity";
    return n;
  }
  if (INT64.has(type) || UINT64.has(type)) return String(value);
  if (INT32.has(type) || UINT32.has(type)) return Number(value);
  if (type === "bytes") return Buffer.from(value as Uint8Array).toString("base64");
  return value as Json;
}

function isDefaultScalar(type: string, value: unknown): boolean {
  if (type === "bool") return value === false;
  if (type === "string") return value === "";
  if (type === "bytes") return (value as Uint8Array).length === 0;
  return Number(value) === 0 && !Object.is(Number(value), -0);
}

// ---- google.protobuf.Struct / Value / ListValue ----

function structValueFromJson(value: unknown): MessageObject {
  if (value === null) return { nullValue: "NULL_VALUE" };
  if (typeof value === "number") return { numberValue: value };
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(structValueFromJson) } };
  return { structValue: structFromJson(value) };
}

function structFromJson(value: unknown): MessageObject {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as object)) fields[k] = structValueFromJson(v);
  return { fields };
}

function structValueToJson(v: MessageObject): Json {
  if (v.numberValue !== undefined) return v.numberValue as number;
  if (v.stringValue !== undefined) return v.stringValue as string;
  if (v.boolValue !== undefined) return v.boolValue as boolean;
  if (v.structValue !== undefined) return structToJson(v.structValue as MessageObject);
  if (v.listValue !== undefined)
    return (
      ((v.listValue as MessageObject).values as MessageObject[] | undefined)?.map(structValueToJson) ?? []
    );
  return null;
}

function structToJson(s: MessageObject): Json {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries((s.fields as Record<string, MessageObject>) ?? {}))
    out[k] = structValueToJson(v);
  return out;
}

// ---- Messages ----

/** Decodes a JSON value for one field (not repeated, not a map). */
function singleFromJson(field: protobuf.Field, value: unknown, path: string): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) {
    if (resolved.fullName === ".google.protobuf.NullValue" && value === null) return "NULL_VALUE";
    if (typeof value === "string" && resolved.values[value] !== undefined) return value;
    if (typeof value === "number" && resolved.valuesById[value] !== undefined)
      return resolved.valuesById[value];
    invalid(path, resolved.fullName.slice(1), value);
  }
  if (resolved instanceof protobuf.Type) return messageFromJson(resolved, value, path);
  return scalarFromJson(field.type, value, path);
}

/**
 * Decodes a JSON value into the message object of `type`. Unknown names, wrong types and malformed
 * well-known values are INVALID_ARGUMENT with a message naming the offending path.
 */
export function messageFromJson(type: protobuf.Type, json: unknown, path = ""): MessageObject {
  const wrapped = WRAPPERS[type.fullName];
  if (wrapped) return { value: scalarFromJson(wrapped, json, path) };
  switch (type.fullName) {
    case ".google.protobuf.Timestamp":
      if (typeof json !== "string") invalid(path, "google.protobuf.Timestamp", json);
      return parseTimestamp(json, path);
    case ".google.protobuf.Duration":
      return parseDuration(json, path);
    case ".google.protobuf.FieldMask":
      if (typeof json !== "string") invalid(path, "google.protobuf.FieldMask", json);
      return { paths: json === "" ? [] : json.split(",") };
    case ".google.protobuf.Struct":
      if (json === null || typeof json !== "object" || Array.isArray(json))
        invalid(path, "google.protobuf.Struct", json);
      return structFromJson(json);
    case ".google.protobuf.Value":
      return structValueFromJson(json);
    case ".google.protobuf.ListValue":
      if (!Array.isArray(json)) invalid(path, "google.protobuf.ListValue", json);
      return { values: json.map(structValueFromJson) };
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    invalid(path, type.fullName.slice(1), json);
  }
  const out: MessageObject = {};
  for (const [key, value] of Object.entries(json)) {
    const field = fieldNamed(type, key);
    if (!field) {
      const at = path ? ` at '${path}'` : "";
      throw invalidArgument(`Invalid JSON payload received. Unknown name "${key}"${at}: Cannot find field.`);
    }
    const fieldPath = path ? `${path}.${field.name}` : field.name;
    // null means "not set", except where null is the value itself (NullValue, Struct's Value).
    const nullIsValue =
      field.resolvedType?.fullName === ".google.protobuf.NullValue" ||
      field.resolvedType?.fullName === ".google.protobuf.Value";
    if (value === null && !nullIsValue) continue;
    if (field.map) {
      if (typeof value !== "object" || Array.isArray(value)) invalid(fieldPath, "map", value);
      const entries: Record<string, unknown> = Object.create(null);
      for (const [k, v] of Object.entries(value as object))
        entries[k] = singleFromJson(field, v, `${fieldPath}[${k}]`);
      out[field.name] = entries;
    } else if (field.repeated) {
      if (!Array.isArray(value)) invalid(fieldPath, "list", value);
      out[field.name] = value.map((v, i) => singleFromJson(field, v, `${fieldPath}[${i}]`));
    } else {
      out[field.name] = singleFromJson(field, value, fieldPath);
    }
  }
  return out;
}

function singleToJson(field: protobuf.Field, value: unknown): Json {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) {
    if (resolved.fullName === ".google.protobuf.NullValue") return null;
    return typeof value === "number" ? (resolved.valuesById[value] ?? value) : (value as string);
  }
  if (resolved instanceof protobuf.Type) return messageToJson(resolved, value as MessageObject);
  return scalarToJson(field.type, value);
}

/**
 * Encodes a message object of `type` as proto3 JSON: unset and default scalar fields are left out
 * (except oneof members, whose presence is the point), messages always appear.
 */
export function messageToJson(type: protobuf.Type, message: MessageObject): Json {
  const wrapped = WRAPPERS[type.fullName];
  if (wrapped) return scalarToJson(wrapped, message.value ?? (wrapped === "bool" ? false : 0));
  switch (type.fullName) {
    case ".google.protobuf.Timestamp":
      return formatTimestamp(message);
    case ".google.protobuf.Duration":
      return formatDuration(message);
    case ".google.protobuf.FieldMask":
      return ((message.paths as string[] | undefined) ?? []).join(",");
    case ".google.protobuf.Struct":
      return structToJson(message);
    case ".google.protobuf.Value":
      return structValueToJson(message);
    case ".google.protobuf.ListValue":
      return ((message.values as MessageObject[] | undefined) ?? []).map(structValueToJson);
  }
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(message)) {
    if (value === undefined || value === null) continue;
    const field = fieldNamed(type, key);
    if (!field) continue;
    if (field.map) {
      const entries = Object.entries(value as object);
      if (entries.length === 0) continue;
      const map: Record<string, Json> = {};
      for (const [k, v] of entries) map[k] = singleToJson(field, v);
      out[field.name] = map;
    } else if (field.repeated) {
      const list = value as unknown[];
      if (list.length === 0) continue;
      out[field.name] = list.map((v) => singleToJson(field, v));
    } else {
      const isScalar = !(field.resolvedType instanceof protobuf.Type);
      const isEnumDefault =
        field.resolvedType instanceof protobuf.Enum &&
        field.resolvedType.fullName !== ".google.protobuf.NullValue" &&
        (value === 0 || field.resolvedType.values[value as string] === 0);
      const isDefault = isScalar && (field.resolvedType ? isEnumDefault : isDefaultScalar(field.type, value));
      if (isDefault && !field.partOf) continue;
      out[field.name] = singleToJson(field, value);
    }
  }
  return out;
}

/** Decodes a query parameter's text as the value of `field` (one element, for repeated fields). */
export function fieldFromQueryText(field: protobuf.Field, text: string, path: string): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    const wrapped = WRAPPERS[resolved.fullName];
    if (wrapped) return { value: fieldFromQueryScalar(wrapped, text, path) };
    return messageFromJson(resolved, text, path);
  }
  if (resolved instanceof protobuf.Enum) return singleFromJson(field, text, path);
  return fieldFromQueryScalar(field.type, text, path);
}

function fieldFromQueryScalar(type: string, text: string, path: string): unknown {
  if (type === "bool") {
    if (text === "true" || text === "false") return text === "true";
    invalid(path, type, text);
  }
  return scalarFromJson(type, text, path);
}
