import { checkedInt, Duration, RuleError, type RuleValue, Timestamp } from "../runtime/values.ts";
import { arity, int, str } from "./args.ts";

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;
const NS_PER_DAY = 86_400n * NS_PER_S;

const UNITS: Record<string, bigint> = {
  w: 7n * NS_PER_DAY,
  d: NS_PER_DAY,
  h: 3600n * NS_PER_S,
  m: 60n * NS_PER_S,
  s: NS_PER_S,
  ms: NS_PER_MS,
  ns: 1n,
};

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** The UTC calendar date of a timestamp, as a JS Date at millisecond precision. */
function utc(t: Timestamp): Date {
  return new Date(Number(floorDiv(t.nanos, NS_PER_MS)));
}

/** `timestamp.date(y, m, d)` and `timestamp.value(epochMillis)`. */
export function timestampNamespace(name: string, args: readonly RuleValue[]): RuleValue {
  switch (name) {
    case "date": {
      arity(name, args, 3);
      const [y, m, d] = [int(name, args[0]), int(name, args[1]), int(name, args[2])];
      if (m < 1n || m > 12n || d < 1n || d > 31n) throw new RuleError("Invalid date.");
      const date = new Date(0);
      date.setUTCFullYear(Number(y), Number(m) - 1, Number(d));
      if (date.getUTCMonth() !== Number(m) - 1) throw new RuleError("Invalid date.");
      return new Timestamp(BigInt(date.getTime()) * NS_PER_MS);
    }
    case "value":
      arity(name, args, 1);
      return new Timestamp(int(name, args[0]) * NS_PER_MS);
  }
  throw new RuleError(`Function not found error: Name: [timestamp.${name}].`);
}

/** `duration.value(n, unit)`, `duration.time(h, m, s, ns)`, `duration.abs(d)`. */
export function durationNamespace(name: string, args: readonly RuleValue[]): RuleValue {
  switch (name) {
    case "value": {
      arity(name, args, 2);
      const unit = UNITS[str(name, args[1])];
      if (unit === undefined) throw new RuleError(`Invalid duration unit '${String(args[1])}'.`);
      return new Duration(int(name, args[0]) * unit);
    }
    case "time": {
      arity(name, args, 4);
      const [h, m, s, ns] = args.map((a) => int(name, a)) as [bigint, bigint, bigint, bigint];
      return new Duration(h * UNITS.h! + m * UNITS.m! + s * NS_PER_S + ns);
    }
    case "abs": {
      arity(name, args, 1);
      const d = args[0];
      if (!(d instanceof Duration)) throw new RuleError("duration.abs() needs a duration.");
      return new Duration(d.nanos < 0n ? -d.nanos : d.nanos);
    }
  }
  throw new RuleError(`Function not found error: Name: [duration.${name}].`);
}

/** Methods of timestamps (all in UTC). */
export function timestampMethod(t: Timestamp, name: string, args: readonly RuleValue[]): RuleValue {
  arity(name, args, 0);
  const date = utc(t);
  const inDay = t.nanos - floorDiv(t.nanos, NS_PER_DAY) * NS_PER_DAY;
  switch (name) {
    case "date":
      return new Timestamp(t.nanos - inDay);
    case "year":
      return BigInt(date.getUTCFullYear());
    case "month":
      return BigInt(date.getUTCMonth() + 1);
    case "day":
      return BigInt(date.getUTCDate());
    case "dayOfWeek":
      // 1 is Monday, 7 is Sunday (ISO 8601).
      return BigInt(((date.getUTCDay() + 6) % 7) + 1);
    case "dayOfYear": {
      const start = Date.UTC(date.getUTCFullYear(), 0, 1);
      const today = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
      return BigInt((today - start) / 86_400_000 + 1);
    }
    case "hours":
      return BigInt(date.getUTCHours());
    case "minutes":
      return BigInt(date.getUTCMinutes());
    case "seconds":
      return BigInt(date.getUTCSeconds());
    case "nanos":
      return t.nanos - floorDiv(t.nanos, NS_PER_S) * NS_PER_S;
    case "time":
      return new Duration(inDay);
    case "toMillis":
      return floorDiv(t.nanos, NS_PER_MS);
  }
  throw new RuleError(`Function not found error: Name: [${name}].`);
}

/** Methods of durations: whole seconds and the nanosecond remainder. */
export function durationMethod(d: Duration, name: string, args: readonly RuleValue[]): RuleValue {
  arity(name, args, 0);
  switch (name) {
    case "seconds":
      return d.nanos / NS_PER_S;
    case "nanos":
      return d.nanos % NS_PER_S;
  }
  throw new RuleError(`Function not found error: Name: [${name}].`);
}

/** `+` and `-` between timestamps and durations; undefined when the operands are of other types. */
export function timeArithmetic(op: "+" | "-", a: RuleValue, b: RuleValue): RuleValue | undefined {
  if (a instanceof Timestamp && b instanceof Duration)
    return new Timestamp(op === "+" ? a.nanos + b.nanos : a.nanos - b.nanos);
  if (op === "+" && a instanceof Duration && b instanceof Timestamp) return new Timestamp(a.nanos + b.nanos);
  if (op === "-" && a instanceof Timestamp && b instanceof Timestamp) return new Duration(a.nanos - b.nanos);
  if (a instanceof Duration && b instanceof Duration) {
    return new Duration(checkedInt(op === "+" ? a.nanos + b.nanos : a.nanos - b.nanos));
  }
  return undefined;
}
