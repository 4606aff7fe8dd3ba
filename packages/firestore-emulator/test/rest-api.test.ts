// The google.firestore.v1 REST API at the wire level: routes, proto3 JSON, errors, streaming, CORS
// (the policy itself, foreign origins refused, is in http-front.test.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningFirestoreEmulator } from "../src/index.ts";
import { adminFirestore, clearData, startTestEmulator } from "./helpers.ts";

const PROJECT = "demo-rest-api";
const DB = `projects/${PROJECT}/databases/(default)`;
const DOCS = `${DB}/documents`;
let emulator: RunningFirestoreEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator(PROJECT);
});
afterAll(() => emulator.stop());
beforeEach(() => clearData(emulator, PROJECT));

// biome-ignore lint/suspicious/noExplicitAny: REST bodies are inspected loosely.
type Body = any;

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Body; headers: Headers }> {
  const res = await fetch(`http://${emulator.address}/v1/${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const str = (value: string) => ({ stringValue: value });
const int = (value: string) => ({ integerValue: value });

describe("document routes", () => {
  it("create with a document id, then get, list and delete it", async () => {
    const created = await call("POST", `${DOCS}/users?documentId=alice`, { fields: { name: str("Alice") } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: `${DOCS}/users/alice`, fields: { name: str("Alice") } });
    expect(created.body.createTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect((await call("GET", `${DOCS}/users/alice`)).body.fields).toEqual({ name: str("Alice") });
    expect((await call("GET", `${DOCS}/users`)).body.documents).toHaveLength(1);
    expect((await call("DELETE", `${DOCS}/users/alice`)).body).toEqual({});
    expect((await call("GET", `${DOCS}/users/alice`)).status).toBe(404);
  });

  it("create without an id picks a 20-character auto id; a second create of one id is 409 ALREADY_EXISTS", async () => {
    const auto = await call("POST", `${DOCS}/c`, { fields: {} });
    expect(auto.body.name).toMatch(new RegExp(`^${DOCS.replace(/[()]/g, "\\$&")}/c/[A-Za-z0-9]{20}$`));
    await call("POST", `${DOCS}/c?documentId=x`, {});
    const again = await call("POST", `${DOCS}/c?documentId=x`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.status).toBe("ALREADY_EXISTS");
  });

  it("document ids may hold colons, spaces and any Unicode (percent-encoded in the URL)", async () => {
    const id = "a:b c🐦";
    await call("POST", `${DOCS}/odd?documentId=${encodeURIComponent(id)}`, { fields: { v: int("1") } });
    const read = await call("GET", `${DOCS}/odd/${encodeURIComponent(id)}`);
    expect(read.body.name).toBe(`${DOCS}/odd/${id}`);
    expect((await call("DELETE", `${DOCS}/odd/${encodeURIComponent(id)}`)).status).toBe(200);
  });

  it("creates in a subcollection of a document", async () => {
    await call("POST", `${DOCS}/a/1/sub?documentId=2`, { fields: { v: int("1") } });
    expect((await call("GET", `${DOCS}/a/1/sub/2`)).body.fields).toEqual({ v: int("1") });
  });

  it("patch with an updateMask changes only the masked fields and deletes masked fields left out", async () => {
    await call("POST", `${DOCS}/p?documentId=1`, { fields: { a: int("1"), b: int("2"), c: int("3") } });
    const patched = await call("PATCH", `${DOCS}/p/1?updateMask.fieldPaths=a&updateMask.fieldPaths=c`, {
      fields: { a: int("10") },
    });
    expect(patched.body.fields).toEqual({ a: int("10"), b: int("2") });
  });

  it("patch without a mask replaces the document, creating it when missing", async () => {
    const res = await call("PATCH", `${DOCS}/p/new`, { fields: { only: str("this") } });
    expect(res.status).toBe(200);
    expect((await call("GET", `${DOCS}/p/new`)).body.fields).toEqual({ only: str("this") });
  });

  it("patch honours currentDocument preconditions", async () => {
    const missing = await call("PATCH", `${DOCS}/p/none?currentDocument.exists=true`, { fields: {} });
    expect(missing.status).toBe(404);
    const created = await call("PATCH", `${DOCS}/p/one?currentDocument.exists=false`, { fields: {} });
    expect(created.status).toBe(200);
    const stale = await call("PATCH", `${DOCS}/p/one?currentDocument.updateTime=2000-01-01T00:00:00Z`, {
      fields: {},
    });
    expect(stale.status).toBe(400);
    expect(stale.body.error.status).toBe("FAILED_PRECONDITION");
    const current = await call(
      "PATCH",
      `${DOCS}/p/one?currentDocument.updateTime=${created.body.updateTime}`,
      { fields: { v: int("1") } },
    );
    expect(current.status).toBe(200);
  });

  it("a read mask returns only the masked fields", async () => {
    await call("POST", `${DOCS}/m?documentId=1`, {
      fields: { a: int("1"), b: { mapValue: { fields: { c: int("2"), d: int("3") } } } },
    });
    const res = await call("GET", `${DOCS}/m/1?mask.fieldPaths=b.c`);
    expect(res.body.fields).toEqual({ b: { mapValue: { fields: { c: int("2") } } } });
  });

  it("delete with currentDocument.exists=true on a missing document is 404", async () => {
    const res = await call("DELETE", `${DOCS}/d/none?currentDocument.exists=true`);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 404, status: "NOT_FOUND" });
  });

  it("listDocuments pages with pageSize and pageToken, and showMissing lists parents of subcollections", async () => {
    for (const id of ["a", "b", "c"]) await call("POST", `${DOCS}/l?documentId=${id}`, {});
    await call("POST", `${DOCS}/l/ghost/sub?documentId=x`, {});
    const first = await call("GET", `${DOCS}/l?pageSize=2`);
    expect(first.body.documents.map((d: Body) => d.name.split("/").pop())).toEqual(["a", "b"]);
    const second = await call("GET", `${DOCS}/l?pageSize=2&pageToken=${first.body.nextPageToken}`);
    expect(second.body.documents.map((d: Body) => d.name.split("/").pop())).toEqual(["c"]);
    expect(second.body.nextPageToken).toBeUndefined();
    const all = await call("GET", `${DOCS}/l?showMissing=true`);
    const ghost = all.body.documents.find((d: Body) => d.name.endsWith("/ghost"));
    expect(ghost).toEqual({ name: `${DOCS}/l/ghost` });
  });

  it("reads at a past readTime see the document as it was", async () => {
    const created = await call("POST", `${DOCS}/h?documentId=1`, { fields: { v: int("1") } });
    await call("PATCH", `${DOCS}/h/1`, { fields: { v: int("2") } });
    const then = await call("GET", `${DOCS}/h/1?readTime=${created.body.updateTime}`);
    expect(then.body.fields).toEqual({ v: int("1") });
  });
});

describe("proto3 JSON encoding", () => {
  it("encodes int64 as strings, bytes as base64, timestamps as RFC 3339, special doubles as strings", async () => {
    const fields = {
      i: int("-9223372036854775808"),
      b: { bytesValue: "AP7/" },
      t: { timestampValue: "2024-02-29T23:59:59.123456Z" },
      nan: { doubleValue: "NaN" },
      inf: { doubleValue: "-Infinity" },
      d: { doubleValue: 1.5 },
      n: { nullValue: null },
      f: { booleanValue: false },
      z: int("0"),
      g: { geoPointValue: { latitude: 1.5, longitude: -2 } },
      r: { referenceValue: `${DOCS}/x/y` },
      a: { arrayValue: { values: [str("x"), int("1")] } },
      e: { arrayValue: {} },
      m: { mapValue: {} },
    };
    await call("POST", `${DOCS}/enc?documentId=1`, { fields });
    const read = await call("GET", `${DOCS}/enc/1`);
    expect(read.body.fields).toEqual({ ...fields, g: { geoPointValue: { latitude: 1.5, longitude: -2 } } });
  });

  it("accepts int64 as JSON numbers, snake_case names, offsets and base64url, and normalizes them", async () => {
    await call("POST", `${DOCS}/enc?documentId=2`, {
      fields: {
        i: { integer_value: 42 },
        t: { timestampValue: "2024-01-01T01:00:00.5+01:00" },
        b: { bytesValue: "_-8" },
      },
    });
    const read = await call("GET", `${DOCS}/enc/2`);
    expect(read.body.fields).toEqual({
      i: int("42"),
      t: { timestampValue: "2024-01-01T00:00:00.500Z" },
      b: { bytesValue: "/+8=" },
    });
  });

  it("keeps timestamps to microseconds, as Firestore stores them", async () => {
    await call("POST", `${DOCS}/enc?documentId=3`, {
      fields: { t: { timestampValue: "2024-01-01T00:00:00.123456789Z" } },
    });
    expect((await call("GET", `${DOCS}/enc/3`)).body.fields.t).toEqual({
      timestampValue: "2024-01-01T00:00:00.123456Z",
    });
  });

  it("rejects unknown names and malformed values with 400 INVALID_ARGUMENT naming the problem", async () => {
    const unknown = await call("POST", `${DOCS}/enc?documentId=4`, { fields: {}, bogus: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
    expect(unknown.body.error.message).toContain('Unknown name "bogus"');
    const badInt = await call("POST", `${DOCS}/enc?documentId=5`, { fields: { i: int("1.5") } });
    expect(badInt.body.error.message).toContain("fields[i].integerValue");
    const badTime = await call("POST", `${DOCS}/enc?documentId=6`, {
      fields: { t: { timestampValue: "yesterday" } },
    });
    expect(badTime.status).toBe(400);
    const deep = await call(
      "POST",
      `${DOCS}:commit`,
      `{"writes":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
    );
    expect(deep.status).toBe(400);
    expect(deep.body.error.message).toContain("Nesting deeper than");
    const notJson = await call("POST", `${DOCS}:commit`, "{not json");
    expect(notJson.status).toBe(400);
    expect((await call("GET", `${DOCS}/enc/4`)).status).toBe(404);
  });
});

