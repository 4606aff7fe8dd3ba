import { describe, expect, it } from "vitest";
import { inlineParameters, literal } from "../../src/db/inline-parameters.ts";

describe("inlineParameters", () => {
  it("writes each $n as an escape-string literal, and NULL for null", () => {
    expect(inlineParameters("SELECT $1::uuid, $2, $1", ["a", null])).toBe("SELECT E'a'::uuid, NULL, E'a'");
  });

  it("tells $1 from $10", () => {
    const params = Array.from({ length: 10 }, (_, i) => String(i + 1));
    expect(inlineParameters("SELECT $10, $1", params)).toBe("SELECT E'10', E'1'");
  });

  it("escapes quotes and backslashes so a value can never end its literal", () => {
    expect(inlineParameters("SELECT $1", ["it's \\'; DROP TABLE x; --"])).toBe(
      "SELECT E'it''s \\\\''; DROP TABLE x; --'",
    );
  });

  it("leaves $n alone inside strings, escape strings, quoted identifiers, comments and dollar quotes", () => {
    const sql = `SELECT '$1', E'\\'$1', "a$1", $q$ $1 $q$, $$ $1 $$ -- $1
      /* $1 /* nested $1 */ $1 */ , $1`;
    expect(inlineParameters(sql, ["v"])).toBe(sql.replace(/, \$1$/, ", E'v'"));
  });

  it("leaves identifiers that contain $ alone", () => {
    expect(inlineParameters("SELECT a$1 FROM t$2 WHERE x = $1", ["v"])).toBe(
      "SELECT a$1 FROM t$2 WHERE x = E'v'",
    );
  });

  it("refuses a second statement, as a prepared statement would", () => {
    expect(() => inlineParameters("DELETE FROM a; DELETE FROM b", [])).toThrow(/multiple commands/);
    expect(inlineParameters("SELECT 1; -- done", [])).toBe("SELECT 1; -- done");
    expect(inlineParameters("SELECT ';'", [])).toBe("SELECT ';'");
  });

  it("refuses a placeholder without a value and unterminated quotes", () => {
    expect(() => inlineParameters("SELECT $2", ["a"])).toThrow(/no parameter \$2/);
    expect(() => inlineParameters("SELECT 'open", [])).toThrow(/unterminated/);
    expect(() => inlineParameters("SELECT $x$ open", [])).toThrow(/unterminated/);
  });
});

describe("literal", () => {
  it("writes numbers, booleans and dates as text literals Postgres resolves by context", () => {
    expect(literal(42)).toBe("E'42'");
    expect(literal(true)).toBe("E'true'");
    expect(literal(new Date("2026-01-02T03:04:05.000Z"))).toBe("E'2026-01-02T03:04:05.000Z'");
  });

  it("refuses the NUL character, which Postgres text cannot hold", () => {
    expect(() => literal("a\0b")).toThrow(/0x00/);
  });
});
