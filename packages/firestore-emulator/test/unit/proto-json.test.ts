import { describe, expect, it } from "vitest";
import { FirestoreError } from "../../src/errors.ts";
import { messageFromJson, messageToJson } from "../../src/proto/json.ts";
import { firestoreMethod, firestoreProtos } from "../../src/proto/load.ts";

const root = firestoreProtos();
const Value = root.lookupType("google.firestore.v1.Value");
const Write = root.lookupType("google.firestore.v1.Write");
const Target = root.lookupType("google.firestore.v1.Target");
const ListenResponse = root.lookupType("google.firestore.v1.ListenResponse");

describe("proto3 JSON requests", () => {
  it("decode to the shapes the gRPC handlers receive", () => {
    expect(messageFromJson(Value, { integerValue: "9223372036854775807" })).toEqual({
      integerValue: "9223372036854775807",
    });
    expect(messageFromJson(Value, { integerValue: 5 })).toEqual({ integerValue: "5" });
    expect(messageFromJson(Value, { doubleValue: "NaN" }).doubleValue).toBeNaN();
    expect(messageFromJson(Value, { doubleValue: "-Infinity" })).toEqual({
      doubleValue: Number.NEGATIVE_INFINITY,
    });
    expect(messageFromJson(Value, { bytesValue: "AP7/" })).toEqual({
      bytesValue: Buffer.from([0, 254, 255]),
    });
    expect(messageFromJson(Value, { bytesValue: "AP7_" })).toEqual({
      bytesValue: Buffer.from([0, 254, 255]),
    });
    expect(messageFromJson(Value, { nullValue: null })).toEqual({ nullValue: "NULL_VALUE" });
    expect(messageFromJson(Value, { nullValue: "NULL_VALUE" })).toEqual({ nullValue: "NULL_VALUE" });
  });

  it("read RFC 3339 timestamps with any fraction and offset", () => {
    expect(messageFromJson(Value, { timestampValue: "2024-02-29T12:00:00.123456789Z" })).toEqual({
      timestampValue: { seconds: "1709208000", nanos: 123456789 },
    });
    expect(messageFromJson(Value, { timestampValue: "2024-02-29T14:00:00.5+02:00" })).toEqual({
      timestampValue: { seconds: "1709208000", nanos: 500000000 },
    });
    expect(messageFromJson(Value, { timestampValue: "0001-01-01T00:00:00Z" })).toEqual({
      timestampValue: { seconds: "-62135596800", nanos: 0 },
    });
  });

  it("take wrapper types as bare values, enums by name or number, snake_case names", () => {
    expect(messageFromJson(Target, { target_id: 4, expectedCount: 3, resumeToken: "AQ==" })).toEqual({
      targetId: 4,
      expectedCount: { value: 3 },
      resumeToken: Buffer.from([1]),
    });
    const q = messageFromJson(root.lookupType("google.firestore.v1.StructuredQuery"), {
      orderBy: [{ field: { fieldPath: "a" }, direction: 2 }],
      limit: 10,
    });
    expect(q).toEqual({
      orderBy: [{ field: { fieldPath: "a" }, direction: "DESCENDING" }],
      limit: { value: 10 },
    });
  });

  it("keep a field named __proto__ as an ordinary map entry", () => {
    const decoded = messageFromJson(
      Write,
      JSON.parse('{"update":{"fields":{"__proto__":{"stringValue":"x"}}}}'),
    );
    const fields = (decoded.update as { fields: Record<string, unknown> }).fields;
    expect(Object.keys(fields)).toEqual(["__proto__"]);
    expect(Object.getOwnPropertyDescriptor(fields, "__proto__")?.value).toEqual({ stringValue: "x" });
  });

  it("reject unknown names, wrong types and two members of one oneof, saying where", () => {
    const error = (json: unknown) => {
      try {
        messageFromJson(Write, json);
      } catch (e) {
        return e instanceof FirestoreError ? `${e.code}: ${e.message}` : String(e);
      }
      return "accepted";
    };
    expect(error({ update: { nmae: "x" } })).toBe(
      `3: Invalid JSON payload received. Unknown name "nmae" at 'update': Cannot find field.`,
    );
    expect(error({ update: { fields: { a: { integerValue: "1.5" } } } })).toContain(
      "Invalid value at 'update.fields[a].integerValue' (TYPE_INT64)",
    );
    expect(error({ update: { fields: { a: { integerValue: "99999999999999999999" } } } })).toContain(
      "TYPE_INT64",
    );
    expect(error({ update: { fields: { a: { stringValue: "s", integerValue: "1" } } } })).toContain(
      "Oneof field 'valueType' is already set",
    );
    expect(error({ delete: 5 })).toContain("TYPE_STRING");
    expect(error([])).toContain("Invalid value");
    expect(error({ currentDocument: { updateTime: "yesterday" } })).toContain("google.protobuf.Timestamp");
  });

  it("read Write.verify, production's field the shipped protos lack, as a member of the operation oneof", () => {
    const name = "projects/p/databases/(default)/documents/c/d";
    expect(messageFromJson(Write, { verify: name, currentDocument: { exists: true } })).toEqual({
      verify: name,
      currentDocument: { exists: true },
    });
    expect(() => messageFromJson(Write, { verify: name, delete: name })).toThrow(
      "Oneof field 'operation' is already set",
    );
  });

  it("find no field behind inherited property names", () => {
    for (const key of ["__proto__", "toString", "constructor"]) {
      expect(() => messageFromJson(Write, JSON.parse(`{"${key}": {}}`))).toThrow(
        `Unknown name "${key}": Cannot find field.`,
      );
    }
  });

  it("refuse absurd nesting instead of recursing without bound", () => {
    let value: unknown = { nullValue: null };
    for (let i = 0; i < 200; i++) value = { arrayValue: { values: [value] } };
    expect(() => messageFromJson(Value, value)).toThrow(/too deep/);
  });
});

