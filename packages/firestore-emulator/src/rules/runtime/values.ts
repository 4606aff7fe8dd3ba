import type { Position } from "../parser/ast.ts";

/**
 * A value of the rules language. Scalars are plain JavaScript values: null, boolean, `bigint` (int,
 * 64-bit), `number` (float), string, `Uint8Array` (bytes); lists are arrays and maps are `Map`s.
 * The other types are the classes below.
 */
export type RuleValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | readonly RuleValue[]
  | RuleMap
  | Timestamp
  | Duration
  | LatLng
  | RulePath
  | RuleSet
  | MapDiff
  | Constraint
  | Namespace;

/** A rules map (string keys). */
export type RuleMap = ReadonlyMap<string, RuleValue>;

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/**
 * An evaluation error. A message-less error is reported the way the official emulator reports
 * them: `evaluation error at L{line}:{col}`.
 */
export class RuleError extends Error {
  at: Position | undefined;
  readonly detail: string | undefined;
  constructor(detail?: string, at?: Position) {
    super(detail ?? "evaluation error");
    this.name = "RuleError";
    this.detail = detail;
    this.at = at;
  }

  /** The text a denial shows for this error. */
  describe(): string {
    if (this.detail) return this.detail;
    return this.at ? `evaluation error at L${this.at.line}:${this.at.col}` : "evaluation error";
  }
}

/** A point in time with nanosecond precision (nanoseconds since the Unix epoch). */
export class Timestamp {
  readonly nanos: bigint;
  constructor(nanos: bigint) {
    // Firestore's timestamp range: 0001-01-01 to 9999-12-31.
    if (nanos < -62135596800000000000n || nanos > 253402300799999999999n) {
      throw new RuleError("Timestamp out of range.");
    }
    this.nanos = nanos;
  }
}

/** A signed span of time (nanoseconds). */
export class Duration {
  readonly nanos: bigint;
  constructor(nanos: bigint) {
    this.nanos = nanos;
  }
}

/** A geographic point. */
export class LatLng {
  readonly lat: number;
  readonly lng: number;
  constructor(lat: number, lng: number) {
    if (!(lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180)) throw new RuleError("Invalid latlng.");
    this.lat = lat;
    this.lng = lng;
  }
}

/** A path (`/databases/(default)/documents/users/alice`), as segments. */
export class RulePath {
  readonly segments: readonly string[];
  constructor(segments: readonly string[]) {
    this.segments = segments;
  }
  toString(): string {
    return this.segments.map((s) => `/${s}`).join("");
  }
}

/** A set: distinct values, compared as rules compare values. */
export class RuleSet {
  readonly items: readonly RuleValue[];
  constructor(items: readonly RuleValue[]) {
    const distinct: RuleValue[] = [];
    for (const v of items) if (!distinct.some((d) => valuesEqual(d, v))) distinct.push(v);
    this.items = distinct;
  }
  has(v: RuleValue): boolean {
    return this.items.some((d) => valuesEqual(d, v));
  }
}

/** The result of `map.diff(other)`. */
export class MapDiff {
  readonly left: RuleMap;
  readonly right: RuleMap;
  constructor(left: RuleMap, right: RuleMap) {
    this.left = left;
    this.right = right;
  }
}

/** A comparison a list query's filters make on a field: `op value`. */
export interface ConstraintFilter {
  readonly op: "EQ" | "NEQ" | "LT" | "LTE" | "GT" | "GTE" | "LIST_CONTAINS";
  readonly value: RuleValue;
}

/**
 * What a list query knows about a field when its filters do not give one value: the filters
 * themselves (see `rules/query/`). Comparisons with it are true only when a filter implies them.
 */
export class Constraint {
  readonly filters: readonly ConstraintFilter[];
  constructor(filters: readonly ConstraintFilter[]) {
    this.filters = filters;
  }
}

/** A namespace of functions (`math`, `timestamp`, `duration`, `latlng`, `hashing`, `string`...). */
export class Namespace {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

/** The rules type name of a value, as `is` and error messages spell it. */
export function typeName(v: RuleValue): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float";
    case "string":
      return "string";
  }
  if (v instanceof Uint8Array) return "bytes";
  if (Array.isArray(v)) return "list";
  if (v instanceof Map) return "map";
  if (v instanceof Timestamp) return "timestamp";
  if (v instanceof Duration) return "duration";
  if (v instanceof LatLng) return "latlng";
  if (v instanceof RulePath) return "path";
  if (v instanceof RuleSet) return "set";
  if (v instanceof MapDiff) return "map_diff";
  if (v instanceof Constraint) return "constraint";
  return "namespace";
}

