import type { StoredDocument } from "../model/document.ts";
import { getField, isKeyPath } from "../model/field-path.ts";
import { lastSegment, parentOf } from "../model/path.ts";
import {
  compareReferences,
  compareValues,
  isNaNValue,
  typeOrder,
  type Value,
  valuesEqual,
} from "../model/values.ts";
import type { Bound, Filter, OrderBy, Query } from "./model.ts";

/** Whether a document lies in the query's scope: its collection, or for collection groups any below. */
export function inScope(q: Query, path: string): boolean {
  const collection = parentOf(path);
  if (!q.allDescendants) {
    return collection === (q.parent === "" ? q.collectionId : `${q.parent}/${q.collectionId}`);
  }
  if (q.parent !== "" && !collection.startsWith(`${q.parent}/`)) return false;
  return q.collectionId === "" || lastSegment(collection) === q.collectionId;
}

function compareKey(doc: StoredDocument, reference: Value): number {
  return reference.kind === "reference" ? compareReferences(doc.name, reference.value) : 1;
}

function matchesFieldFilter(f: Extract<Filter, { kind: "field" }>, doc: StoredDocument): boolean {
  if (isKeyPath(f.field)) {
    if (f.op === "IN")
      return f.value.kind === "array" && f.value.values.some((v) => compareKey(doc, v) === 0);
    if (f.op === "NOT_IN")
      return f.value.kind === "array" && !f.value.values.some((v) => compareKey(doc, v) === 0);
    return matchesComparison(f.op, compareKey(doc, f.value));
  }
  const actual = getField(doc.fields, f.field);
  if (actual === undefined) return false;
  switch (f.op) {
    case "ARRAY_CONTAINS":
      return actual.kind === "array" && actual.values.some((v) => valuesEqual(v, f.value));
    case "ARRAY_CONTAINS_ANY": {
      const wanted = matchableOperands(f.value);
      return actual.kind === "array" && actual.values.some((v) => wanted.some((w) => valuesEqual(v, w)));
    }
    case "IN":
      return matchableOperands(f.value).some((w) => valuesEqual(actual, w));
    case "NOT_IN":
      // A null in the list matches nothing; documents whose value is null never match.
      if (f.value.kind !== "array" || f.value.values.some((w) => w.kind === "null")) return false;
      return actual.kind !== "null" && !f.value.values.some((w) => valuesEqual(actual, w));
    case "NOT_EQUAL":
      // `!=` crosses types but excludes null values (and, like every filter, missing fields).
      return actual.kind !== "null" && compareValues(actual, f.value) !== 0;
    case "EQUAL":
      // Equality only matches values of the same type order (3 and 3.0 are both numbers).
      return typeOrder(actual) === typeOrder(f.value) && compareValues(actual, f.value) === 0;
    default:
      // Ranges: the same type order, and NaN is not less or greater than anything.
      if (isNaNValue(actual) || isNaNValue(f.value)) return false;
      return (
        typeOrder(actual) === typeOrder(f.value) && matchesComparison(f.op, compareValues(actual, f.value))
      );
  }
}

/** The operands of `in`/`array-contains-any` that can match: null and NaN never equal a stored value. */
function matchableOperands(operand: Value): readonly Value[] {
  if (operand.kind !== "array") return [];
  return operand.values.filter((w) => w.kind !== "null" && !isNaNValue(w));
}

function matchesComparison(op: string, c: number): boolean {
  switch (op) {
    case "LESS_THAN":
      return c < 0;
    case "LESS_THAN_OR_EQUAL":
      return c <= 0;
    case "GREATER_THAN":
      return c > 0;
    case "GREATER_THAN_OR_EQUAL":
      return c >= 0;
    case "EQUAL":
      return c === 0;
    case "NOT_EQUAL":
      return c !== 0;
    default:
      return false;
  }
}

/** Whether a document satisfies a filter tree. */
export function matchesFilter(filter: Filter, doc: StoredDocument): boolean {
  switch (filter.kind) {
    case "composite":
      return filter.op === "AND"
        ? filter.filters.every((f) => matchesFilter(f, doc))
        : filter.filters.some((f) => matchesFilter(f, doc));
    case "field":
      return matchesFieldFilter(filter, doc);
    case "unary": {
      const v = getField(doc.fields, filter.field);
      switch (filter.op) {
        case "IS_NAN":
          return isNaNValue(v);
        case "IS_NULL":
          return v?.kind === "null";
        case "IS_NOT_NAN":
          return v !== undefined && v.kind !== "null" && !isNaNValue(v);
        case "IS_NOT_NULL":
          return v !== undefined && v.kind !== "null";
      }
    }
  }
}

/** Compares two documents by the query's (normalized) order. */
export function compareDocuments(orderBy: readonly OrderBy[], a: StoredDocument, b: StoredDocument): number {
  for (const o of orderBy) {
    let c: number;
    if (isKeyPath(o.field)) c = compareReferences(a.name, b.name);
    else c = compareValues(getField(a.fields, o.field)!, getField(b.fields, o.field)!);
    if (c !== 0) return o.descending ? -c : c;
  }
  return 0;
}

/** Compares a cursor position with a document: negative when the cursor sorts first. */
function compareBound(bound: Bound, orderBy: readonly OrderBy[], doc: StoredDocument): number {
  for (let i = 0; i < bound.values.length; i++) {
    const o = orderBy[i]!;
    const v = bound.values[i]!;
    let c: number;
    if (isKeyPath(o.field)) c = v.kind === "reference" ? compareReferences(v.value, doc.name) : -1;
    else c = compareValues(v, getField(doc.fields, o.field)!);
    if (o.descending) c = -c;
    if (c !== 0) return c;
  }
  return 0;
}

/** Whether a document lies between the query's cursors. */
export function withinBounds(q: Query, doc: StoredDocument): boolean {
  if (q.startAt) {
    const c = compareBound(q.startAt, q.orderBy, doc);
    if (q.startAt.inclusive ? c > 0 : c >= 0) return false;
  }
  if (q.endAt) {
    const c = compareBound(q.endAt, q.orderBy, doc);
    if (q.endAt.inclusive ? c < 0 : c <= 0) return false;
  }
  return true;
}

/**
 * Whether a document belongs to the query's results before offset and limit: in scope, has every
 * ordered field (Firestore excludes documents missing one), passes the filters and the cursors.
 */
export function matchesQuery(q: Query, doc: StoredDocument): boolean {
  if (!inScope(q, doc.path)) return false;
  for (const o of q.orderBy) {
    if (!isKeyPath(o.field) && getField(doc.fields, o.field) === undefined) return false;
  }
  if (q.filter && !matchesFilter(q.filter, doc)) return false;
  return withinBounds(q, doc);
}

/** Runs a query over candidate documents: match, sort, then offset and limit. */
export function executeQuery(q: Query, candidates: Iterable<StoredDocument>): StoredDocument[] {
  const matched: StoredDocument[] = [];
  for (const doc of candidates) if (matchesQuery(q, doc)) matched.push(doc);
  matched.sort((a, b) => compareDocuments(q.orderBy, a, b));
  const end = q.limit === undefined ? undefined : q.offset + q.limit;
  return q.offset === 0 && end === undefined ? matched : matched.slice(q.offset, end);
}
