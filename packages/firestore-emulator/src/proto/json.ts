import protobuf from "protobufjs";
import { invalidArgument } from "../errors.ts";

/**
 * The proto3 JSON mapping (https://protobuf.dev/programming-guides/json/), driven by the loaded
 * descriptors (`firestoreProtos()`), between JSON and the message objects the handlers use (the form
 * grpc-js and proto-loader produce: camelCase names, int64 as decimal strings, enums as names, bytes as
 * Buffers, Timestamps as `{seconds, nanos}`). One codec serves every transport that speaks JSON: the
 * REST API (and the browser SDK's JSON POSTs, which are REST calls), WebChannel messages, trigger
 * payloads. Decoding is as strict as Google's front end: unknown names, wrong types, out-of-range
 * integers and two members of one oneof are INVALID_ARGUMENT in Google's wording, naming where.
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
const NULL_VALUE = ".google.protobuf.NullValue";

/** Deepest message nesting decoded (Firestore values nest at most 20 maps or arrays, 2 messages each). */
const MAX_MESSAGE_DEPTH = 100;

/**
 * Deepest JSON nesting a request may have, checked on the parsed text before any decoding recursion
 * (Firestore's 20 levels of maps and arrays take 3 JSON levels each).
 */
export const MAX_JSON_DEPTH = 128;

/** Google's wording for a value of the wrong type or form: `Invalid value at 'where' (what), value`. */
function invalid(path: string, what: string, value: unknown): never {
  const shown = JSON.stringify(value) ?? String(value);
  const at = path ? ` at '${path}'` : "";
  throw invalidArgument(`Invalid value${at} (${what}), ${shown.slice(0, 100)}`);
}

/** Google's wording for a payload that cannot be read: `Invalid JSON payload received. <what> at 'where'...`. */
function invalidPayload(path: string, what: string, why?: string): never {
  const at = path ? ` at '${path}'` : "";
  throw invalidArgument(`Invalid JSON payload received. ${what}${at}${why ? `: ${why}` : ""}.`);
}

function scalarKind(type: string): string {
  return `TYPE_${type.toUpperCase()}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How deeply a parsed JSON value nests, measured without recursion (stops past MAX_JSON_DEPTH). */
function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_JSON_DEPTH) break;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Parses a JSON request (a REST body, a WebChannel message): empty text is `{}`; malformed JSON and
 * nesting deeper than MAX_JSON_DEPTH are INVALID_ARGUMENT, so no decoder ever recurses without bound.
 */
export function parseJsonRequest(text: string): unknown {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidArgument(`Invalid JSON payload received. ${(error as Error).message}`);
  }
  if (jsonDepth(parsed) > MAX_JSON_DEPTH) {
    throw invalidArgument(`Invalid JSON payload received. Nesting deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  return parsed;
}

/** `field_name` → `fieldName`, so both spellings of a JSON name find the field. */
function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The field of `type` a JSON key names (its JSON name, or its original snake_case name). Only own
 * fields count: a key like `__proto__` or `toString` names no field.
 */
export function fieldNamed(type: protobuf.Type, key: string): protobuf.Field | undefined {
  const fields = type.fields;
  const name = Object.hasOwn(fields, key) ? key : camel(key);
  const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
  field?.resolve();
  return field;
}

// ---- Timestamps and durations ----

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const TIMESTAMP_KIND = "google.protobuf.Timestamp";

/** Parses an RFC 3339 timestamp into `{seconds, nanos}` (years 0001–9999, as Timestamp allows). */
export function parseTimestamp(text: string, path = ""): { seconds: string; nanos: number } {
  const m = RFC3339.exec(text);
  if (!m) invalid(path, TIMESTAMP_KIND, text);
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
    invalid(path, TIMESTAMP_KIND, text);
  }
  let seconds = Math.floor(date.getTime() / 1000);
  if (m[9]) {
    const offset = (Number(m[10]) * 60 + Number(m[11])) * 60;
    seconds += m[9] === "+" ? -offset : offset;
  }
  const nanos = m[7] ? Number(m[7].padEnd(9, "0")) : 0;
  return { seconds: String(seconds), nanos };
}

/** 0, 3, 6 or 9 fraction digits of `nanos`, as proto3 JSON prints them ("" for none). */
function fraction(nanos: number): string {
  if (nanos === 0) return "";
  const digits = String(nanos).padStart(9, "0");
  return `.${nanos % 1e6 === 0 ? digits.slice(0, 3) : nanos % 1e3 === 0 ? digits.slice(0, 6) : digits}`;
}

