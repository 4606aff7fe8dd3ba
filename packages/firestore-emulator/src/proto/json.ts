/**
 * Proto3 JSON (https://protobuf.dev/programming-guides/json/) for the Firestore v1 messages, as the web
 * SDK speaks it in browsers (WebChannel and fetch): int64 as strings, bytes as base64, enums by name,
 * Timestamps as RFC 3339 strings, wrapper types as bare values. Decoding produces exactly the object
 * shape @grpc/proto-loader hands to the gRPC handlers (see LOADER_OPTIONS in load.ts), so one set of
 * handlers serves both transports; encoding accepts what those handlers write.
 */
import path from "node:path";
import protobuf from "protobufjs";
import { invalidArgument } from "../errors.ts";
import { protosRoot } from "./load.ts";

let cachedRoot: protobuf.Root | undefined;

/** The Firestore v1 protos as protobufjs reflection (camelCase field names), loaded once per process. */
export function firestoreProtoRoot(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  const base = protosRoot();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(base, target);
  root.loadSync("google/firestore/v1/firestore.proto", { keepCase: false });
  root.resolveAll();
  cachedRoot = root;
  return root;
}

/** One RPC of google.firestore.v1.Firestore: its message types and which sides stream. */
export interface FirestoreMethod {
  readonly name: string;
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
  readonly clientStreaming: boolean;
  readonly serverStreaming: boolean;
}

let cachedMethods: ReadonlyMap<string, FirestoreMethod> | undefined;

/** The Firestore RPC with this name (`Listen`, `Commit`, ...), or undefined. */
export function firestoreMethod(name: string): FirestoreMethod | undefined {
  if (!cachedMethods) {
    const service = firestoreProtoRoot().lookupService("google.firestore.v1.Firestore");
    cachedMethods = new Map(
      service.methodsArray.map((m) => [
        m.name,
        {
          name: m.name,
          request: m.resolvedRequestType!,
          response: m.resolvedResponseType!,
          clientStreaming: m.requestStream === true,
          serverStreaming: m.responseStream === true,
        },
      ]),
    );
  }
  return cachedMethods.get(name);
}

const MAX_DEPTH = 100;
const INT64 = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);
const INT32 = new Set(["int32", "uint32", "sint32", "fixed32", "sfixed32"]);
const UNSIGNED = new Set(["uint32", "fixed32", "uint64", "fixed64"]);
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
const TIMESTAMP = ".google.protobuf.Timestamp";
const DURATION = ".google.protobuf.Duration";
const NULL_VALUE = ".google.protobuf.NullValue";

type Json = unknown;
type Message = Record<string, unknown>;

/** Google's wording: `Invalid JSON payload received. <what> at '<where>': <why>.` */
function invalid(at: string, what: string, why?: string): never {
  const where = at ? ` at '${at}'` : "";
  throw invalidArgument(`Invalid JSON payload received. ${what}${where}${why ? `: ${why}` : ""}.`);
}

