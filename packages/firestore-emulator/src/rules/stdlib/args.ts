import { RuleError, type RuleValue, typeName } from "../runtime/values.ts";

/** Checks a call's arity; the official emulator reports a wrong count as a function-not-found error. */
export function arity(name: string, args: readonly RuleValue[], ...counts: number[]): void {
  if (!counts.includes(args.length)) {
    throw new RuleError(`Function not found error: Name: [${name}]. Arguments: ${args.length}.`);
  }
}

function typeError(name: string, expected: string, got: RuleValue): RuleError {
  return new RuleError(
    `Invalid argument provided to call. Function: [${name}], Argument: [${typeName(got)}], expected ${expected}.`,
  );
}

/** An argument that must be a string. */
export function str(name: string, v: RuleValue | undefined): string {
  if (typeof v !== "string") throw typeError(name, "string", v ?? null);
  return v;
}

/** An argument that must be an int. */
export function int(name: string, v: RuleValue | undefined): bigint {
  if (typeof v !== "bigint") throw typeError(name, "int", v ?? null);
  return v;
}

/** An argument that must be a number (int or float), as a float. */
export function num(name: string, v: RuleValue | undefined): number {
  if (typeof v === "bigint") return Number(v);
  if (typeof v !== "number") throw typeError(name, "number", v ?? null);
  return v;
}

/** An argument that must be a list. */
export function list(name: string, v: RuleValue | undefined): readonly RuleValue[] {
  if (!Array.isArray(v)) throw typeError(name, "list", v ?? null);
  return v;
}

/** An argument that must be a map. */
export function map(name: string, v: RuleValue | undefined): ReadonlyMap<string, RuleValue> {
  if (!(v instanceof Map)) throw typeError(name, "map", v ?? null);
  return v;
}
