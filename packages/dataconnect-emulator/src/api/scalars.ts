// Input coercion for Data Connect's custom scalars (spec §1.5). Values are normalized to the form
// the SQL planner binds as text parameters; output encoding happens in SQL (see planner/encode.ts).
import { GraphQLError, type GraphQLScalarType, Kind, type ValueNode, valueFromASTUntyped } from "graphql";

type Coercer = (value: unknown) => unknown;

const UUID_RE =
  /^(?:urn:uuid:)?\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$/;
const TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;
const INT64_MAX = 9223372036854775807n;

function reject(scalar: string, value: unknown, why: string): never {
  throw new GraphQLError(`${scalar} cannot represent ${JSON.stringify(value)}: ${why}`);
}

/** UUID in any accepted spelling → lowercase dashed form. */
export function coerceUuid(value: unknown): string {
  const m = typeof value === "string" ? UUID_RE.exec(value.trim()) : null;
  if (!m) return reject("UUID", value, "expected 32 hex digits, with or without dashes");
  return `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`.toLowerCase();
}

/** Int64 from a string or a safe integer → decimal string. */
export function coerceInt64(value: unknown): string {
  let n: bigint;
  if (typeof value === "number" && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === "string" && /^-?\d+$/.test(value.trim())) n = BigInt(value.trim());
  else return reject("Int64", value, "expected an integer or a string of decimal digits");
  if (n > INT64_MAX || n < -INT64_MAX - 1n) reject("Int64", value, "out of the 64-bit range");
  return n.toString();
}

/** Date from `YYYY-MM-DD` or a timestamp (its date part, no time zone conversion). */
export function coerceDate(value: unknown): string {
  const m = typeof value === "string" ? DATE_RE.exec(value.trim()) : null;
  if (!m || !validDate(+m[1]!, +m[2]!, +m[3]!)) return reject("Date", value, "expected YYYY-MM-DD");
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** RFC 3339 timestamp with an offset, years 1583–9999 → as given (Postgres parses it). */
export function coerceTimestamp(value: unknown): string {
  const m = typeof value === "string" ? TIMESTAMP_RE.exec(value.trim()) : null;
  if (!m || !validDate(+m[1]!, +m[2]!, +m[3]!) || +m[4]! > 23 || +m[5]! > 59 || +m[6]! > 60) {
    return reject("Timestamp", value, "expected RFC 3339, e.g. 2026-01-31T12:00:00Z");
  }
  if (+m[1]! < 1583) reject("Timestamp", value, "years before 1583 are not supported");
  return (value as string).trim();
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function coerceVector(value: unknown): number[] {
  if (!Array.isArray(value) || value.some((x) => typeof x !== "number"))
    return reject("Vector", value, "expected a list of numbers");
  return value;
}

function coerceString(name: string): Coercer {
  return (value) => (typeof value === "string" ? value : reject(name, value, "expected a string"));
}

const COERCERS: Record<string, Coercer> = {
  UUID: coerceUuid,
  Int64: coerceInt64,
  Date: coerceDate,
  Timestamp: coerceTimestamp,
  Vector: coerceVector,
  Any: (value) => value,
  SQL_Params: (value) => (Array.isArray(value) ? value : reject("SQL_Params", value, "expected a list")),
  True: (value) => (value === true ? true : reject("True", value, "the only value is true")),
};

/** Gives the schema's custom scalars their input coercion (SDL-built scalars have none). */
export function installScalarCoercion(scalars: Iterable<GraphQLScalarType>): void {
  for (const scalar of scalars) {
    const coerce =
      COERCERS[scalar.name] ??
      (scalar.name.endsWith("_Expr") || scalar.name.includes("SQL") ? coerceString(scalar.name) : undefined);
    if (!coerce) continue;
    // graphql-js builds SDL scalars with identity coercion; ours are set once, right after building.
    const mutable = scalar as {
      parseValue: Coercer;
      parseLiteral: (node: ValueNode, vars?: Record<string, unknown> | null) => unknown;
    };
    mutable.parseValue = coerce;
    mutable.parseLiteral = (node, vars) => {
      if (scalar.name === "Int64" && node.kind === Kind.INT) return coerce(node.value);
      return coerce(valueFromASTUntyped(node, vars));
    };
  }
}
