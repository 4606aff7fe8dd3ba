import { formatFieldPath, isKeyPath } from "../../model/field-path.ts";
import type { Value } from "../../model/values.ts";
import type { Filter } from "../../query/model.ts";
import { ruleValueOf } from "../request/model.ts";
import {
  Constraint,
  type ConstraintFilter,
  RuleError,
  type RuleMap,
  type RuleValue,
} from "../runtime/values.ts";

/** At most this many ways are considered; Firestore itself caps disjunctions at 30. */
export const MAX_WAYS = 512;

/** One way a document may satisfy a query's filter: per field its filters, and any `__name__ ==`. */
export interface Way {
  readonly fields: ReadonlyMap<
    string,
    { readonly path: readonly string[]; readonly filters: ConstraintFilter[] }
  >;
  /** A `__name__ ==` filter's reference (full resource name), deciding the way on that document. */
  readonly name: string | undefined;
}

interface Draft {
  fields: Map<string, { path: readonly string[]; filters: ConstraintFilter[] }>;
  name: string | undefined;
}

function single(path: readonly string[], filter: ConstraintFilter): Draft {
  return { fields: new Map([[formatFieldPath(path), { path, filters: [filter] }]]), name: undefined };
}

const EMPTY: Draft = { fields: new Map(), name: undefined };

function merge(a: Draft, b: Draft): Draft {
  const fields = new Map(a.fields);
  for (const [k, v] of b.fields) {
    const existing = fields.get(k);
    fields.set(k, existing ? { path: v.path, filters: [...existing.filters, ...v.filters] } : v);
  }
  return { fields, name: a.name ?? b.name };
}

const OPS: Record<string, ConstraintFilter["op"]> = {
  EQUAL: "EQ",
  NOT_EQUAL: "NEQ",
  LESS_THAN: "LT",
  LESS_THAN_OR_EQUAL: "LTE",
  GREATER_THAN: "GT",
  GREATER_THAN_OR_EQUAL: "GTE",
  ARRAY_CONTAINS: "LIST_CONTAINS",
};

function elements(v: Value): readonly Value[] {
  return v.kind === "array" ? v.values : [];
}

/** The ways of a filter tree: `or`s, and each value of an `in` or `array-contains-any`, give one way each. */
function waysOf(filter: Filter): Draft[] {
  switch (filter.kind) {
    case "composite": {
      if (filter.op === "OR") return filter.filters.flatMap(waysOf);
      let acc: Draft[] = [EMPTY];
      for (const child of filter.filters) {
        const next: Draft[] = [];
        for (const a of acc) for (const b of waysOf(child)) next.push(merge(a, b));
        if (next.length > MAX_WAYS)
          throw new RuleError("The query's filter has too many disjunctions to authorize.");
        acc = next;
      }
      return acc;
    }
    case "unary": {
      const nan: RuleValue = Number.NaN;
      const filters: Record<string, ConstraintFilter> = {
        IS_NULL: { op: "EQ", value: null },
        IS_NAN: { op: "EQ", value: nan },
        IS_NOT_NULL: { op: "NEQ", value: null },
        IS_NOT_NAN: { op: "NEQ", value: nan },
      };
      return [single(filter.field, filters[filter.op]!)];
    }
    case "field": {
      if (isKeyPath(filter.field)) {
        // Only equality with a name decides anything; other name comparisons constrain nothing.
        if (filter.op === "EQUAL" && filter.value.kind === "reference")
          return [{ ...EMPTY, name: filter.value.value }];
        if (filter.op === "IN") {
          return elements(filter.value).map((v) => ({
            ...EMPTY,
            name: v.kind === "reference" ? v.value : undefined,
          }));
        }
        return [EMPTY];
      }
      const path = filter.field;
      switch (filter.op) {
        case "IN":
          return elements(filter.value).map((v) => single(path, { op: "EQ", value: ruleValueOf(v) }));
        case "ARRAY_CONTAINS_ANY":
          return elements(filter.value).map((v) =>
            single(path, { op: "LIST_CONTAINS", value: ruleValueOf(v) }),
          );
        case "NOT_IN": {
          const filters = elements(filter.value).map(
            (v): ConstraintFilter => ({ op: "NEQ", value: ruleValueOf(v) }),
          );
          return [{ fields: new Map([[formatFieldPath(path), { path, filters }]]), name: undefined }];
        }
        default:
          return [single(path, { op: OPS[filter.op]!, value: ruleValueOf(filter.value) })];
      }
    }
  }
}

/** Splits a query's filter into the ways every one of which must be allowed. */
export function queryWays(filter: Filter | undefined): Way[] {
  return filter ? waysOf(filter) : [EMPTY];
}

/**
 * The `resource.data` a way gives: only the filtered fields; a field with one `==` filter holds its
 * value, any other a constraint.
 */
export function wayData(way: Way): RuleMap {
  const root = new Map<string, RuleValue>();
  for (const { path, filters } of way.fields.values()) {
    const value: RuleValue =
      filters.length === 1 && filters[0]!.op === "EQ" ? filters[0]!.value : new Constraint(filters);
    let node = root;
    for (let i = 0; i < path.length - 1; i++) {
      let child = node.get(path[i]!);
      if (!(child instanceof Map)) {
        child = new Map<string, RuleValue>();
        node.set(path[i]!, child);
      }
      node = child as Map<string, RuleValue>;
    }
    node.set(path[path.length - 1]!, value);
  }
  return root;
}
