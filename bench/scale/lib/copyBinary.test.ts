import { expect, it } from "vitest";
import { BinaryRows } from "./copyBinary.ts";

it("writes PGCOPY's header once, then rows of length-prefixed values, and the -1 trailer", () => {
  const rows = new BinaryRows();
  rows.row(4).text("hé").int4(-2).bool(true).null();
  const first = rows.take();
  rows.row(1).timestampSeconds(946_684_800 + 1); // 2000-01-01T00:00:01Z: one second after Postgres' epoch
  const second = rows.take();
  expect(first.subarray(0, 11).toString("latin1")).toBe("PGCOPY\n\xff\r\n\0");
  const body = first.subarray(19);
  expect(body.readInt16BE(0)).toBe(4);
  expect(body.readInt32BE(2)).toBe(3); // "hé" is three UTF-8 bytes
  expect(body.subarray(6, 9).toString("utf8")).toBe("hé");
  expect(body.readInt32BE(9)).toBe(4);
  expect(body.readInt32BE(13)).toBe(-2);
  expect([body.readInt32BE(17), body[21]]).toEqual([1, 1]);
  expect(body.readInt32BE(22)).toBe(-1);
  // Later chunks carry rows only; a timestamp is microseconds since 2000-01-01 as int64.
  expect(second.readInt16BE(0)).toBe(1);
  expect(second.readInt32BE(2)).toBe(8);
  expect(second.readBigInt64BE(6)).toBe(1_000_000n);
  expect(BinaryRows.trailer().readInt16BE(0)).toBe(-1);
});

it("encodes timestamps before 2000 and far after it exactly", () => {
  for (const seconds of [0, 946_684_799, 1_767_225_600, 4_102_444_800]) {
    const rows = new BinaryRows();
    rows.take();
    rows.timestampSeconds(seconds);
    expect(rows.take().readBigInt64BE(4)).toBe(BigInt(seconds - 946_684_800) * 1_000_000n);
  }
});
