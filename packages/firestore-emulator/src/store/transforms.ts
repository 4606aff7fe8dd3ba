import { compareNumbers, isNaNValue, isNumber, NULL, type Value, valuesEqual } from "../model/values.ts";

/** A field transform, validated. */
export type TransformOp =
  | { readonly op: "serverTimestamp" }
  | { readonly op: "increment" | "maximum" | "minimum"; readonly operand: Value }
  | { readonly op: "appendMissingElements" | "removeAllFromArray"; readonly elements: readonly Value[] };

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

function asDouble(v: Value): number {
  return v.kind === "integer" ? Number(v.value) : v.kind === "double" ? v.value : Number.NaN;
}

/** Integer addition saturates at the int64 bounds; any double makes the result a double. */
function increment(previous: Value | undefined, operand: Value): Value {
  if (!isNumber(previous)) return operand;
  if (previous.kind === "integer" && operand.kind === "integer") {
    const sum = previous.value + operand.value;
    return { kind: "integer", value: sum > INT64_MAX ? INT64_MAX : sum < INT64_MIN ? INT64_MIN : sum };
  }
  return { kind: "double", value: asDouble(previous) + asDouble(operand) };
}

/** Max/min keep the stored value on ties (3 vs 3.0, 0 vs -0.0); NaN wins over any number. */
function extreme(previous: Value | undefined, operand: Value, wantLarger: boolean): Value {
  if (!isNumber(previous)) return operand;
  if (isNaNValue(previous)) return previous;
  if (isNaNValue(operand)) return operand;
  const c = compareNumbers(operand, previous);
  return (wantLarger ? c > 0 : c < 0) ? operand : previous;
}

/**
 * Applies one transform to the field's previous value. Returns the new field value and the
 * transform result Firestore reports (null for array transforms).
 */
export function applyTransform(
  t: TransformOp,
  previous: Value | undefined,
  commitTime: Value,
): { value: Value; result: Value } {
  switch (t.op) {
    case "serverTimestamp":
      return { value: commitTime, result: commitTime };
    case "increment": {
      const value = increment(previous, t.operand);
      return { value, result: value };
    }
    case "maximum":
    case "minimum": {
      const value = extreme(previous, t.operand, t.op === "maximum");
      return { value, result: value };
    }
    case "appendMissingElements": {
      const values = previous?.kind === "array" ? [...previous.values] : [];
      for (const e of t.elements) if (!values.some((v) => valuesEqual(v, e))) values.push(e);
      return { value: { kind: "array", values }, result: NULL };
    }
    case "removeAllFromArray": {
      const base = previous?.kind === "array" ? previous.values : [];
      const values = base.filter((v) => !t.elements.some((e) => valuesEqual(v, e)));
      return { value: { kind: "array", values }, result: NULL };
    }
  }
}
