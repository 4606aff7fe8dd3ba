import { describe, expect, it } from "vitest";
import { parseJsonBody } from "../../src/protocol/body.ts";

describe("parseJsonBody", () => {
  it("parses the body as JSON", () => {
    expect(parseJsonBody(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
  });

  it("reads an empty body as an empty object, so validation names what is missing", () => {
    expect(parseJsonBody(Buffer.alloc(0))).toEqual({});
  });

  it("refuses malformed JSON as INVALID_ARGUMENT", () => {
    expect(() => parseJsonBody(Buffer.from("{nope"))).toThrow(
      expect.objectContaining({
        status: "INVALID_ARGUMENT",
        message: expect.stringContaining("not valid JSON"),
      }),
    );
  });
});
