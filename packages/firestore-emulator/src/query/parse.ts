import { invalidArgument } from "../errors.ts";
import { decodeValue } from "../model/codec.ts";
import { type FieldPath, formatFieldPath, isKeyPath, parseFieldPath } from "../model/field-path.ts";
import { assertSameDatabase, type DatabaseId, parseResourceName, validateSegment } from "../model/path.ts";
import { compareUtf8 } from "../model/strings.ts";
import type { Value } from "../model/values.ts";
import type {
  ProtoCursor,
  ProtoFieldReference,
  ProtoFilter,
  ProtoStructuredQuery,
  ProtoValue,
} from "../proto/types.ts";
import type { Bound, FieldOperator, Filter, OrderBy, Query, UnaryOperator } from "./model.ts";

const FIELD_OPERATORS = new Set<string>([
  "LESS_THAN",
  "LESS_THAN_OR_EQUAL",
  "GREATER_THAN",
  "GREATER_THAN_OR_EQUAL",
  "EQUAL",
  "NOT_EQUAL",
  "ARRAY_CONTAINS",
  "IN",
  "ARRAY_CONTAINS_ANY",
  "NOT_IN",
]);
const UNARY_OPERATORS = new Set<string>(["IS_NAN", "IS_NULL", "IS_NOT_NAN", "IS_NOT_NULL"]);
/** Operators that make a field an inequality field, which orders implicitly. */
const INEQUALITIES = new Set<string>([
  "LESS_THAN",
  "LESS_THAN_OR_EQUAL",
  "GREATER_THAN",
  "GREATER_THAN_OR_EQUAL",
  "NOT_EQUAL",
  "NOT_IN",
  "IS_NOT_NAN",
  "IS_NOT_NULL",
]);
const MAX_DISJUNCTION_VALUES = 30;

function fieldOf(ref: ProtoFieldReference | undefined, what: string): FieldPath {
  if (!ref?.fieldPath) throw invalidArgument(`${what} is missing a field path.`);
  return parseFieldPath(ref.fieldPath);
}

function parseFieldFilter(f: NonNullable<ProtoFilter["fieldFilter"]>): Filter {
  const field = fieldOf(f.field, "A field filter");
  const op = f.op ?? "";
  if (!FIELD_OPERATORS.has(op)) throw invalidArgument(`Unsupported field filter operator "${op}".`);
  if (!f.value) throw invalidArgument(`The filter on "${formatFieldPath(field)}" has no value.`);
  const operator = op as FieldOperator;
  const isList = operator === "IN" || operator === "NOT_IN" || operator === "ARRAY_CONTAINS_ANY";
  const value = isList ? decodeOperandList(f.value) : decodeValue(f.value);
  if (isList) {
    if (value.kind !== "array" || value.values.length === 0) {
      throw invalidArgument(`A filter with ${operator} requires a non-empty array value.`);
    }
    if (value.values.length > MAX_DISJUNCTION_VALUES) {
      throw invalidArgument(`A filter with ${operator} supports at most ${MAX_DISJUNCTION_VALUES} values.`);
    }
  }
  if (isKeyPath(field)) validateKeyFilter(operator, value);
  return { kind: "field", field, op: operator, value };
}

/**
 * The operand of `in`/`not-in`/`array-contains-any`: a list whose elements may themselves be arrays
 * (`in [1, [1, 2]]` matches a field equal to `[1, 2]`). Only stored values forbid nested arrays.
 */
function decodeOperandList(p: ProtoValue): Value {
  if (p.arrayValue === undefined) return decodeValue(p);
  return { kind: "array", values: (p.arrayValue.values ?? []).map((v) => decodeValue(v)) };
}

function validateKeyFilter(op: FieldOperator, value: Value): void {
  if (op === "ARRAY_CONTAINS" || op === "ARRAY_CONTAINS_ANY") {
    throw invalidArgument(`Invalid query: "__name__" cannot be used with ${op}.`);
  }
  const values = op === "IN" || op === "NOT_IN" ? (value.kind === "array" ? value.values : []) : [value];
  for (const v of values) {
    if (v.kind !== "reference")
      throw invalidArgument("__key__ filter value must be a Key (a reference value).");
  }
}

/** Parses a filter tree; composite filters must not be empty. */
export function parseFilter(f: ProtoFilter): Filter {
  if (f.compositeFilter) {
    const op = f.compositeFilter.op;
    if (op !== "AND" && op !== "OR") throw invalidArgument(`Unsupported composite filter operator "${op}".`);
    const filters = (f.compositeFilter.filters ?? []).map(parseFilter);
    if (filters.length === 0) throw invalidArgument("A composite filter must contain at least one filter.");
    return { kind: "composite", op, filters };
  }
  if (f.fieldFilter) return parseFieldFilter(f.fieldFilter);
  if (f.unaryFilter) {
    const op = f.unaryFilter.op ?? "";
    if (!UNARY_OPERATORS.has(op)) throw invalidArgument(`Unsupported unary filter operator "${op}".`);
    return { kind: "unary", field: fieldOf(f.unaryFilter.field, "A unary filter"), op: op as UnaryOperator };
  }
  throw invalidArgument("A filter must set a filter type.");
}

/** The fields carrying inequality filters anywhere in the tree. */
function inequalityFields(filter: Filter | undefined, out: FieldPath[] = []): FieldPath[] {
  if (!filter) return out;
  if (filter.kind === "composite") {
    for (const f of filter.filters) inequalityFields(f, out);
  } else if (INEQUALITIES.has(filter.op)) {
    out.push(filter.field);
  }
  return out;
}

