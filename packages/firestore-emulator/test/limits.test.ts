import { doc, setDoc, vector, type Firestore as WebFirestore } from "firebase/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningFirestoreEmulator, startFirestoreEmulator } from "../src/index.ts";
import { documentSize } from "../src/limits/document.ts";
import type { Value } from "../src/model/values.ts";
import { adminFirestore, callUnary, rawClient, startTestEmulator, webFirestore } from "./helpers.ts";
import { bareClient, encodeRequest, sendRawRequest } from "./support/raw-grpc.ts";

const PROJECT = "demo-limits";
const DB = `projects/${PROJECT}/databases/(default)`;
let emulator: RunningFirestoreEmulator;
let web: { db: WebFirestore; close: () => Promise<void> };
let admin: ReturnType<typeof adminFirestore>;
let raw: ReturnType<typeof rawClient>;

beforeAll(async () => {
  emulator = await startTestEmulator(PROJECT);
  web = webFirestore(emulator, PROJECT);
  admin = adminFirestore(emulator, PROJECT);
  raw = rawClient(emulator);
});
afterAll(async () => {
  raw.close();
  await web.close();
  await admin.close();
  await emulator.stop();
});

/** A raw Commit of one document with these wire fields. */
function commitFields(id: string, fields: Record<string, unknown>) {
  return callUnary(raw, "Commit", {
    database: DB,
    writes: [{ update: { name: `${DB}/documents/limits/${id}`, fields } }],
  });
}

/** `{nested: {nested: ... value}}` with `levels` maps. */
function nestedMaps(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) value = { nested: value };
  return value;
}

describe("document size, computed by Firestore's storage-size rules", () => {
  it("matches the worked example of the storage-size page (147 bytes)", () => {
    const str = (value: string): Value => ({ kind: "string", value });
    const fields = new Map<string, Value>([
      ["type", str("Personal")],
      ["done", { kind: "boolean", value: false }],
      ["priority", { kind: "integer", value: 1n }],
      ["description", str("Learn Cloud Firestore")],
    ]);
    expect(documentSize({ path: "users/jeff/tasks/my_task_id", fields })).toBe(147);
  });

  it("accepts a document of exactly 1,048,576 bytes and refuses one byte more with production's message", async () => {
    // name: "limits" 7 + id + 16; fields: "a" 2 + "b" 2 + strings (n + 1 each); + 32.
    const base = 7 + (Buffer.byteLength("exact") + 1) + 16 + 2 + 2 + 2 + 32;
    const payload = 1_048_576 - base;
    const half = Math.floor(payload / 2);
    await admin.db.doc("limits/exact").set({ a: "x".repeat(half), b: "y".repeat(payload - half) });
    expect((await admin.db.doc("limits/exact").get()).exists).toBe(true);
    await expect(
      admin.db.doc("limits/overx").set({ a: "x".repeat(half), b: "y".repeat(payload - half + 1) }),
    ).rejects.toThrow(
      `3 INVALID_ARGUMENT: Document '${DB}/documents/limits/overx' cannot be written because its size (1,048,577 bytes) exceeds the maximum allowed size of 1,048,576 bytes.`,
    );
    expect((await admin.db.doc("limits/overx").get()).exists).toBe(false);
  });

  it("refuses a growing transform that pushes a document over the limit", async () => {
    const { FieldValue } = await import("firebase-admin/firestore");
    await admin.db.doc("limits/grow").set({ list: ["x".repeat(1_000_000)] });
    await expect(
      admin.db.doc("limits/grow").update({ list: FieldValue.arrayUnion("y".repeat(60_000)) }),
    ).rejects.toThrow(
      /cannot be written because its size \(1,060,0\d\d bytes\) exceeds the maximum allowed size/,
    );
  });

  it("refuses a single value over 1,048,487 bytes naming the property", async () => {
    await expect(setDoc(doc(web.db, "limits/value"), { blob: "x".repeat(1_048_488) })).rejects.toThrow(
      'The value of property "blob" is longer than 1048487 bytes.',
    );
  });
});

describe("nesting", () => {
  it("accepts 20 levels of maps below a field and refuses 21 with production's message (web SDK)", async () => {
    await setDoc(doc(web.db, "limits/deep"), { value: nestedMaps(20) }); // leaf at value.nested…leaf: 20 deep
    await expect(setDoc(doc(web.db, "limits/too-deep"), { value: nestedMaps(21) })).rejects.toThrow(
      "Property value contains an invalid nested entity.",
    );
  });

  it("counts arrays as levels too", async () => {
    let value: unknown = 1;
    for (let i = 0; i < 10; i++) value = [{ m: value }];
    await setDoc(doc(web.db, "limits/arrays"), { a: value }); // 20 levels
    await expect(setDoc(doc(web.db, "limits/arrays-too-deep"), { a: { x: value } })).rejects.toThrow(
      "Property a contains an invalid nested entity.",
    );
  });

  it("refuses an array directly inside an array with production's message", async () => {
    await expect(
      commitFields("nested-array", {
        arr: { arrayValue: { values: [{ arrayValue: { values: [{ integerValue: "1" }] } }] } },
      }),
    ).rejects.toMatchObject({ code: 3, details: "Property arr contains an invalid nested entity." });
  });
});