function badValue(at: string, kind: string, value: Json): never {
  const shown = JSON.stringify(value) ?? String(value);
  throw invalidArgument(`Invalid value at '${at}' (${kind}), ${shown.slice(0, 100)}`);
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The field a JSON key names: its lowerCamelCase JSON name or its original snake_case proto name. */
function fieldFor(type: protobuf.Type, key: string): protobuf.Field | undefined {
  if (Object.hasOwn(type.fields, key)) return type.fields[key];
  const camel = key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return camel !== key && Object.hasOwn(type.fields, camel) ? type.fields[camel] : undefined;
}

/** Decodes one message from proto3 JSON; anything malformed is INVALID_ARGUMENT naming where. */
export function messageFromJson(type: protobuf.Type, json: Json): Message {
  return decodeMessage(type, json, "", 0) as Message;
}

function decodeMessage(type: protobuf.Type, json: Json, at: string, depth: number): unknown {
  if (depth > MAX_DEPTH) invalid(at, "Message nesting is too deep");
  const name = type.fullName;
  if (name === TIMESTAMP && typeof json === "string") return parseTimestamp(json, at);
  if (name === DURATION && typeof json === "string") return parseDuration(json, at);
  const wrapped = WRAPPERS[name];
  if (wrapped && !isObject(json)) return { value: decodeScalar(wrapped, json, at) };
  if (!isObject(json)) badValue(at, name.slice(1), json);
  const out: Message = {};
  const oneofsSet = new Set<string>();
  for (const [key, value] of Object.entries(json)) {
    const field = fieldFor(type, key);
    const childAt = at ? `${at}.${key}` : key;
    if (!field) invalid(at, `Unknown name "${key}"`, "Cannot find field");
    const isNullEnum = field.resolvedType?.fullName === NULL_VALUE;
    if (value === null && !isNullEnum) continue; // proto3 JSON: null means "not set"
    const oneof = field.partOf;
    if (oneof && oneof.name !== `_${field.name}`) {
      if (oneofsSet.has(oneof.name)) {
        invalid(at, `Oneof field '${oneof.name}' is already set`, `Cannot set '${key}'`);
      }
      oneofsSet.add(oneof.name);
    }
    out[field.name] = decodeField(field, value, childAt, depth);
  }
  return out;
}

function decodeField(field: protobuf.Field, value: Json, at: string, depth: number): unknown {
  if (field.map) {
    if (!isObject(value)) badValue(at, "map", value);
    // A null prototype keeps keys like "__proto__" (a legal Firestore field name) ordinary entries.
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, item] of Object.entries(value))
      out[key] = decodeSingle(field, item, `${at}[${key}]`, depth);
    return out;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) badValue(at, "list", value);
    return value.map((item, i) => decodeSingle(field, item, `${at}[${i}]`, depth));
  }
  return decodeSingle(field, value, at, depth);
}

function decodeSingle(field: protobuf.Field, value: Json, at: string, depth: number): unknown {
  const type = field.resolvedType;
  if (type instanceof protobuf.Type) return decodeMessage(type, value, at, depth + 1);
  if (type instanceof protobuf.Enum) return decodeEnum(type, value, at);
  return decodeScalar(field.type, value, at);
}

function decodeEnum(type: protobuf.Enum, value: Json, at: string): string | number {
  if (type.fullName === NULL_VALUE) return "NULL_VALUE";
  if (typeof value === "string" && Object.hasOwn(type.values, value)) return value;
  if (typeof value === "number" && Number.isInteger(value)) return type.valuesById[value] ?? value;
  badValue(at, type.name, value);
}

