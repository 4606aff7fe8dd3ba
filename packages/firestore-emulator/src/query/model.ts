import type { FieldPath } from "../model/field-path.ts";
import type { Value } from "../model/values.ts";

/** Binary operators of field filters, named as in the proto. */
export type FieldOperator =
  | "LESS_THAN"
  | "LESS_THAN_OR_EQUAL"
  | "GREATER_THAN"
  | "GREATER_THAN_OR_EQUAL"
  | "EQUAL"
  | "NOT_EQUAL"
  | "ARRAY_CONTAINS"
  | "IN"
  | "ARRAY_CONTAINS_ANY"
  | "NOT_IN";

/** Unary operators, named as in the proto. */
export type UnaryOperator = "IS_NAN" | "IS_NULL" | "IS_NOT_NAN" | "IS_NOT_NULL";

/** A validated filter tree. */
export type Filter =
  | { readonly kind: "composite"; readonly op: "AND" | "OR"; readonly filters: readonly Filter[] }
  | { readonly kind: "field"; readonly field: FieldPath; readonly op: FieldOperator; readonly value: Value }
  | { readonly kind: "unary"; readonly field: FieldPath; readonly op: UnaryOperator };

/** One ordering clause. */
export interface OrderBy {
  readonly field: FieldPath;
  readonly descending: boolean;
}

/** A cursor: a prefix of order-by values; `inclusive` says whether a document at it is in range. */
export interface Bound {
  readonly values: readonly Value[];
  readonly inclusive: boolean;
}

/** A validated, normalized structured query (order by includes the implicit clauses). */
export interface Query {
  /** Parent path below `documents`: "" for the root, else a document path. */
  readonly parent: string;
  /** Collection id; "" with `allDescendants` means every collection (a kindless query). */
  readonly collectionId: string;
  readonly allDescendants: boolean;
  readonly filter: Filter | undefined;
  readonly orderBy: readonly OrderBy[];
  readonly startAt: Bound | undefined;
  readonly endAt: Bound | undefined;
  readonly offset: number;
  readonly limit: number | undefined;
  /** Projected field paths; undefined returns whole documents. */
  readonly select: readonly FieldPath[] | undefined;
}