describe("proto3 JSON responses", () => {
  it("encode timestamps, bytes, int64, enums and non-finite doubles as proto3 JSON does", () => {
    const json = messageToJson(ListenResponse, {
      targetChange: {
        targetChangeType: "CURRENT",
        targetIds: [1],
        resumeToken: Buffer.from([1, 2, 3]),
        readTime: { seconds: "1700000000", nanos: 120000000 },
      },
    });
    expect(json).toEqual({
      targetChange: {
        targetChangeType: "CURRENT",
        targetIds: [1],
        resumeToken: "AQID",
        readTime: "2023-11-14T22:13:20.120Z",
      },
    });
    expect(
      messageToJson(Value, {
        mapValue: { fields: { n: { doubleValue: Number.NaN }, i: { integerValue: 7 } } },
      }),
    ).toEqual({ mapValue: { fields: { n: { doubleValue: "NaN" }, i: { integerValue: "7" } } } });
    expect(messageToJson(Value, { nullValue: "NULL_VALUE" })).toEqual({ nullValue: null });
  });

  it("keep a map key named __proto__ an ordinary key in the JSON printed", () => {
    const fields = {};
    Object.defineProperty(fields, "__proto__", { value: { stringValue: "x" }, enumerable: true });
    const text = JSON.stringify(messageToJson(Value, { mapValue: { fields } }));
    expect(text).toBe('{"mapValue":{"fields":{"__proto__":{"stringValue":"x"}}}}');
  });

  it("leave out default values, as production prints proto3 JSON (oneof members stay)", () => {
    expect(
      messageToJson(ListenResponse, {
        targetChange: { targetChangeType: "NO_CHANGE", targetIds: [], cause: { code: 0, message: "" } },
      }),
    ).toEqual({ targetChange: { cause: {} } });
    expect(messageToJson(Value, { integerValue: "0" })).toEqual({ integerValue: "0" });
    expect(messageToJson(Value, { booleanValue: false })).toEqual({ booleanValue: false });
  });

  it("print 0, 3, 6 or 9 fractional digits", () => {
    const at = (nanos: number) =>
      (messageToJson(Value, { timestampValue: { seconds: 0, nanos } }) as { timestampValue: string })
        .timestampValue;
    expect([at(0), at(5e8), at(5e5), at(5)]).toEqual([
      "1970-01-01T00:00:00Z",
      "1970-01-01T00:00:00.500Z",
      "1970-01-01T00:00:00.000500Z",
      "1970-01-01T00:00:00.000000005Z",
    ]);
  });

  it("round-trip through decoding", () => {
    const original = {
      update: {
        name: "projects/p/databases/(default)/documents/c/d",
        fields: {
          t: { timestampValue: "2024-01-02T03:04:05.123456Z" },
          g: { geoPointValue: { latitude: 1, longitude: 2 } },
        },
      },
      currentDocument: { exists: true },
    };
    expect(messageToJson(Write, messageFromJson(Write, original))).toEqual(original);
  });
});

describe("the Firestore service's methods", () => {
  it("know their message types and which sides stream", () => {
    const listen = firestoreMethod("Listen")!;
    expect([
      listen.request.name,
      listen.response.name,
      listen.clientStreaming,
      listen.serverStreaming,
    ]).toEqual(["ListenRequest", "ListenResponse", true, true]);
    expect(firestoreMethod("RunQuery")!.serverStreaming).toBe(true);
    expect(firestoreMethod("toString")).toBeUndefined();
  });
});
