import {
  Constraint,
  type ConstraintFilter,
  compareOrdered,
  RuleError,
  type RuleValue,
  valuesEqual,
} from "../runtime/values.ts";

type Relation = "==" | "!=" | "<" | "<=" | ">" | ">=";

const FLIP: Record<Relation, Relation> = {
  "==": "==",
  "!=": "!=",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};

/** An unprovable comparison: an error without a message (never false), as the official emulator has it. */
function unprovable(): RuleError {
  return new RuleError();
}

/** Orders a filter value against a rule value, or undefined when they do not compare. */
function order(filterValue: RuleValue, ruleValue: RuleValue): number | undefined {
  // A float in a filter does not compare with an int in the rule; an int in a filter does compare with a float.
  if (typeof filterValue === "number" && typeof ruleValue === "bigint") return undefined;
  try {
    const c = compareOrdered(filterValue, ruleValue, "<");
    return Number.isNaN(c) ? undefined : c;
  } catch {
    return undefined;
  }
}

/** Whether one filter alone implies `field rel value`. */
function implies(f: ConstraintFilter, rel: Relation, value: RuleValue): boolean {
  if (f.op === "LIST_CONTAINS") return false;
  if (f.op === "NEQ") return rel === "!=" && valuesEqual(f.value, value);
  const c = order(f.value, value);
  if (c === undefined) return false;
  switch (f.op) {
    case "EQ":
      return rel === "=="
        ? c === 0
        : rel === "!="
          ? c !== 0
          : rel === "<"
            ? c < 0
            : rel === "<="
              ? c <= 0
              : rel === ">"
                ? c > 0
                : c >= 0;
    case "GT":
      return (rel === ">" || rel === ">=" || rel === "!=") && c >= 0;
    case "GTE":
      return rel === ">=" ? c >= 0 : (rel === ">" || rel === "!=") && c > 0;
    case "LT":
      return (rel === "<" || rel === "<=" || rel === "!=") && c <= 0;
    case "LTE":
      return rel === "<=" ? c <= 0 : (rel === "<" || rel === "!=") && c < 0;
  }
}

/**
 * A comparison where one side is a list query's constraint: true when one of its filters implies
 * it, otherwise an error. `constraint != null` always holds.
 */
export function compareConstraint(rel: Relation, left: RuleValue, right: RuleValue): boolean {
  if (left instanceof Constraint && right instanceof Constraint) throw unprovable();
  const [c, value, r] =
    left instanceof Constraint ? [left, right, rel] : [right as Constraint, left, FLIP[rel]];
  if (r === "!=" && value === null) return true;
  if (c.filters.some((f) => implies(f, r, value))) return true;
  throw unprovable();
}

/** `value in constraint`: holds when the filters include `array-contains value`. */
export function constraintContains(c: Constraint, value: RuleValue): boolean {
  if (c.filters.some((f) => f.op === "LIST_CONTAINS" && valuesEqual(f.value, value))) return true;
  throw unprovable();
}

/** `constraint.hasAny(list)`: whether it has `array-contains` one of the items. */
export function constraintHasAny(c: Constraint, items: readonly RuleValue[]): boolean {
  return c.filters.some((f) => f.op === "LIST_CONTAINS" && items.some((v) => valuesEqual(f.value, v)));
}
