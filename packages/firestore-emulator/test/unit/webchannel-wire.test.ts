import { describe, expect, it } from "vitest";
import {
  frame,
  handshakeArray,
  parseForwardBody,
  parseInitHeaders,
  WireError,
} from "../../src/webchannel/wire.ts";

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe("WebChannel forward bodies", () => {
  it("number each raw JSON message from the offset", () => {
    const batch = parseForwardBody(
      form({ count: "2", ofs: "7", req0___data__: '{"a":1}', req1___data__: '{"b":2}' }),
    );
    expect(batch.maps).toEqual([
      { id: 7, json: '{"a":1}' },
      { id: 8, json: '{"b":2}' },
    ]);
  });

  it("carry the handshake's headers in the body, names lower-cased", () => {
    const batch = parseForwardBody(
      `headers=${encodeURIComponent("Authorization:Bearer t\r\nX-Goog-Api-Client:gl-js/\r\n")}&count=0`,
    );
    expect(batch.headers).toEqual({ authorization: "Bearer t", "x-goog-api-client": "gl-js/" });
    expect(batch.maps).toEqual([]);
  });

  it("skip maps the client marked bad", () => {
    const batch = parseForwardBody(form({ count: "2", ofs: "0", req0_type: "_badmap", req1___data__: "{}" }));
    expect(batch.maps).toEqual([{ id: 1, json: "{}" }]);
  });

  it("treat an empty body (a terminate beacon) as no messages", () => {
    expect(parseForwardBody("").maps).toEqual([]);
  });

  it("reject a missing or absurd count and non-raw messages", () => {
    expect(() => parseForwardBody("foo=bar")).toThrow(WireError);
    expect(() => parseForwardBody(form({ count: "-1" }))).toThrow(WireError);
    expect(() => parseForwardBody(form({ count: "100000" }))).toThrow(WireError);
    expect(() => parseForwardBody(form({ count: "1", ofs: "0", req0_key: "v" }))).toThrow(/sendRawJson/);
  });

  it("reject header lines without a name", () => {
    expect(() => parseInitHeaders(":value\r\n")).toThrow(WireError);
  });
});

describe("WebChannel response framing", () => {
  it("prefixes each chunk with its length in characters", () => {
    expect(frame([[1, ["noop"]]])).toBe('14\n[[1,["noop"]]]');
  });

  it("escapes non-ASCII so the character count is the byte count", () => {
    const chunk = frame([[1, [{ s: "é😀" }]]]);
    const [length, text] = [Number(chunk.split("\n")[0]), chunk.slice(chunk.indexOf("\n") + 1)];
    expect([...text].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    expect(length).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text)).toEqual([[1, [{ s: "é😀" }]]]);
  });

  it("opens with the session id, protocol 8 and the keep-alive interval", () => {
    expect(handshakeArray("SID", 20_000)).toEqual([0, ["c", "SID", "", 8, null, 20_000]]);
  });
});
