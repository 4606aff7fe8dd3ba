import { describe, expect, it } from "vitest";
import { checkWalk, normalizeId, samePage, seenAtCursor, tieCursorIndex } from "../../feed/lib/exactness.ts";

const row = (id: string, createdAt: string) => ({ id, createdAt });

describe("feed exactness checks", () => {
  it("normalizes uuid spellings", () => {
    expect(normalizeId("AB-cd")).toBe("abcd");
  });

  it("compares pages by id and order", () => {
    expect(samePage(["a-1", "b"], ["a1", "B"])).toBe(true);
    expect(samePage(["a", "b"], ["b", "a"])).toBe(false);
    expect(samePage(["a"], ["a", "b"])).toBe(false);
  });

  it("finds gaps, repeats and strangers in a walk", () => {
    expect(checkWalk(["a", "b", "c"], [["a", "b"], ["c"], []])).toEqual({
      exact: true,
      missing: 0,
      duplicates: 0,
      unexpected: 0,
    });
    expect(
      checkWalk(
        ["a", "b", "c"],
        [
          ["a", "b"],
          ["b", "x"],
        ],
      ),
    ).toEqual({
      exact: false,
      missing: 1,
      duplicates: 1,
      unexpected: 1,
    });
  });

  it("lists the ids a typed cursor must exclude at its timestamp", () => {
    const rows = [row("a", "t3"), row("b", "t2"), row("c", "t2"), row("d", "t2"), row("e", "t1")];
    expect(seenAtCursor(rows, 2)).toEqual(["b", "c"]);
    expect(seenAtCursor(rows, 0)).toEqual(["a"]);
    expect(seenAtCursor(rows, 9)).toEqual([]);
  });

  it("finds a cursor that splits a tie", () => {
    const rows = [row("a", "t3"), row("b", "t2"), row("c", "t2"), row("e", "t1")];
    expect(tieCursorIndex(rows, 0)).toBe(1);
    expect(tieCursorIndex(rows, 2)).toBe(-1);
  });
});
