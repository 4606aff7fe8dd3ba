import {
  MapDiff,
  RuleError,
  type RuleMap,
  RuleSet,
  type RuleValue,
  typeName,
  valuesEqual,
} from "../runtime/values.ts";
import { arity, int, list, map, str } from "./args.ts";

function notFound(name: string): RuleError {
  return new RuleError(`Function not found error: Name: [${name}].`);
}

/** The items of a list or set argument (the set methods take either). */
function items(name: string, v: RuleValue | undefined): readonly RuleValue[] {
  if (v instanceof RuleSet) return v.items;
  return list(name, v);
}

const contains = (xs: readonly RuleValue[], v: RuleValue) => xs.some((x) => valuesEqual(x, v));

function hasAll(xs: readonly RuleValue[], ys: readonly RuleValue[]) {
  return ys.every((y) => contains(xs, y));
}
function hasAny(xs: readonly RuleValue[], ys: readonly RuleValue[]) {
  return ys.some((y) => contains(xs, y));
}
function hasOnly(xs: readonly RuleValue[], ys: readonly RuleValue[]) {
  return xs.every((x) => contains(ys, x));
}

/** Methods of lists. */
export function listMethod(xs: readonly RuleValue[], name: string, args: readonly RuleValue[]): RuleValue {
  switch (name) {
    case "size":
      arity(name, args, 0);
      return BigInt(xs.length);
    case "concat":
      arity(name, args, 1);
      return [...xs, ...list(name, args[0])];
    case "hasAll":
      arity(name, args, 1);
      return hasAll(xs, items(name, args[0]));
    case "hasAny":
      arity(name, args, 1);
      return hasAny(xs, items(name, args[0]));
    case "hasOnly":
      arity(name, args, 1);
      return hasOnly(xs, items(name, args[0]));
    case "join": {
      arity(name, args, 1);
      const sep = str(name, args[0]);
      return xs
        .map((x) => {
          if (typeof x !== "string")
            throw new RuleError(`join() needs a list of strings, found ${typeName(x)}.`);
          return x;
        })
        .join(sep);
    }
    case "removeAll": {
      arity(name, args, 1);
      const drop = list(name, args[0]);
      return xs.filter((x) => !contains(drop, x));
    }
    case "toSet":
      arity(name, args, 0);
      return new RuleSet(xs);
  }
  throw notFound(name);
}

/** `map.get(key, default)`: the key may be a list of keys (a path into nested maps). */
function mapGet(m: RuleMap, key: RuleValue, fallback: RuleValue): RuleValue {
  const keys = Array.isArray(key) ? key : [key];
  let current: RuleValue = m;
  for (const k of keys) {
    if (typeof k !== "string") throw new RuleError("Map keys are strings.");
    if (!(current instanceof Map) || !current.has(k)) return fallback;
    current = current.get(k)!;
  }
  return current;
}

/** Methods of maps. */
export function mapMethod(m: RuleMap, name: string, args: readonly RuleValue[]): RuleValue {
  switch (name) {
    case "size":
      arity(name, args, 0);
      return BigInt(m.size);
    case "keys":
      arity(name, args, 0);
      return [...m.keys()];
    case "values":
      arity(name, args, 0);
      return [...m.values()];
    case "get":
      arity(name, args, 2);
      return mapGet(m, args[0]!, args[1]!);
    case "diff":
      arity(name, args, 1);
      return new MapDiff(m, map(name, args[0]));
  }
  throw notFound(name);
}

/** Methods of sets. */
export function setMethod(s: RuleSet, name: string, args: readonly RuleValue[]): RuleValue {
  switch (name) {
    case "size":
      arity(name, args, 0);
      return BigInt(s.items.length);
    case "hasAll":
      arity(name, args, 1);
      return hasAll(s.items, items(name, args[0]));
    case "hasAny":
      arity(name, args, 1);
      return hasAny(s.items, items(name, args[0]));
    case "hasOnly":
      arity(name, args, 1);
      return hasOnly(s.items, items(name, args[0]));
    case "difference": {
      arity(name, args, 1);
      const other = items(name, args[0]);
      return new RuleSet(s.items.filter((x) => !contains(other, x)));
    }
    case "intersection": {
      arity(name, args, 1);
      const other = items(name, args[0]);
      return new RuleSet(s.items.filter((x) => contains(other, x)));
    }
    case "union":
      arity(name, args, 1);
      return new RuleSet([...s.items, ...items(name, args[0])]);
  }
  throw notFound(name);
}

/**
 * Methods of `a.diff(b)`: added keys are in `a` only, removed keys in `b` only, changed keys in both
 * with different values; affected is added, removed and changed together.
 */
export function mapDiffMethod(d: MapDiff, name: string, args: readonly RuleValue[]): RuleValue {
  arity(name, args, 0);
  const added = [...d.left.keys()].filter((k) => !d.right.has(k));
  const removed = [...d.right.keys()].filter((k) => !d.left.has(k));
  const both = [...d.left.keys()].filter((k) => d.right.has(k));
  const changed = both.filter((k) => !valuesEqual(d.left.get(k)!, d.right.get(k)!));
  const unchanged = both.filter((k) => valuesEqual(d.left.get(k)!, d.right.get(k)!));
  switch (name) {
    case "addedKeys":
      return new RuleSet(added);
    case "removedKeys":
      return new RuleSet(removed);
    case "changedKeys":
      return new RuleSet(changed);
    case "unchangedKeys":
      return new RuleSet(unchanged);
    case "affectedKeys":
      return new RuleSet([...added, ...removed, ...changed]);
  }
  throw notFound(name);
}

/** `list[i]`. */
export function listIndex(xs: readonly RuleValue[], index: RuleValue): RuleValue {
  const i = int("[]", index);
  if (i < 0n || i >= BigInt(xs.length)) throw new RuleError(`Index ${i} out of range.`);
  return xs[Number(i)]!;
}

/** `x[from:to]` on lists and strings (bounds clamp as in Java's subList would not: out of range is an error). */
export function slice<T extends string | readonly RuleValue[]>(
  x: T,
  from: RuleValue | undefined,
  to: RuleValue | undefined,
): T {
  const a = from === undefined ? 0n : int("[:]", from);
  const b = to === undefined ? BigInt(x.length) : int("[:]", to);
  if (a < 0n || b > BigInt(x.length) || a > b) throw new RuleError(`Slice [${a}:${b}] out of range.`);
  return x.slice(Number(a), Number(b)) as T;
}