/** Formats `{seconds, nanos}` as RFC 3339 in UTC with 0, 3, 6 or 9 fraction digits, as Google does. */
export function formatTimestamp(ts: { seconds?: unknown; nanos?: unknown }): string {
  const seconds = Number(ts.seconds ?? 0);
  const nanos = Number(ts.nanos ?? 0);
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}${fraction(nanos)}Z`;
}

function parseDuration(text: unknown, path: string): { seconds: string; nanos: number } {
  const m = typeof text === "string" ? /^(-)?(\d{1,12})(?:\.(\d{1,9}))?s$/.exec(text) : null;
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
  return `${negative ? "-" : ""}${abs}${fraction(Math.abs(nanos))}s`;
}

// ---- Scalars ----

/** An integer from a JSON number or decimal string (at most 20 digits, so BigInt stays cheap). */
function parseInteger(value: unknown, path: string, type: string): bigint {
  const text = typeof value === "number" ? (Number.isInteger(value) ? String(value) : "") : value;
  if (typeof text !== "string" || !/^-?\d{1,20}$/.test(text)) invalid(path, scalarKind(type), value);
  return BigInt(text);
}

function scalarFromJson(type: string, value: unknown, path: string): unknown {
  if (type === "double" || type === "float") {
    if (typeof value === "number") return value;
    if (value === "NaN") return Number.NaN;
    if (value === "Infinity") return Number.POSITIVE_INFINITY;
    if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
      return Number(value);
    invalid(path, scalarKind(type), value);
  }
  if (INT32.has(type) || UINT32.has(type)) {
    const n = parseInteger(value, path, type);
    const [min, max] = INT32.has(type) ? [-(2n ** 31n), 2n ** 31n - 1n] : [0n, 2n ** 32n - 1n];
    if (n < min || n > max) invalid(path, scalarKind(type), value);
    return Number(n);
  }
  if (INT64.has(type) || UINT64.has(type)) {
    const n = parseInteger(value, path, type);
    const [min, max] = INT64.has(type) ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
    if (n < min || n > max) invalid(path, scalarKind(type), value);
    return n.toString();
  }
  if (type === "bool") {
    if (typeof value !== "boolean") invalid(path, scalarKind(type), value);
    return value;
  }
  if (type === "string") {
    if (typeof value !== "string") invalid(path, scalarKind(type), value);
    return value;
  }
  if (type === "bytes") {
    if (typeof value !== "string" || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value))
      invalid(path, scalarKind(type), value);
    return Buffer.from(value.replaceAll("-", "+").replaceAll("_", "/"), "base64");
  }
  invalid(path, scalarKind(type), value);
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

function structValueFromJson(value: unknown, path: string, depth: number): MessageObject {
  if (depth > MAX_MESSAGE_DEPTH) invalidPayload(path, "Message nesting is too deep");
  if (value === null) return { nullValue: "NULL_VALUE" };
  if (typeof value === "number") return { numberValue: value };
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  if (Array.isArray(value)) return { listValue: listFromJson(value, path, depth + 1) };
  return { structValue: structFromJson(value as object, path, depth + 1) };
}

function listFromJson(value: unknown[], path: string, depth: number): MessageObject {
  return { values: value.map((v, i) => structValueFromJson(v, `${path}[${i}]`, depth + 1)) };
}

function structFromJson(value: object, path: string, depth: number): MessageObject {
  const fields: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value)) fields[k] = structValueFromJson(v, `${path}[${k}]`, depth + 1);
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
  const out: Record<string, Json> = Object.create(null);
  for (const [k, v] of Object.entries((s.fields as Record<string, MessageObject>) ?? {}))
    out[k] = structValueToJson(v);
  return out;
}

// ---- Messages ----

/** Decodes a JSON value for one field (not repeated, not a map). */
function singleFromJson(field: protobuf.Field, value: unknown, path: string, depth: number): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) {
    if (resolved.fullName === NULL_VALUE && value === null) return "NULL_VALUE";
    if (typeof value === "string" && Object.hasOwn(resolved.values, value)) return value;
    if (typeof value === "number" && Object.hasOwn(resolved.valuesById, value))
      return resolved.valuesById[value];
    invalid(path, resolved.name, value);
  }
  if (resolved instanceof protobuf.Type) return decodeMessage(resolved, value, path, depth + 1);
  return scalarFromJson(field.type, value, path);
}

/**
 * Decodes a JSON value into the message object of `type`. Unknown names, wrong types, two members
 * of one oneof and malformed well-known values are INVALID_ARGUMENT naming the offending path; map
 * keys (Firestore field names such as `__proto__`) stay ordinary entries.
 */
export function messageFromJson(type: protobuf.Type, json: unknown, path = ""): MessageObject {
  return decodeMessage(type, json, path, 0);
}

function decodeMessage(type: protobuf.Type, json: unknown, path: string, depth: number): MessageObject {
  if (depth > MAX_MESSAGE_DEPTH) invalidPayload(path, "Message nesting is too deep");
  const wrapped = WRAPPERS[type.fullName];
  if (wrapped) return { value: scalarFromJson(wrapped, json, path) };
  switch (type.fullName) {
    case ".google.protobuf.Timestamp":
      if (typeof json !== "string") invalid(path, TIMESTAMP_KIND, json);
      return parseTimestamp(json, path);
    case ".google.protobuf.Duration":
      return parseDuration(json, path);
    case ".google.protobuf.FieldMask":
      if (typeof json !== "string") invalid(path, "google.protobuf.FieldMask", json);
      return { paths: json === "" ? [] : json.split(",") };
    case ".google.protobuf.Struct":
      if (!isObject(json)) invalid(path, "google.protobuf.Struct", json);
      return structFromJson(json, path, depth);
    case ".google.protobuf.Value":
      return structValueFromJson(json, path, depth);
    case ".google.protobuf.ListValue":
      if (!Array.isArray(json)) invalid(path, "google.protobuf.ListValue", json);
      return listFromJson(json, path, depth);
  }
  if (!isObject(json)) invalid(path, type.fullName.slice(1), json);
  const out: MessageObject = {};
  const oneofsSet = new Set<string>();
  for (const [key, value] of Object.entries(json)) {
    const field = fieldNamed(type, key);
    if (!field) invalidPayload(path, `Unknown name "${key}"`, "Cannot find field");
    const fieldPath = path ? `${path}.${field.name}` : field.name;
    // null means "not set", except where null is the value itself (NullValue, Struct's Value).
    const nullIsValue =
      field.resolvedType?.fullName === NULL_VALUE ||
      field.resolvedType?.fullName === ".google.protobuf.Value";
    if (value === null && !nullIsValue) continue;
    const oneof = field.partOf;
    // proto3 `optional` fields sit in a synthetic oneof of their own (`_name`).
    if (oneof && oneof.name !== `_${field.name}`) {
      if (oneofsSet.has(oneof.name))
        invalidPayload(path, `Oneof field '${oneof.name}' is already set`, `Cannot set '${key}'`);
      oneofsSet.add(oneof.name);
    }
    if (field.map) {
      if (!isObject(value)) invalid(fieldPath, "map", value);
      // A null prototype keeps keys like "__proto__" (a legal Firestore field name) ordinary entries.
      const entries: Record<string, unknown> = Object.create(null);
      for (const [k, v] of Object.entries(value))
        entries[k] = singleFromJson(field, v, `${fieldPath}[${k}]`, depth);
      out[field.name] = entries;
    } else if (field.repeated) {
      if (!Array.isArray(value)) invalid(fieldPath, "list", value);
      out[field.name] = value.map((v, i) => singleFromJson(field, v, `${fieldPath}[${i}]`, depth));
    } else {
      out[field.name] = singleFromJson(field, value, fieldPath, depth);
    }
  }
  return out;
}

function singleToJson(field: protobuf.Field, value: unknown): Json {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) {
    if (resolved.fullName === NULL_VALUE) return null;
    return typeof value === "number" ? (resolved.valuesById[value] ?? value) : (value as string);
  }
  if (resolved instanceof protobuf.Type) return messageToJson(resolved, value as MessageObject);
  return scalarToJson(field.type, value);
}

/**
 * Encodes a message object of `type` as proto3 JSON, as Google's front ends print it: unset fields and
 * default scalars, enums and empty lists and maps are left out (except oneof members, whose presence
 * is the point); messages always appear. Keys that name no field are dropped.
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
      const map: Record<string, Json> = Object.create(null);
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
        field.resolvedType.fullName !== NULL_VALUE &&
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
  if (resolved instanceof protobuf.Enum) return singleFromJson(field, text, path, 0);
  return fieldFromQueryScalar(field.type, text, path);
}

function fieldFromQueryScalar(type: string, text: string, path: string): unknown {
  if (type === "bool") {
    if (text === "true" || text === "false") return text === "true";
    invalid(path, scalarKind(type), text);
  }
  return scalarFromJson(type, text, path);
}