function decodeScalar(kind: string, value: Json, at: string): unknown {
  const upper = `TYPE_${kind.toUpperCase()}`;
  if (kind === "double" || kind === "float") {
    if (typeof value === "number") return value;
    if (value === "NaN") return Number.NaN;
    if (value === "Infinity") return Number.POSITIVE_INFINITY;
    if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
      return Number(value);
    badValue(at, upper, value);
  }
  if (INT32.has(kind) || INT64.has(kind)) {
    const text = typeof value === "number" && Number.isInteger(value) ? String(value) : value;
    if (typeof text !== "string" || !/^-?\d{1,20}$/.test(text)) badValue(at, upper, value);
    const n = BigInt(text);
    const bits = INT32.has(kind) ? 32n : 64n;
    const min = UNSIGNED.has(kind) ? 0n : -(1n << (bits - 1n));
    const max = UNSIGNED.has(kind) ? (1n << bits) - 1n : (1n << (bits - 1n)) - 1n;
    if (n < min || n > max) badValue(at, upper, value);
    return INT32.has(kind) ? Number(n) : n.toString();
  }
  if (kind === "bool") {
    if (typeof value !== "boolean") badValue(at, upper, value);
    return value;
  }
  if (kind === "string") {
    if (typeof value !== "string") badValue(at, upper, value);
    return value;
  }
  if (kind === "bytes") {
    if (typeof value !== "string" || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) badValue(at, upper, value);
    return Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  }
  badValue(at, upper, value);
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** An RFC 3339 timestamp as a proto Timestamp ({seconds: string, nanos}). */
function parseTimestamp(text: string, at: string): { seconds: string; nanos: number } {
  const m = RFC3339.exec(text);
  if (!m) badValue(at, "google.protobuf.Timestamp", text);
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  if (
    date.getUTCFullYear() !== Number(y) ||
    date.getUTCMonth() !== Number(mo) - 1 ||
    date.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    badValue(at, "google.protobuf.Timestamp", text);
  }
  let seconds = date.getTime() / 1000;
  if (sign) seconds -= (sign === "+" ? 1 : -1) * (Number(oh) * 3600 + Number(om) * 60);
  return { seconds: String(seconds), nanos: frac ? Number(frac.padEnd(9, "0")) : 0 };
}

function parseDuration(text: string, at: string): { seconds: string; nanos: number } {
  const m = /^(-?)(\d{1,12})(?:\.(\d{1,9}))?s$/.exec(text);
  if (!m) badValue(at, "google.protobuf.Duration", text);
  const sign = m[1] ? -1 : 1;
  const nanos = m[3] ? Number(m[3].padEnd(9, "0")) : 0;
  return { seconds: String(sign * Number(m[2])), nanos: sign * nanos };
}

/** Encodes a message (as the gRPC handlers build them) as proto3 JSON; unknown keys are dropped. */
export function messageToJson(type: protobuf.Type, message: object): Record<string, Json> {
  return encodeMessage(type, message as Message) as Record<string, Json>;
}

function encodeMessage(type: protobuf.Type, message: Message): Json {
  const name = type.fullName;
  if (name === TIMESTAMP) return formatTimestamp(message);
  if (name === DURATION) {
    const nanos = Number(message.nanos ?? 0);
    const seconds = Number(message.seconds ?? 0);
    const sign = seconds < 0 || nanos < 0 ? "-" : "";
    const frac = nanos === 0 ? "" : `.${String(Math.abs(nanos)).padStart(9, "0")}`;
    return `${sign}${Math.abs(seconds)}${frac}s`;
  }
  const wrapped = WRAPPERS[name];
  if (wrapped) return encodeScalar(wrapped, isObject(message) ? message.value : message);
  const out: Record<string, Json> = {};
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    if (field.map) {
      const map: Record<string, Json> = Object.create(null);
      for (const [key, item] of Object.entries(value as object)) map[key] = encodeSingle(field, item);
      out[field.name] = map;
    } else if (field.repeated) {
      out[field.name] = (value as unknown[]).map((item) => encodeSingle(field, item));
    } else {
      out[field.name] = encodeSingle(field, value);
    }
  }
  return out;
}

function encodeSingle(field: protobuf.Field, value: unknown): Json {
  const type = field.resolvedType;
  if (type instanceof protobuf.Type) return encodeMessage(type, value as Message);
  if (type instanceof protobuf.Enum) {
    if (type.fullName === NULL_VALUE) return null;
    return typeof value === "number" ? (type.valuesById[value] ?? value) : value;
  }
  return encodeScalar(field.type, value);
}

function encodeScalar(kind: string, value: unknown): Json {
  if (INT64.has(kind)) return String(value);
  if (kind === "double" || kind === "float") {
    const n = Number(value);
    if (Number.isNaN(n)) return "NaN";
    if (n === Number.POSITIVE_INFINITY) return "Infinity";
    if (n === Number.NEGATIVE_INFINITY) return "-Infinity";
    return n;
  }
  if (kind === "bytes") {
    return typeof value === "string" ? value : Buffer.from(value as Uint8Array).toString("base64");
  }
  return value as Json;
}

/** A proto Timestamp as RFC 3339 with 0, 3, 6 or 9 fractional digits, as proto3 JSON prints it. */
function formatTimestamp(ts: Message): string {
  const seconds = Number(ts.seconds ?? 0);
  const nanos = Number(ts.nanos ?? 0);
  const base = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "");
  const digits = nanos === 0 ? 0 : nanos % 1e6 === 0 ? 3 : nanos % 1e3 === 0 ? 6 : 9;
  const frac = digits === 0 ? "" : `.${String(nanos).padStart(9, "0").slice(0, digits)}`;
  return `${base}${frac}Z`;
}
