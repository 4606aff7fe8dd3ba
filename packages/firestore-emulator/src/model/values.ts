import { compareSegments } from "./segments.ts";
import { compareUtf8 } from "./strings.ts";

/** A Firestore value, decoded from `google.firestore.v1.Value` into a closed union. */
export type Value =
  | { readonly kind: "null" }
  | { readonly kind: "boolean"; readonly value: boolean }
  | { readonly kind: "integer"; readonly value: bigint }
  | { readonly kind: "double"; readonly value: number }
  | { readonly kind: "timestamp"; readonly seconds: number; readonly nanos: number }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "bytes"; readonly value: Uint8Array }
  | { readonly kind: "reference"; readonly value: string }
  | { readonly kind: "geoPoint"; readonly latitude: number; readonly longitude: number }
  | { readonly kind: "array"; readonly values: readonly Value[] }
  | { readonly kind: "map"; readonly fields: Fields };

/** The fields of a document or map value. */
export type Fields = ReadonlyMap<string, Value>;

/** The one null value. */
export const NULL: Value = { kind: "null" };

/** Builds an integer value. */
export function integer(value: bigint): Value {
  return { kind: "integer", value };
}

/** Builds a double value. */
export function double(value: number): Value {
  return { kind: "double", value };
}

/** Whether a map value is a vector (`{__type__: "__vector__", value: [...]}`), which orders on its own. */
function isVector(fields: Fields): boolean {
  const type = fields.get("__type__");
  return type?.kind === "string" && type.value === "__vector__";
}

/**
 * Firestore's order of types: null < booleans < numbers (NaN first) < timestamps < strings < bytes <
 * references < geo points < arrays < vectors < maps.
 */
export function typeOrder(v: Value): number {
  switch (v.kind) {
    case "null":
      return 0;
    case "boolean":
      return 1;
    case "integer":
    case "double":
      return 2;
    case "timestamp":
      return 3;
    case "string":
      return 5;
    case "bytes":
      return 6;
    case "reference":
      return 7;
    case "geoPoint":
      return 8;
    case "array":
      return 9;
    case "map":
      return isVector(v.fields) ? 10 : 11;
  }
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Compares a bigint and a double exactly (no precision lost for large integers). NaN sorts first. */
function compareIntDouble(i: bigint, d: number): number {
  if (Number.isNaN(d)) return 1;
  if (d === Number.POSITIVE_INFINITY) return -1;
  if (d === Number.NEGATIVE_INFINITY) return 1;
  const floor = Math.floor(d);
  const fi = BigInt(floor);
  if (i < fi) return -1;
  if (i > fi) return 1;
  return floor === d ? 0 : -1;
}

/** Numeric order across integers and doubles; NaN equals NaN and sorts before every number. */
export function compareNumbers(a: Value, b: Value): number {
  if (a.kind === "integer" && b.kind === "integer") return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (a.kind === "integer" && b.kind === "double") return compareIntDouble(a.value, b.value);
  if (a.kind === "double" && b.kind === "integer") return -compareIntDouble(b.value, a.value);
  if (a.kind === "double" && b.kind === "double") {
    const x = a.value;
    const y = b.value;
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
    if (Number.isNaN(y)) return 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new Error("compareNumbers on non-numbers");
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return sign(a.length - b.length);
}

/** References compare by path segments (numeric ids first), then length. */
export function compareReferences(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const c = compareSegments(x[i]!, y[i]!);
    if (c !== 0) return c;
  }
  return sign(x.length - y.length);
}

function compareArrays(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return sign(a.length - b.length);
}

/** Map keys in Firestore's (UTF-8) order. */
export function sortedKeys(fields: Fields): string[] {
  return [...fields.keys()].sort(compareUtf8);
}

function compareMaps(a: Fields, b: Fields): number {
  const ka = sortedKeys(a);
  const kb = sortedKeys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const kc = compareUtf8(ka[i]!, kb[i]!);
    if (kc !== 0) return kc;
    const vc = compareValues(a.get(ka[i]!)!, b.get(kb[i]!)!);
    if (vc !== 0) return vc;
  }
  return sign(ka.length - kb.length);
}

function vectorElements(fields: Fields): readonly Value[] {
  const v = fields.get("value");
  return v?.kind === "array" ? v.values : [];
}

/** Firestore's total order over values: first by type order, then within the type. */
export function compareValues(a: Value, b: Value): number {
  const ta = typeOrder(a);
  const tb = typeOrder(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  switch (a.kind) {
    case "null":
      return 0;
    case "boolean":
      return a.value === (b as typeof a).value ? 0 : a.value ? 1 : -1;
    case "integer":
    case "double":
      return compareNumbers(a, b);
    case "timestamp": {
      const o = b as typeof a;
      return a.seconds !== o.seconds ? sign(a.seconds - o.seconds) : sign(a.nanos - o.nanos);
    }
    case "string":
      return compareUtf8(a.value, (b as typeof a).value);
    case "bytes":
      return compareBytes(a.value, (b as typeof a).value);
    case "reference":
      return compareReferences(a.value, (b as typeof a).value);
    case "geoPoint": {
      const o = b as typeof a;
      return a.latitude !== o.latitude ? sign(a.latitude - o.latitude) : sign(a.longitude - o.longitude);
    }
    case "array":
      return compareArrays(a.values, (b as typeof a).values);
    case "map": {
      const o = (b as typeof a).fields;
      if (ta === 10) {
        const va = vectorElements(a.fields);
        const vb = vectorElements(o);
        return va.length !== vb.length ? sign(va.length - vb.length) : compareArrays(va, vb);
      }
      return compareMaps(a.fields, o);
    }
  }
}

/**
 * Equality as queries see it: the same position in the value order, so 3 == 3.0 and NaN == NaN
 * (Firestore's `in`, `array-contains` and array transforms use the same rule).
 */
export function valuesEqual(a: Value, b: Value): boolean {
  return compareValues(a, b) === 0;
}

/**
 * Strict equality used to detect no-op writes: like `valuesEqual` but an integer never equals a
 * double, because storing 3.0 over 3 changes the stored type.
 */
export function valuesIdentical(a: Value, b: Value): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "array": {
      const o = (b as typeof a).values;
      return a.values.length === o.length && a.values.every((v, i) => valuesIdentical(v, o[i]!));
    }
    case "map":
      return fieldsIdentical(a.fields, (b as typeof a).fields);
    case "double": {
      const o = (b as typeof a).value;
      return Object.is(a.value, o);
    }
    default:
      return compareValues(a, b) === 0;
  }
}

/** Whether two field maps hold identical values. */
export function fieldsIdentical(a: Fields, b: Fields): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || !valuesIdentical(v, w)) return false;
  }
  return true;
}

/** Whether a value is a number (integer or double). */
export function isNumber(v: Value | undefined): v is Extract<Value, { kind: "integer" | "double" }> {
  return v?.kind === "integer" || v?.kind === "double";
}

/** Whether a value is a double NaN. */
export function isNaNValue(v: Value | undefined): boolean {
  return v?.kind === "double" && Number.isNaN(v.value);
}