function compareFieldPaths(a: FieldPath, b: FieldPath): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareUtf8(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * Firestore's normalized order: explicit clauses, then inequality fields not yet ordered (in field
 * path order), then `__name__`, each implicit clause in the direction of the last explicit one.
 */
export function normalizeOrderBy(explicit: readonly OrderBy[], filter: Filter | undefined): OrderBy[] {
  const out = [...explicit];
  const seen = new Set(explicit.map((o) => formatFieldPath(o.field)));
  const descending = explicit.length > 0 ? explicit[explicit.length - 1]!.descending : false;
  const inequalities = inequalityFields(filter).sort(compareFieldPaths);
  for (const field of inequalities) {
    const key = formatFieldPath(field);
    if (seen.has(key) || isKeyPath(field)) continue;
    seen.add(key);
    out.push({ field, descending });
  }
  if (!seen.has("__name__")) out.push({ field: ["__name__"], descending });
  return out;
}

/** Whether the filter tree has an equality filter on the document key. */
function hasKeyEquality(filter: Filter | undefined): boolean {
  if (!filter) return false;
  if (filter.kind === "composite") return filter.filters.some(hasKeyEquality);
  return filter.kind === "field" && filter.op === "EQUAL" && isKeyPath(filter.field);
}

/**
 * Production's rules for the key in ordered queries: nothing may be ordered after `__name__`, and an
 * equality on the key cannot be combined with inequalities on other fields alone.
 */
function validateKeyOrdering(orderBy: readonly OrderBy[], filter: Filter | undefined): void {
  const keyAt = orderBy.findIndex((o) => isKeyPath(o.field));
  if (keyAt >= 0 && keyAt < orderBy.length - 1) {
    throw invalidArgument("order by clause cannot contain more fields after the key");
  }
  const inequalities = inequalityFields(filter);
  if (
    hasKeyEquality(filter) &&
    inequalities.some((f) => !isKeyPath(f)) &&
    !inequalities.some((f) => isKeyPath(f))
  ) {
    throw invalidArgument(
      "Equality on key is not allowed if there are other inequality fields and key does not appear in inequalities.",
    );
  }
}

function parseCursor(
  c: ProtoCursor | undefined,
  orderBy: readonly OrderBy[],
  isStart: boolean,
): Bound | undefined {
  if (!c) return undefined;
  const values = (c.values ?? []).map((v) => decodeValue(v));
  if (values.length > orderBy.length) {
    throw invalidArgument(
      "Too many cursor values specified. The specified values must match the orderBy() constraints of the query.",
    );
  }
  values.forEach((v, i) => {
    if (isKeyPath(orderBy[i]!.field) && v.kind !== "reference") {
      throw invalidArgument("The cursor value for __name__ must be a document reference.");
    }
  });
  // start_at.before means "start before these values" (inclusive); end_at.before means exclusive.
  const before = c.before ?? false;
  return { values, inclusive: isStart ? before : !before };
}

function nonNegativeInt(n: number | undefined, what: string): number | undefined {
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < 0) throw invalidArgument(`${what} must be a non-negative integer.`);
  return n;
}

/** Validates a structured query under `parentName` (the `parent` of the request) in `db`. */
export function parseQuery(db: DatabaseId, parentName: string, q: ProtoStructuredQuery): Query {
  const parent = parseResourceName(parentName);
  assertSameDatabase(db, parent.db, parentName);
  if (parent.segments.length % 2 !== 0) {
    throw invalidArgument(`The query parent "${parentName}" must be the documents root or a document.`);
  }
  const from = q.from ?? [];
  if (from.length !== 1) throw invalidArgument("A query must select exactly one collection (from).");
  const selector = from[0]!;
  const collectionId = selector.collectionId ?? "";
  const allDescendants = selector.allDescendants ?? false;
  if (collectionId === "" && !allDescendants)
    throw invalidArgument("A collection query needs a collection id.");
  if (collectionId.includes("/")) throw invalidArgument(`Invalid collection id "${collectionId}".`);
  if (collectionId !== "") validateSegment(collectionId, collectionId);
  if (q.findNearest) throw invalidArgument("Vector search (find_nearest) is not supported by this emulator.");
  const filter = q.where ? parseFilter(q.where) : undefined;
  const explicit: OrderBy[] = (q.orderBy ?? []).map((o) => {
    const dir = o.direction ?? "ASCENDING";
    if (dir !== "ASCENDING" && dir !== "DESCENDING" && dir !== "DIRECTION_UNSPECIFIED") {
      throw invalidArgument(`Unsupported order direction "${dir}".`);
    }
    return { field: fieldOf(o.field, "An order by clause"), descending: dir === "DESCENDING" };
  });
  const orderBy = normalizeOrderBy(explicit, filter);
  validateKeyOrdering(orderBy, filter);
  const limit = q.limit ? nonNegativeInt(q.limit.value ?? 0, "limit") : undefined;
  return {
    parent: parent.segments.join("/"),
    collectionId,
    allDescendants,
    filter,
    orderBy,
    startAt: parseCursor(q.startAt, orderBy, true),
    endAt: parseCursor(q.endAt, orderBy, false),
    offset: nonNegativeInt(q.offset, "offset") ?? 0,
    limit,
    select: q.select ? (q.select.fields ?? []).map((f) => fieldOf(f, "A projection")) : undefined,
  };
}
