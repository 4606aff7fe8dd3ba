import { describe, expect, it } from "vitest";
import { RuleError, RuleSet, Timestamp } from "../../src/rules/runtime/values.ts";
import { evalExpr } from "./fixtures.ts";

/** Each row: an expression that must evaluate to true. */
const TRUE_EXPRESSIONS: [string, string][] = [
  // operators and types
  ["int arithmetic", "1 + 2 * 3 - 4 / 2 == 5"],
  ["int division truncates", "7 / 2 == 3 && -7 / 2 == -3"],
  ["modulo", "7 % 3 == 1"],
  ["float arithmetic", "1.5 + 1.5 == 3.0"],
  ["int equals float of the same value", "1 == 1.0"],
  ["mixed arithmetic is float", "(1 + 0.5) is float"],
  ["string concatenation", "'ab' + 'cd' == 'abcd'"],
  ["different types are unequal, not an error", "1 != '1' && null != false"],
  ["ints and floats differ inside lists", "[1] != [1.0]"],
  ["string order is UTF-16 order", "'a' < 'b' && 'B' < 'a'"],
  ["ternary", "(1 < 2 ? 'y' : 'n') == 'y'"],
  ["negation", "!false && -(3) == -3"],
  ["is int / float / number", "1 is int && 1.0 is float && 1 is number && 1.5 is number"],
  [
    "is string / bool / list / map / null",
    "'a' is string && true is bool && [] is list && {} is map && !(null is map)",
  ],
  ["in on lists", "2 in [1, 2, 3] && !(4 in [1, 2, 3])"],
  ["in on maps tests keys", "'a' in {'a': 1} && !('b' in {'a': 1})"],
  ["list literal equality", "[1, 'a', [true]] == [1, 'a', [true]]"],
  ["map literal equality ignores order", "{'a': 1, 'b': 2} == {'b': 2, 'a': 1}"],
  // strings
  ["size counts UTF-16 code units", "'héllo'.size() == 5 && '😀'.size() == 2"],
  ["matches is a full RE2 match", "'abc123'.matches('[a-z]+[0-9]+') && !'abc123x'.matches('[a-z]+[0-9]+')"],
  ["matches with escapes", "'a.png'.matches('.*\\\\.png') && !'apng'.matches('.*\\\\.png')"],
  ["split by a regular expression", "'a, b,c'.split(',\\\\s*') == ['a', 'b', 'c']"],
  ["lower and upper touch ASCII only", "'AbC'.lower() == 'abc' && 'abc'.upper() == 'ABC'"],
  ["trim", "'  x  '.trim() == 'x'"],
  ["replace with a regular expression", "'a1b22'.replace('[0-9]+', '#') == 'a#b#'"],
  ["string index and slice", "'hello'[1] == 'e' && 'hello'[1:3] == 'el'"],
  ["toUtf8 gives bytes", "'é'.toUtf8().size() == 2"],
  [
    "string() conversions",
    "string(1) == '1' && string(1.0) == '1.0' && string(true) == 'true' && string(null) == 'null'",
  ],
  [
    "int() and float() conversions",
    "int('42') == 42 && int(3.9) == 3 && float(2) == 2.0 && float('1.5') == 1.5",
  ],
  // lists
  ["list size, index and slice", "[1, 2, 3].size() == 3 && [1, 2, 3][0] == 1 && [1, 2, 3][1:] == [2, 3]"],
  [
    "hasAll / hasAny / hasOnly",
    "[1, 2].hasAll([1]) && [1, 2].hasAny([2, 9]) && [1, 2].hasOnly([1, 2, 3]) && ![1, 4].hasOnly([1, 2])",
  ],
  [
    "concat, removeAll, join",
    "[1].concat([2]) == [1, 2] && [1, 2, 1].removeAll([1]) == [2] && ['a', 'b'].join('-') == 'a-b'",
  ],
  ["toSet removes duplicates", "[1, 1, 2].toSet().size() == 2"],
  // maps
  [
    "keys, values, size",
    "{'a': 1}.keys() == ['a'] && {'a': 1}.values() == [1] && {'a': 1, 'b': 2}.size() == 2",
  ],
  ["get with a default", "{'a': 1}.get('b', 7) == 7 && {'a': 1}.get('a', 7) == 1"],
  ["get with a key path", "{'a': {'b': 2}}.get(['a', 'b'], 0) == 2 && {'a': {}}.get(['a', 'b'], 0) == 0"],
  [
    "diff added/removed/changed/affected/unchanged",
    "{'a': 1, 'b': 2, 'c': 3}.diff({'a': 1, 'b': 9, 'd': 4}).addedKeys() == ['c'].toSet() && {'a': 1, 'b': 2, 'c': 3}.diff({'a': 1, 'b': 9, 'd': 4}).removedKeys() == ['d'].toSet() && {'a': 1, 'b': 2, 'c': 3}.diff({'a': 1, 'b': 9, 'd': 4}).changedKeys() == ['b'].toSet() && {'a': 1, 'b': 2, 'c': 3}.diff({'a': 1, 'b': 9, 'd': 4}).affectedKeys() == ['b', 'c', 'd'].toSet() && {'a': 1, 'b': 2}.diff({'a': 1, 'b': 9}).unchangedKeys() == ['a'].toSet()",
  ],
  [
    "affectedKeys().hasOnly guards an update",
    "{'name': 'x', 'age': 2}.diff({'name': 'y', 'age': 2}).affectedKeys().hasOnly(['name'])",
  ],
  // sets
  [
    "set operations",
    "[1, 2].toSet().union([3].toSet()) == [1, 2, 3].toSet() && [1, 2].toSet().intersection([2, 3].toSet()) == [2].toSet() && [1, 2].toSet().difference([2].toSet()) == [1].toSet()",
  ],
  [
    "set membership and has*",
    "1 in [1].toSet() && [1, 2].toSet().hasAll([1]) && [1, 2].toSet().hasAny([2]) && [1].toSet().hasOnly([1, 2])",
  ],
  ["set equality ignores order", "[1, 2].toSet() == [2, 1].toSet()"],
  // timestamps and durations
  [
    "timestamp.date and parts",
    "timestamp.date(2024, 2, 29).year() == 2024 && timestamp.date(2024, 2, 29).month() == 2 && timestamp.date(2024, 2, 29).day() == 29",
  ],
  [
    "dayOfWeek is 1 for Monday",
    "timestamp.date(2024, 1, 1).dayOfWeek() == 1 && timestamp.date(2024, 1, 7).dayOfWeek() == 7",
  ],
  ["dayOfYear", "timestamp.date(2024, 12, 31).dayOfYear() == 366"],
  [
    "timestamp.value and toMillis",
    "timestamp.value(1500).toMillis() == 1500 && timestamp.value(1500).nanos() == 500000000",
  ],
  [
    "hours, minutes, seconds, time, date",
    "timestamp.value(3723000).hours() == 1 && timestamp.value(3723000).minutes() == 2 && timestamp.value(3723000).seconds() == 3 && timestamp.value(3723000).time() == duration.value(3723, 's') && timestamp.value(3723000).date() == timestamp.value(0)",
  ],
  [
    "timestamp + duration and difference",
    "timestamp.value(0) + duration.value(1, 'h') == timestamp.value(3600000) && timestamp.value(5000) - timestamp.value(2000) == duration.value(3, 's')",
  ],
  ["timestamps order", "timestamp.value(1) < timestamp.value(2)"],
  [
    "duration units and parts",
    "duration.value(1, 'w') == duration.value(7, 'd') && duration.value(1500, 'ms').seconds() == 1 && duration.value(1500, 'ms').nanos() == 500000000",
  ],
  [
    "duration.time and abs",
    "duration.time(1, 1, 1, 0) == duration.value(3661, 's') && duration.abs(duration.value(-2, 's')) == duration.value(2, 's')",
  ],
  // latlng, math, hashing
  [
    "latlng parts and distance",
    "latlng.value(1.5, 2.5).latitude() == 1.5 && latlng.value(0, 0).distance(latlng.value(0, 1)) > 111000 && latlng.value(0, 0).distance(latlng.value(0, 1)) < 111400",
  ],
  [
    "math functions",
    "math.abs(-2) == 2 && math.ceil(1.2) == 2 && math.floor(1.8) == 1 && math.round(2.5) == 3 && math.pow(2, 10) == 1024.0 && math.sqrt(9) == 3.0",
  ],
  [
    "math.isNaN and isInfinite",
    "math.isNaN(math.sqrt(-1)) && math.isInfinite(1.0 / 0) && !math.isInfinite(1.0)",
  ],
  ["ceil returns an int", "math.ceil(1.2) is int"],
  [
    "hashing",
    "hashing.sha256('abc').toHexString() == 'BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD' && hashing.md5('abc').toHexString() == '900150983CD24FB0D6963F7D28E17F72' && hashing.crc32('abc').toHexString() == '352441C2' && hashing.crc32c('abc').toHexString() == '364B3FB7'",
  ],
  ["bytes literals and base64", "b'abc'.toBase64() == 'YWJj' && b'abc'.size() == 3"],
  ["paths", "/databases/x/documents/a/b == path('databases/x/documents/a/b') && (/a/b/c)[1] == 'b'"],
  // error absorption
  ["error || true is true", "(1 / 0 == 1) || true"],
  ["true || error is true", "true || (1 / 0 == 1)"],
  ["error && false is false", "!((1 / 0 == 1) && false)"],
  ["false && error is false", "!(false && (1 / 0 == 1))"],
];

