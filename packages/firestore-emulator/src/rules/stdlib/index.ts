import {
  checkedInt,
  Duration,
  LatLng,
  MapDiff,
  type Namespace,
  RuleError,
  RulePath,
  RuleSet,
  type RuleValue,
  Timestamp,
  typeName,
} from "../runtime/values.ts";
import { arity } from "./args.ts";
import { listMethod, mapDiffMethod, mapMethod, setMethod } from "./collections.ts";
import { hashingNamespace } from "./hashing.ts";
import { latlngMethod, latlngNamespace, mathNamespace } from "./math.ts";
import { bytesMethod, stringMethod } from "./strings.ts";
import { durationMethod, durationNamespace, timestampMethod, timestampNamespace } from "./time.ts";

/** The namespaces the standard library provides, by name. */
export const NAMESPACES = ["math", "timestamp", "duration", "latlng", "hashing"] as const;

/** Calls `namespace.name(args)`. */
export function callNamespace(ns: Namespace, name: string, args: readonly RuleValue[]): RuleValue {
  switch (ns.name) {
    case "math":
      return mathNamespace(name, args);
    case "timestamp":
      return timestampNamespace(name, args);
    case "duration":
      return durationNamespace(name, args);
    case "latlng":
      return latlngNamespace(name, args);
    case "hashing":
      return hashingNamespace(name, args);
  }
  throw new RuleError(`Function not found error: Name: [${ns.name}.${name}].`);
}

/** Calls a method on a value of any type; unknown methods are function-not-found errors. */
export function callMethod(receiver: RuleValue, name: string, args: readonly RuleValue[]): RuleValue {
  if (receiver === null) throw new RuleError("Null value error.");
  if (typeof receiver === "string") return stringMethod(receiver, name, args);
  if (receiver instanceof Uint8Array) return bytesMethod(receiver, name, args);
  if (Array.isArray(receiver)) return listMethod(receiver, name, args);
  if (receiver instanceof Map) return mapMethod(receiver, name, args);
  if (receiver instanceof RuleSet) return setMethod(receiver, name, args);
  if (receiver instanceof MapDiff) return mapDiffMethod(receiver, name, args);
  if (receiver instanceof Timestamp) return timestampMethod(receiver, name, args);
  if (receiver instanceof Duration) return durationMethod(receiver, name, args);
  if (receiver instanceof LatLng) return latlngMethod(receiver, name, args);
  if (receiver instanceof RulePath && name === "bind") return bindPath(receiver, args);
  throw new RuleError(`Function not found error: Name: [${name}]. Receiver: ${typeName(receiver)}.`);
}

/** `path.bind(map)`: replaces `$(key)` segments by the map's values. */
function bindPath(p: RulePath, args: readonly RuleValue[]): RuleValue {
  arity("bind", args, 1);
  const m = args[0];
  if (!(m instanceof Map)) throw new RuleError("bind() needs a map.");
  return new RulePath(
    p.segments.map((s) => {
      const match = /^\$\((\w+)\)$/.exec(s);
      if (!match) return s;
      const v = m.get(match[1]!);
      if (typeof v !== "string") throw new RuleError(`bind() has no string for '${match[1]}'.`);
      return v;
    }),
  );
}

/** Java-like text of a float: integral values keep a `.0`. */
function floatText(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  return Number.isInteger(x) && Math.abs(x) < 1e21 ? `${x}.0` : String(x);
}

/** Parses `/a/b/c` (or `a/b/c`) into a path. */
export function parsePath(text: string): RulePath {
  return new RulePath(text.split("/").filter((s) => s !== ""));
}

/** The conversion functions available without a namespace: `int`, `float`, `string`, `path`. */
export function callConversion(name: string, args: readonly RuleValue[]): RuleValue | undefined {
  switch (name) {
    case "int": {
      arity(name, args, 1);
      const v = args[0]!;
      if (typeof v === "bigint") return v;
      if (typeof v === "number") {
        if (!Number.isFinite(v)) throw new RuleError("Cannot convert to int.");
        return checkedInt(BigInt(Math.trunc(v)));
      }
      if (typeof v === "string" && /^[-+]?\d+$/.test(v.trim())) return checkedInt(BigInt(v.trim()));
      throw new RuleError(`Cannot convert ${typeName(v)} to int.`);
    }
    case "float": {
      arity(name, args, 1);
      const v = args[0]!;
      if (typeof v === "number") return v;
      if (typeof v === "bigint") return Number(v);
      if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
      throw new RuleError(`Cannot convert ${typeName(v)} to float.`);
    }
    case "string": {
      arity(name, args, 1);
      const v = args[0]!;
      if (v === null) return "null";
      if (typeof v === "string") return v;
      if (typeof v === "boolean" || typeof v === "bigint") return String(v);
      if (typeof v === "number") return floatText(v);
      if (v instanceof RulePath) return v.toString();
      throw new RuleError(`Cannot convert ${typeName(v)} to string.`);
    }
    case "path": {
      arity(name, args, 1);
      const v = args[0]!;
      if (typeof v !== "string") throw new RuleError("path() needs a string.");
      return parsePath(v);
    }
  }
  return undefined;
}
