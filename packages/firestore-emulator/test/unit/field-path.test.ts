import { describe, expect, it } from "vitest";
import { formatFieldPath, parseFieldPath } from "../../src/model/field-path.ts";

describe("field paths", () => {
  it("splits dotted paths and unquotes backquoted segments", () => {
    expect(parseFieldPath("a.b.c")).toEqual(["a", "b", "c"]);
    expect(parseFieldPath("`a.b`.c")).toEqual(["a.b", "c"]);
    expect(parseFieldPath("`we\\`ird`")).toEqual(["we`ird"]);
  });

  it("rejects empty segments and unterminated quotes with INVALID_ARGUMENT", () => {
    expect(() => parseFieldPath("a..b")).toThrow(expect.objectContaining({ code: 3 }));
    expect(() => parseFieldPath("`open")).toThrow(expect.objectContaining({ code: 3 }));
    expect(() => parseFieldPath("a.")).toThrow(expect.objectContaining({ code: 3 }));
  });

  it("formats simple segments bare and others quoted, round-tripping", () => {
    const path = ["plain", "has space", "back`tick"];
    expect(formatFieldPath(path)).toBe("plain.`has space`.`back\\`tick`");
    expect(parseFieldPath(formatFieldPath(path))).toEqual(path);
  });
});