/** Whether a value is of a type `is` names (`number` is int or float). */
export function isOfType(v: RuleValue, type: string): boolean {
  const actual = typeName(v);
  if (type === "number") return actual === "int" || actual === "float";
  if (type === "boolean") return actual === "bool";
  if (!KNOWN_TYPES.has(type)) throw new RuleError(`Unknown type '${type}'.`);
  return actual === type;
}

const KNOWN_TYPES = new Set([
  "bool",
  "bytes",
  "float",
  "int",
  "list",
  "latlng",
  "map",
  "map_diff",
  "path",
  "set",
  "string",
  "timestamp",
  "duration",
  "constraint",
  "null",
]);

/** Numeric equality across int and float (`1 == 1.0`). */
function numbersEqual(a: bigint | number, b: bigint | number): boolean {
  if (typeof a === "bigint" && typeof b === "bigint") return a === b;
  if (typeof a === "number" && typeof b === "number") return a === b;
  const [i, f] = typeof a === "bigint" ? [a, b as number] : [b as bigint, a];
  return Number.isInteger(f) && BigInt(f) === i;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * `==` of the rules language: values of different types are unequal (never an error); an int equals
 * a float of the same value at the top level, but not inside lists and maps; sets and map diffs
 * compare by membership.
 */
export function valuesEqual(a: RuleValue, b: RuleValue, nested = false): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === "bigint" || ta === "number") && (tb === "bigint" || tb === "number")) {
    if (ta !== tb && nested) return false;
    return numbersEqual(a as bigint | number, b as bigint | number);
  }
  if (ta !== "object" || tb !== "object") return false;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && bytesEqual(a, b);
  if (Array.isArray(a)) {
    const bl = b as readonly RuleValue[];
    return Array.isArray(bl) && a.length === bl.length && a.every((v, i) => valuesEqual(v, bl[i]!, true));
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || !valuesEqual(v, b.get(k)!, true)) return false;
    }
    return true;
  }
  if (a instanceof Timestamp) return b instanceof Timestamp && a.nanos === b.nanos;
  if (a instanceof Duration) return b instanceof Duration && a.nanos === b.nanos;
  if (a instanceof LatLng) return b instanceof LatLng && a.lat === b.lat && a.lng === b.lng;
  if (a instanceof RulePath) {
    return (
      b instanceof RulePath &&
      a.segments.length === b.segments.length &&
      a.segments.every((s, i) => s === b.segments[i])
    );
  }
  if (a instanceof RuleSet) {
    return b instanceof RuleSet && a.items.length === b.items.length && a.items.every((v) => b.has(v));
  }
  if (a instanceof MapDiff) {
    return b instanceof MapDiff && valuesEqual(a.left, b.left) && valuesEqual(a.right, b.right);
  }
  return false;
}

/** Compares two strings by UTF-16 code units, as Java (and the rules runtime) does. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ordering for `<`, `<=`, `>`, `>=`: numbers, strings, bytes, timestamps, durations; else an error. */
export function compareOrdered(a: RuleValue, b: RuleValue, op: string): number {
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === "bigint" || ta === "number") && (tb === "bigint" || tb === "number")) {
    if (ta === "bigint" && tb === "bigint") return a! < b! ? -1 : a! > b! ? 1 : 0;
    const x = Number(a);
    const y = Number(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
    // Exact for ints beyond 2^53 against floats: compare through bigint when the float is integral.
    if (ta === "bigint" && Number.isInteger(y) && Number.isFinite(y)) {
      const fy = BigInt(y);
      return (a as bigint) < fy ? -1 : (a as bigint) > fy ? 1 : 0;
    }
    if (tb === "bigint" && Number.isInteger(x) && Number.isFinite(x)) {
      const fx = BigInt(x);
      return fx < (b as bigint) ? -1 : fx > (b as bigint) ? 1 : 0;
    }
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ta === "string" && tb === "string") return compareStrings(a as string, b as string);
  if (a instanceof Timestamp && b instanceof Timestamp)
    return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
  if (a instanceof Duration && b instanceof Duration)
    return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return a.length - b.length;
  }
  throw new RuleError(
    `Unsupported operation error. Received: ${typeName(a)} ${op} ${typeName(b)}. Expected: number ${op} number, string ${op} string, timestamp ${op} timestamp, duration ${op} duration, bytes ${op} bytes.`,
  );
}

/** Checks an int result stays in 64 bits (overflow is an error in rules). */
export function checkedInt(v: bigint): bigint {
  if (v > INT64_MAX || v < INT64_MIN) throw new RuleError("Integer overflow.");
  return v;
}
