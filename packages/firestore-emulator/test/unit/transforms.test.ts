import { describe, expect, it } from "vitest";
import type { Value } from "../../src/model/values.ts";
import { applyTransform } from "../../src/store/transforms.ts";

const int = (n: bigint): Value => ({ kind: "integer", value: n });
const dbl = (n: number): Value => ({ kind: "double", value: n });
const now: Value = { kind: "timestamp", seconds: 1, nanos: 0 };

describe("field transforms", () => {
  it("integer increments saturate at the int64 bounds", () => {
    const max = int(9223372036854775807n);
    expect(applyTransform({ op: "increment", operand: int(1n) }, max, now).value).toEqual(max);
  });

  it("an increment mixing integer and double yields a double", () => {
    expect(applyTransform({ op: "increment", operand: dbl(0.5) }, int(1n), now).value).toEqual(dbl(1.5));
  });

  it("maximum keeps the stored value on a tie of 3 and 3.0, and NaN wins", () => {
    expect(applyTransform({ op: "maximum", operand: dbl(3) }, int(3n), now).value).toEqual(int(3n));
    expect(applyTransform({ op: "maximum", operand: dbl(Number.NaN) }, int(3n), now).value.kind).toBe(
      "double",
    );
  });

  it("minimum takes the operand's type when it is smaller", () => {
    expect(applyTransform({ op: "minimum", operand: dbl(2.5) }, int(3n), now).value).toEqual(dbl(2.5));
  });

  it("array transforms report a null result and treat 1 and 1.0 as equal", () => {
    const arr: Value = { kind: "array", values: [int(1n)] };
    const union = applyTransform({ op: "appendMissingElements", elements: [dbl(1), int(2n)] }, arr, now);
    expect(union.value).toEqual({ kind: "array", values: [int(1n), int(2n)] });
    expect(union.result).toEqual({ kind: "null" });
    expect(applyTransform({ op: "removeAllFromArray", elements: [dbl(1)] }, arr, now).value).toEqual({
      kind: "array",
      values: [],
    });
  });
});
