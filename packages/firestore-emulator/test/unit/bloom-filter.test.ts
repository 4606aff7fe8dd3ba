import { describe, expect, it } from "vitest";
import { bloomFilterMightContain, bloomFilterOf } from "../../src/listen/bloom-filter.ts";

const names = (n: number, prefix = "projects/p/databases/(default)/documents/c/") =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("bloom filter of document names", () => {
  it("contains every member", () => {
    const members = names(500);
    const filter = bloomFilterOf(members);
    expect(members.every((m) => bloomFilterMightContain(filter, m))).toBe(true);
  });

  it("rejects most non-members (about 1% false positives)", () => {
    const filter = bloomFilterOf(names(500));
    const others = names(2000, "projects/p/databases/(default)/documents/other/");
    const falsePositives = others.filter((m) => bloomFilterMightContain(filter, m)).length;
    expect(falsePositives).toBeLessThan(60);
  });

  it("encodes an empty set as an empty bitmap with no hashes, which the SDKs accept", () => {
    expect(bloomFilterOf([])).toEqual({ bits: { bitmap: Buffer.alloc(0), padding: 0 }, hashCount: 0 });
  });

  it("keeps padding below 8 bits", () => {
    for (const n of [1, 3, 17, 99]) {
      const { bits } = bloomFilterOf(names(n));
      expect(bits.padding).toBeGreaterThanOrEqual(0);
      expect(bits.padding).toBeLessThan(8);
    }
  });
});
