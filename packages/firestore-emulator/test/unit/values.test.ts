import { describe, expect, it } from "vitest";
import { compareValues, type Value, valuesEqual } from "../../src/model/values.ts";

const int = (n: bigint): Value => ({ kind: "integer", value: n });
const dbl = (n: number): Value => ({ kind: "double", value: n });
const str = (s: string): Value => ({ kind: "string", value: s });

describe("Firestore value order", () => {
  it("compares large integers with doubles exactly", () => {
    expect(compareValues(int(9007199254740993n), dbl(9007199254740992))).toBe(1);
    expect(compareValues(int(3n), dbl(3.5))).toBe(-1);
    expect(compareValues(int(-4n), dbl(-3.5))).toBe(-1);
    expect(compareValues(int(3n), dbl(3))).toBe(0);
  });

  it("puts NaN before every number and equal to itself", () => {
    expect(compareValues(dbl(Number.NaN), dbl(Number.NEGATIVE_INFINITY))).toBe(-1);
    expect(compareValues(dbl(Number.NaN), int(-100n))).toBe(-1);
    expect(valuesEqual(dbl(Number.NaN), dbl(Number.NaN))).toBe(true);
  });

  it("orders strings by UTF-8 bytes, so astral characters follow the rest of the BMP", () => {
    expect(compareValues(str("\uffff"), str("😀"))).toBe(-1);
    expect(compareValues(str("a"), str("ab"))).toBe(-1);
  });

  it("orders arrays element-wise, then by length", () => {
    const arr = (...values: Value[]): Value => ({ kind: "array", values });
    expect(compareValues(arr(int(1n), int(2n)), arr(int(1n), int(3n)))).toBe(-1);
    expect(compareValues(arr(int(1n)), arr(int(1n), int(0n)))).toBe(-1);
  });

  it("orders maps by sorted keys then values, then size", () => {
    const map = (o: Record<string, Value>): Value => ({ kind: "map", fields: new Map(Object.entries(o)) });
    expect(compareValues(map({ a: int(1n) }), map({ b: int(0n) }))).toBe(-1);
    expect(compareValues(map({ a: int(2n) }), map({ a: int(1n), b: int(0n) }))).toBe(1);
  });

  it("orders references by path segments", () => {
    const ref = (p: string): Value => ({ kind: "reference", value: `projects/p/databases/d/documents/${p}` });
    expect(compareValues(ref("a/b"), ref("a/b/c/d"))).toBe(-1);
    expect(compareValues(ref("a-/b"), ref("a/b"))).toBe(1);
  });
});
