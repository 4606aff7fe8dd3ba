import { checkedInt, LatLng, RuleError, type RuleValue } from "../runtime/values.ts";
import { arity, num } from "./args.ts";

function toInt(x: number): bigint {
  if (!Number.isFinite(x)) throw new RuleError("Cannot convert a non-finite number to int.");
  return checkedInt(BigInt(x));
}

/** The `math` namespace. `ceil`, `floor` and `round` return ints; `pow` and `sqrt` floats. */
export function mathNamespace(name: string, args: readonly RuleValue[]): RuleValue {
  switch (name) {
    case "abs": {
      arity(name, args, 1);
      const v = args[0];
      if (typeof v === "bigint") return checkedInt(v < 0n ? -v : v);
      return Math.abs(num(name, v));
    }
    case "ceil":
      arity(name, args, 1);
      return toInt(Math.ceil(num(name, args[0])));
    case "floor":
      arity(name, args, 1);
      return toInt(Math.floor(num(name, args[0])));
    case "round": {
      arity(name, args, 1);
      // Half away from zero, like Java's Math.round for positives and rules' documented examples.
      const x = num(name, args[0]);
      return toInt(Math.sign(x) * Math.round(Math.abs(x)));
    }
    case "isInfinite": {
      arity(name, args, 1);
      const x = num(name, args[0]);
      return x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY;
    }
    case "isNaN":
      arity(name, args, 1);
      return Number.isNaN(num(name, args[0]));
    case "pow":
      arity(name, args, 2);
      return num(name, args[0]) ** num(name, args[1]);
    case "sqrt":
      arity(name, args, 1);
      return Math.sqrt(num(name, args[0]));
  }
  throw new RuleError(`Function not found error: Name: [math.${name}].`);
}

/** The `latlng` namespace: `latlng.value(lat, lng)`. */
export function latlngNamespace(name: string, args: readonly RuleValue[]): RuleValue {
  if (name === "value") {
    arity(name, args, 2);
    return new LatLng(num(name, args[0]), num(name, args[1]));
  }
  throw new RuleError(`Function not found error: Name: [latlng.${name}].`);
}

/** Mean earth radius in meters (assumed; production's constant is not documented). */
const EARTH_RADIUS_M = 6_371_000;

/** Methods of latlng values: `distance(other)` in meters (haversine), `latitude()`, `longitude()`. */
export function latlngMethod(p: LatLng, name: string, args: readonly RuleValue[]): RuleValue {
  switch (name) {
    case "latitude":
      arity(name, args, 0);
      return p.lat;
    case "longitude":
      arity(name, args, 0);
      return p.lng;
    case "distance": {
      arity(name, args, 1);
      const q = args[0];
      if (!(q instanceof LatLng)) throw new RuleError("distance() needs a latlng.");
      const rad = Math.PI / 180;
      const dLat = (q.lat - p.lat) * rad;
      const dLng = (q.lng - p.lng) * rad;
      const h =
        Math.sin(dLat / 2) ** 2 + Math.cos(p.lat * rad) * Math.cos(q.lat * rad) * Math.sin(dLng / 2) ** 2;
      return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
    }
  }
  throw new RuleError(`Function not found error: Name: [${name}].`);
}