describe("field names", () => {
  it("refuses reserved names matching __.*__ with production's message, at any depth", async () => {
    await expect(commitFields("reserved", { __x__: { integerValue: "1" } })).rejects.toMatchObject({
      code: 3,
      details: "field name '__x__' is reserved.",
    });
    await expect(
      commitFields("reserved-deep", { m: { mapValue: { fields: { __once__: { booleanValue: true } } } } }),
    ).rejects.toMatchObject({ details: "field name '__once__' is reserved." });
  });

  it("accepts names that only start or only end with __, and the __type__ of a vector", async () => {
    await commitFields("almost", { __x: { integerValue: "1" }, y__: { integerValue: "2" } });
    await setDoc(doc(web.db, "limits/vector"), { embedding: vector([1, 2, 3]) });
  });

  it("accepts a 1,500-byte name and refuses 1,501 bytes", async () => {
    await commitFields("long-name", { ["n".repeat(1500)]: { integerValue: "1" } });
    await expect(
      commitFields("too-long-name", { ["n".repeat(1501)]: { integerValue: "1" } }),
    ).rejects.toMatchObject({ code: 3, details: "The property name is longer than 1500 bytes." });
  });

  it("refuses a field name that is not valid UTF-8", async () => {
    const bytes = encodeRequest("Commit", {
      database: DB,
      writes: [
        {
          update: { name: `${DB}/documents/limits/utf8`, fields: { "\u00e9\u00e9": { integerValue: "1" } } },
        },
      ],
    });
    // é is C3 A9 in UTF-8; C3 C3 is not UTF-8.
    const broken = Buffer.from(
      bytes.toString("latin1").replace("\u00c3\u00a9\u00c3\u00a9", "\u00c3\u00c3\u00c3\u00c3"),
      "latin1",
    );
    const client = bareClient(emulator.address);
    try {
      expect(await sendRawRequest(client, "Commit", broken)).toEqual({
        code: 3,
        details: "A string in the request is not valid UTF-8.",
      });
    } finally {
      client.close();
    }
  });

  it("refuses a document id over 1,500 bytes with production's message", async () => {
    await expect(admin.db.doc(`limits/${"i".repeat(1501)}`).set({ a: 1 })).rejects.toThrow(
      "The key path element name is longer than 1500 bytes.",
    );
  });
});

describe("index entries, commits and requests", () => {
  it("refuses a document with more than 40,000 index entries (FAILED_PRECONDITION, as production)", async () => {
    const list = Array.from({ length: 40_000 }, (_, i) => i);
    await setDoc(doc(web.db, "limits/entries"), { list });
    const refused = setDoc(doc(web.db, "limits/too-many-entries"), { list: [...list, 40_000] });
    await expect(refused).rejects.toMatchObject({ code: "failed-precondition" });
    await expect(refused).rejects.toThrow("too many index entries for entity");
  });

  it("refuses a request over 10 MiB with the API front end's message", async () => {
    await expect(commitFields("huge", { s: { stringValue: "x".repeat(10_500_000) } })).rejects.toMatchObject({
      code: 3,
      details: "Request payload size exceeds the limit: 10485760 bytes.",
    });
  });

  it("refuses a commit that touches more than 10 MiB of documents", async () => {
    const batch = admin.db.batch();
    for (let i = 0; i < 11; i++) batch.set(admin.db.doc(`big/${i}`), { s: "x".repeat(1_000_000) });
    await expect(batch.commit()).rejects.toThrow(
      /Request payload size exceeds the limit|Transaction too big/,
    );
    for (let i = 0; i < 11; i++) await admin.db.doc(`big/${i}`).set({ s: "x".repeat(1_000_000) });
    const deletes = admin.db.batch();
    for (let i = 0; i < 11; i++) deletes.delete(admin.db.doc(`big/${i}`));
    await expect(deletes.commit()).rejects.toThrow(
      "3 INVALID_ARGUMENT: Transaction too big. Decrease transaction size.",
    );
    expect((await admin.db.doc("big/0").get()).exists).toBe(true);
  });

  it("accepts more than 500 writes in one commit, as production has since 2023", async () => {
    const batch = admin.db.batch();
    for (let i = 0; i < 600; i++) batch.set(admin.db.doc(`many/${i}`), { i });
    await batch.commit();
    expect((await admin.db.collection("many").count().get()).data().count).toBe(600);
  });
});

describe("transaction time limit", () => {
  it("expires a transaction after its time limit even while it keeps reading", async () => {
    const short = await startFirestoreEmulator({
      port: 0,
      projectId: PROJECT,
      transactionMaxMs: 400,
      log: () => {},
    });
    const client = rawClient(short);
    try {
      const { transaction } = await callUnary<{ transaction: Buffer }>(client, "BeginTransaction", {
        database: DB,
      });
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 100));
        await callUnary(client, "Commit", { database: DB, writes: [] }); // unrelated activity
      }
      await new Promise((r) => setTimeout(r, 200));
      await expect(
        callUnary(client, "Commit", { database: DB, transaction, writes: [] }),
      ).rejects.toMatchObject({
        details: "The referenced transaction has expired or is no longer valid.",
      });
    } finally {
      client.close();
      await short.stop();
    }
  });
});
