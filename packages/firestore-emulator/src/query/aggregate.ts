import { invalidArgument } from "../errors.ts";
import type { StoredDocument } from "../model/document.ts";
import { type FieldPath, getField, parseFieldPath } from "../model/field-path.ts";
import { NULL, type Value } from "../model/values.ts";
import type { ProtoStructuredAggregationQuery } from "../proto/types.ts";

/** One validated aggregation with its result alias. */
export type Aggregation =
  | { readonly alias: string; readonly kind: "count"; readonly upTo: number | undefined }
  | { readonly alias: string; readonly kind: "sum" | "avg"; readonly field: FieldPath };

const MAX_AGGREGATIONS = 5;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Validates the aggregations of a RunAggregationQuery request (aliases unique, at most five). */
export function parseAggregations(q: ProtoStructuredAggregationQuery): Aggregation[] {
  const list = q.aggregations ?? [];
  if (list.length === 0) throw invalidArgument("An aggregation query needs at least one aggregation.");
  if (list.length > MAX_AGGREGATIONS)
    throw invalidArgument(
      `The query requested ${list.length} aggregations, but the maximum number of aggregations is ${MAX_AGGREGATIONS}.`,
    );
  const aliases = new Set<string>();
  return list.map((a, i) => {
    const alias = a.alias || `field_${i + 1}`;
    if (aliases.has(alias)) throw invalidArgument(`Duplicate aggregation alias "${alias}".`);
    aliases.add(alias);
    if (a.count) {
      const upTo = a.count.upTo?.value === undefined ? undefined : Number(a.count.upTo.value);
      if (upTo !== undefined && upTo <= 0) throw invalidArgument("count up_to must be positive.");
      return { alias, kind: "count", upTo };
    }
    const spec = a.sum ?? a.avg;
    if (!spec?.field?.fieldPath)
      throw invalidArgument("An aggregation must be count, sum or avg with a field.");
    return { alias, kind: a.sum ? "sum" : "avg", field: parseFieldPath(spec.field.fieldPath) };
  });
}

/**
 * Sums numeric values as Firestore does: integers stay integers until one overflows int64 or a
 * double joins, then the sum is a double. Non-numeric and missing values are ignored.
 */
function sum(values: readonly Value[]): Value {
  let integer = 0n;
  let float = 0;
  let isDouble = false;
  for (const v of values) {
    if (v.kind === "integer") {
      if (isDouble) float += Number(v.value);
      else {
        integer += v.value;
        if (integer > INT64_MAX || integer < INT64_MIN) {
          isDouble = true;
          float = Number(integer);
        }
      }
    } else if (v.kind === "double") {
      if (!isDouble) {
        isDouble = true;
        float = Number(integer);
      }
      float += v.value;
    }
  }
  return isDouble ? { kind: "double", value: float } : { kind: "integer", value: integer };
}

function average(values: readonly Value[]): Value {
  const numbers = values.filter((v) => v.kind === "integer" || v.kind === "double");
  if (numbers.length === 0) return NULL;
  let total = 0;
  for (const v of numbers) total += Number((v as { value: number | bigint }).value);
  return { kind: "double", value: total / numbers.length };
}

/**
 * Computes every aggregation over a query's results. As in production, where sums and averages are
 * served from an index over their fields, only documents holding every summed or averaged field are
 * aggregated, by every aggregation of the request (a `count()` next to `sum("x")` counts documents
 * with `x`).
 */
export function aggregate(
  aggregations: readonly Aggregation[],
  all: readonly StoredDocument[],
): Map<string, Value> {
  const fields = aggregations.flatMap((a) => (a.kind === "count" ? [] : [a.field]));
  const docs = all.filter((d) => fields.every((f) => getField(d.fields, f) !== undefined));
  const out = new Map<string, Value>();
  for (const a of aggregations) {
    if (a.kind === "count") {
      const n = a.upTo === undefined ? docs.length : Math.min(docs.length, a.upTo);
      out.set(a.alias, { kind: "integer", value: BigInt(n) });
      continue;
    }
    const values: Value[] = [];
    for (const d of docs) {
      const v = getField(d.fields, a.field);
      if (v) values.push(v);
    }
    out.set(a.alias, a.kind === "sum" ? sum(values) : average(values));
  }
  return out;
}