/** Each row: an expression whose evaluation is an error (which makes an allow deny). */
const ERROR_EXPRESSIONS: [string, string][] = [
  ["int division by zero", "1 / 0"],
  ["int overflow", "9223372036854775807 + 1"],
  ["undefined map key", "{'a': 1}.b"],
  ["member of null", "null.a"],
  ["list index out of range", "[1][2]"],
  ["unknown method", "'a'.frobnicate()"],
  ["unknown function", "frobnicate()"],
  ["unknown variable", "nobody"],
  ["ordering across types", "1 < 'a'"],
  ["non-bool in &&", "1 && true"],
  ["error && true stays an error", "(1 / 0 == 1) && true"],
  ["error || false stays an error", "(1 / 0 == 1) || false"],
  ["lists do not concatenate with +", "[1] + [2]"],
  ["invalid regular expression", "'a'.matches('(')"],
  ["wrong argument type", "'a'.matches(1)"],
  ["non-bool ternary test", "1 ? 2 : 3"],
  ["in on a string", "'a' in 'abc'"],
  ["bad duration unit", "duration.value(1, 'y')"],
  ["invalid date", "timestamp.date(2023, 2, 29)"],
];

describe("rules expressions", () => {
  it.each(TRUE_EXPRESSIONS)("%s", (_name, source) => {
    expect(evalExpr(source)).toBe(true);
  });

  it.each(ERROR_EXPRESSIONS)("%s is an evaluation error", (_name, source) => {
    expect(() => evalExpr(source)).toThrow(RuleError);
  });

  it("locates a message-less error as evaluation error at L:C", () => {
    try {
      evalExpr("1 + 1 == 2 && {'a': 1}.b");
      throw new Error("expected an error");
    } catch (error) {
      expect((error as RuleError).describe()).toBe("Property b is undefined on object.");
      expect((error as RuleError).at).toEqual(expect.objectContaining({ line: 1 }));
    }
  });

  it("returns sets and timestamps as their types", () => {
    expect(evalExpr("[1].toSet()")).toBeInstanceOf(RuleSet);
    expect(evalExpr("timestamp.value(0)")).toBeInstanceOf(Timestamp);
  });

  it("uses RE2 syntax, not JavaScript's (no lookahead)", () => {
    expect(() => evalExpr("'ab'.matches('a(?=b)b')")).toThrow(RuleError);
  });

  it("stops runaway evaluation at the expression limit", () => {
    const big = Array.from({ length: 600 }, () => "1").join(" + ");
    expect(() => evalExpr(`${big} > 0`)).toThrow(/maximum of 1000 expressions/);
  });
});