describe("RPC routes", () => {
  it(":commit applies writes atomically and reports write results and the commit time", async () => {
    const res = await call("POST", `${DOCS}:commit`, {
      writes: [
        { update: { name: `${DOCS}/w/1`, fields: { n: int("1") } } },
        {
          transform: {
            document: `${DOCS}/w/1`,
            fieldTransforms: [
              { fieldPath: "n", increment: int("2") },
              { fieldPath: "at", setToServerValue: "REQUEST_TIME" },
            ],
          },
        },
      ],
    });
    expect(res.body.writeResults).toHaveLength(2);
    expect(res.body.writeResults[1].transformResults[0]).toEqual(int("3"));
    expect(res.body.commitTime).toEqual(res.body.writeResults[1].transformResults[1].timestampValue);
  });

  it(":beginTransaction, transactional :batchGet and :commit, and :rollback", async () => {
    await call("POST", `${DOCS}/tx?documentId=1`, { fields: { n: int("1") } });
    const { transaction } = (await call("POST", `${DOCS}:beginTransaction`, {})).body;
    expect(typeof transaction).toBe("string");
    const read = await call("POST", `${DOCS}:batchGet`, {
      documents: [`${DOCS}/tx/1`, `${DOCS}/tx/2`],
      transaction,
    });
    expect(read.body.map((r: Body) => (r.found ? "found" : r.missing ? "missing" : "?"))).toEqual([
      "found",
      "missing",
    ]);
    const committed = await call("POST", `${DOCS}:commit`, {
      transaction,
      writes: [{ update: { name: `${DOCS}/tx/1`, fields: { n: int("2") } } }],
    });
    expect(committed.status).toBe(200);
    const other = (await call("POST", `${DOCS}:beginTransaction`, { options: { readWrite: {} } })).body;
    expect((await call("POST", `${DOCS}:rollback`, { transaction: other.transaction })).body).toEqual({});
    const reused = await call("POST", `${DOCS}:commit`, { transaction, writes: [] });
    expect(reused.status).toBe(400);
  });

  it(":batchGet starts a transaction with newTransaction and returns its id first", async () => {
    const res = await call("POST", `${DOCS}:batchGet`, {
      documents: [`${DOCS}/tx/none`],
      newTransaction: { readOnly: {} },
    });
    expect(res.body[0].transaction).toEqual(expect.any(String));
  });

  it(":runQuery answers a JSON array of results; nothing matching still answers a read time", async () => {
    for (const [id, n] of [
      ["a", "3"],
      ["b", "1"],
      ["c", "2"],
    ] as const)
      await call("POST", `${DOCS}/rq?documentId=${id}`, { fields: { n: int(n) } });
    const ordered = await call("POST", `${DOCS}:runQuery`, {
      structuredQuery: {
        from: [{ collectionId: "rq" }],
        orderBy: [{ field: { fieldPath: "n" }, direction: "DESCENDING" }],
      },
    });
    expect(ordered.body.map((r: Body) => r.document.name.split("/").pop())).toEqual(["a", "c", "b"]);
    expect(ordered.body[0].readTime).toEqual(expect.any(String));
    const none = await call("POST", `${DOCS}:runQuery`, {
      structuredQuery: {
        from: [{ collectionId: "rq" }],
        where: { fieldFilter: { field: { fieldPath: "n" }, op: "GREATER_THAN", value: int("9") } },
      },
    });
    expect(none.body).toEqual([{ readTime: expect.any(String) }]);
  });

  it(":runQuery under a document parent queries its subcollection", async () => {
    await call("POST", `${DOCS}/p/1/kids?documentId=k`, {});
    await call("POST", `${DOCS}/kids?documentId=root`, {});
    const res = await call("POST", `${DOCS}/p/1:runQuery`, {
      structuredQuery: { from: [{ collectionId: "kids" }] },
    });
    expect(res.body.map((r: Body) => r.document.name)).toEqual([`${DOCS}/p/1/kids/k`]);
  });

  it(":runQuery with an invalid query is 400 before any result", async () => {
    const res = await call("POST", `${DOCS}:runQuery`, { structuredQuery: { from: [] } });
    expect(res.status).toBe(400);
    expect(res.body.error.status).toBe("INVALID_ARGUMENT");
  });

  it(":runAggregationQuery counts, sums and averages", async () => {
    for (const [id, n] of [
      ["a", "3"],
      ["b", "1"],
    ] as const)
      await call("POST", `${DOCS}/ag?documentId=${id}`, { fields: { n: int(n) } });
    const res = await call("POST", `${DOCS}:runAggregationQuery`, {
      structuredAggregationQuery: {
        structuredQuery: { from: [{ collectionId: "ag" }] },
        aggregations: [
          { alias: "c", count: {} },
          { alias: "s", sum: { field: { fieldPath: "n" } } },
          { alias: "m", avg: { field: { fieldPath: "n" } } },
        ],
      },
    });
    expect(res.body[0].result.aggregateFields).toEqual({ c: int("2"), s: int("4"), m: { doubleValue: 2 } });
  });

  it(":listCollectionIds lists root and subcollection ids", async () => {
    await call("POST", `${DOCS}/one?documentId=1`, {});
    await call("POST", `${DOCS}/two/2/deep?documentId=3`, {});
    expect((await call("POST", `${DOCS}:listCollectionIds`, {})).body).toEqual({
      collectionIds: ["one", "two"],
    });
    expect((await call("POST", `${DOCS}/two/2:listCollectionIds`, {})).body).toEqual({
      collectionIds: ["deep"],
    });
  });

  it(":partitionQuery validates the query and answers no split points (one partition)", async () => {
    const res = await call("POST", `${DOCS}:partitionQuery`, {
      structuredQuery: { from: [{ collectionId: "x", allDescendants: true }] },
      partitionCount: "4",
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  it(":batchWrite applies writes independently, with a status per write", async () => {
    const res = await call("POST", `${DOCS}:batchWrite`, {
      writes: [
        { update: { name: `${DOCS}/bw/ok`, fields: {} } },
        { update: { name: `${DOCS}/bw/no`, fields: {} }, currentDocument: { exists: true } },
      ],
    });
    expect(res.body.status).toEqual([{}, { code: 5, message: expect.stringContaining("bw/no") }]);
    expect(res.body.writeResults[0].updateTime).toEqual(expect.any(String));
  });

  it("a Write.verify checks its precondition without writing", async () => {
    const created = await call("POST", `${DOCS}/v?documentId=1`, { fields: {} });
    const ok = await call("POST", `${DOCS}:commit`, {
      writes: [{ verify: `${DOCS}/v/1`, currentDocument: { updateTime: created.body.updateTime } }],
    });
    expect(ok.status).toBe(200);
    const stale = await call("POST", `${DOCS}:commit`, {
      writes: [{ verify: `${DOCS}/v/1`, currentDocument: { exists: false } }],
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.status).toBe("ALREADY_EXISTS");
  });

  it("the bidirectional streams answer 501: they need gRPC or WebChannel", async () => {
    for (const verb of ["listen", "write"]) {
      const res = await call("POST", `${DOCS}:${verb}`, {});
      expect(res.status).toBe(501);
      expect(res.body.error.status).toBe("UNIMPLEMENTED");
    }
  });

  it("unknown routes answer 404 in Google's error shape; the emulator's own routes still work", async () => {
    const res = await call("POST", `${DOCS}:frobnicate`, {});
    expect(res.status).toBe(404);
    expect(res.body.error.status).toBe("NOT_FOUND");
    expect(await (await fetch(`http://${emulator.address}/`)).text()).toBe("Ok");
  });

  it("requests and the admin SDK share one store", async () => {
    const admin = adminFirestore(emulator, PROJECT);
    try {
      await call("POST", `${DOCS}/shared?documentId=1`, { fields: { via: str("rest") } });
      expect((await admin.db.doc("shared/1").get()).data()).toEqual({ via: "rest" });
    } finally {
      await admin.close();
    }
  });
});

describe("browsers", () => {
  it("answers CORS preflights for a page served from this machine and marks responses readable by it", async () => {
    const preflight = await fetch(`http://${emulator.address}/v1/${DOCS}:commit`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-goog-api-client,authorization",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(preflight.headers.get("access-control-allow-headers")).toBe(
      "content-type,x-goog-api-client,authorization",
    );
    const res = await call("GET", `${DOCS}/none/doc`, undefined, { origin: "http://localhost:5173" });
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
  });
});
