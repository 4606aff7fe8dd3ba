import { FieldPath, FieldValue, type Firestore, GeoPoint, Timestamp } from "firebase-admin/firestore";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunningFirestoreEmulator } from "../src/index.ts";
import { adminFirestore, useAdminFirestore } from "./helpers.ts";

const PROJECT = "demo-admin-docs";
const fixture = useAdminFirestore(PROJECT);
let db: Firestore;
let emulator: RunningFirestoreEmulator;
beforeAll(() => {
  ({ db, emulator } = fixture);
});

describe("reads and writes of single documents", () => {
  it("set then get returns the data with create and update times", async () => {
    await db.doc("users/alice").set({ name: "Alice", age: 30 });
    const snap = await db.doc("users/alice").get();
    expect(snap.exists).toBe(true);
    expect(snap.data()).toEqual({ name: "Alice", age: 30 });
    expect(snap.createTime?.isEqual(snap.updateTime!)).toBe(true);
  });

  it("get of a missing document reports it missing", async () => {
    const snap = await db.doc("users/nobody").get();
    expect(snap.exists).toBe(false);
  });

  it("create of an existing document fails with ALREADY_EXISTS", async () => {
    await db.doc("users/a").create({ v: 1 });
    await expect(db.doc("users/a").create({ v: 2 })).rejects.toMatchObject({ code: 6 });
    expect((await db.doc("users/a").get()).data()).toEqual({ v: 1 });
  });

  it("update of a missing document fails with NOT_FOUND", async () => {
    await expect(db.doc("users/ghost").update({ v: 1 })).rejects.toMatchObject({ code: 5 });
  });

  it("update with dotted paths changes only the named nested fields", async () => {
    await db.doc("d/1").set({ m: { a: { b: 1, c: 2 }, keep: true }, top: 1 });
    await db.doc("d/1").update({ "m.a.b": 7, top: FieldValue.delete() });
    expect((await db.doc("d/1").get()).data()).toEqual({ m: { a: { b: 7, c: 2 }, keep: true } });
  });

  it("set with merge merges nested maps and FieldValue.delete removes fields", async () => {
    await db.doc("d/1").set({ m: { a: 1, b: 2 }, gone: "x" });
    await db.doc("d/1").set({ m: { c: 3 }, gone: FieldValue.delete() }, { merge: true });
    expect((await db.doc("d/1").get()).data()).toEqual({ m: { a: 1, b: 2, c: 3 } });
  });

  it("set with mergeFields only writes the listed fields", async () => {
    await db.doc("d/1").set({ a: 1, b: 1 });
    await db.doc("d/1").set({ a: 2, b: 2 }, { mergeFields: ["b"] });
    expect((await db.doc("d/1").get()).data()).toEqual({ a: 1, b: 2 });
  });

  it("delete removes the document and deleting a missing one succeeds", async () => {
    await db.doc("d/1").set({ a: 1 });
    await db.doc("d/1").delete();
    expect((await db.doc("d/1").get()).exists).toBe(false);
    await expect(db.doc("d/never").delete()).resolves.toBeDefined();
  });

  it("delete with an exists precondition fails with NOT_FOUND on a missing document", async () => {
    await expect(db.doc("d/never").delete({ exists: true })).rejects.toMatchObject({ code: 5 });
  });

  it("a lastUpdateTime precondition rejects a stale time with FAILED_PRECONDITION", async () => {
    const first = await db.doc("d/1").set({ v: 1 });
    await db.doc("d/1").set({ v: 2 });
    await expect(db.doc("d/1").update({ v: 3 }, { lastUpdateTime: first.writeTime })).rejects.toMatchObject({
      code: 9,
    });
    const current = (await db.doc("d/1").get()).updateTime!;
    await db.doc("d/1").update({ v: 4 }, { lastUpdateTime: current });
    expect((await db.doc("d/1").get()).get("v")).toBe(4);
  });

  it("a write that changes nothing keeps the previous update time", async () => {
    const first = await db.doc("d/1").set({ v: 1 });
    const second = await db.doc("d/1").set({ v: 1 });
    expect(second.writeTime.isEqual(first.writeTime)).toBe(true);
  });

  it("every value type round-trips exactly", async () => {
    const data = {
      nul: null,
      bool: true,
      int: 9007199254740993n,
      dbl: 1.5,
      nan: Number.NaN,
      ts: new Timestamp(1700000000, 123456000),
      str: "héllo 🐧",
      bytes: Buffer.from([0, 1, 255]),
      ref: db.doc("users/alice"),
      geo: new GeoPoint(51.5, -0.12),
      arr: [1, "two", { three: 3 }],
      map: { nested: { deep: [true] } },
      vec: FieldValue.vector([1, 2, 3]),
    };
    const typed = db.doc("types/all");
    await typed.set(data);
    const snap = await typed.get();
    expect(snap.get("nul")).toBeNull();
    expect(snap.get("bool")).toBe(true);
    expect(snap.get("dbl")).toBe(1.5);
    expect(Number.isNaN(snap.get("nan"))).toBe(true);
    expect((snap.get("ts") as Timestamp).isEqual(data.ts)).toBe(true);
    expect(snap.get("str")).toBe("héllo 🐧");
    expect(Buffer.from(snap.get("bytes")).equals(data.bytes)).toBe(true);
    expect(snap.get("ref").path).toBe("users/alice");
    expect((snap.get("geo") as GeoPoint).isEqual(data.geo)).toBe(true);
    expect(snap.get("arr")).toEqual([1, "two", { three: 3 }]);
    expect(snap.get("map")).toEqual({ nested: { deep: [true] } });
    expect(snap.get("vec").toArray()).toEqual([1, 2, 3]);
  });

  it("large integers keep full int64 precision", async () => {
    const exact = adminFirestore(emulator, PROJECT);
    try {
      exact.db.settings({ useBigInt: true });
      await exact.db.doc("d/big").set({ n: 9007199254740992n });
      await exact.db.doc("d/big").update({ n: FieldValue.increment(1) });
      expect((await exact.db.doc("d/big").get()).get("n")).toBe(9007199254740993n);
    } finally {
      await exact.close();
    }
  });

  it("timestamps are stored with microsecond precision", async () => {
    await db.doc("d/t").set({ t: new Timestamp(10, 123456789) });
    expect(((await db.doc("d/t").get()).get("t") as Timestamp).nanoseconds).toBe(123456000);
  });

  it("getAll reads several documents at once, missing ones included", async () => {
    await db.doc("c/a").set({ v: "a" });
    await db.doc("c/b").set({ v: "b" });
    const snaps = await db.getAll(db.doc("c/a"), db.doc("c/missing"), db.doc("c/b"));
    expect(snaps.map((s) => s.exists)).toEqual([true, false, true]);
    expect(snaps[2]!.get("v")).toBe("b");
  });

  it("getAll with a field mask returns only the masked fields", async () => {
    await db.doc("c/a").set({ keep: 1, drop: 2, m: { x: 1, y: 2 } });
    const [snap] = await db.getAll(db.doc("c/a"), { fieldMask: ["keep", new FieldPath("m", "x")] });
    expect(snap!.data()).toEqual({ keep: 1, m: { x: 1 } });
  });
});

describe("field transforms", () => {
  it("serverTimestamp sets the commit time", async () => {
    const before = Date.now();
    const result = await db.doc("t/1").set({ at: FieldValue.serverTimestamp() });
    const at = (await db.doc("t/1").get()).get("at") as Timestamp;
    expect(at.isEqual(result.writeTime)).toBe(true);
    expect(at.toMillis()).toBeGreaterThanOrEqual(before - 1);
  });

  it("increment adds integers and doubles and starts missing fields at the operand", async () => {
    await db.doc("t/1").set({ i: 1, d: 1.5, s: "text" });
    await db.doc("t/1").update({
      i: FieldValue.increment(2),
      d: FieldValue.increment(1),
      s: FieldValue.increment(5),
      fresh: FieldValue.increment(3),
    });
    expect((await db.doc("t/1").get()).data()).toEqual({ i: 3, d: 2.5, s: 5, fresh: 3 });
  });

  it("set with merge applies serverTimestamp and increment together", async () => {
    await db.doc("t/1").set({ n: 1 });
    await db
      .doc("t/1")
      .set({ n: FieldValue.increment(1), at: FieldValue.serverTimestamp() }, { merge: true });
    const snap = await db.doc("t/1").get();
    expect(snap.get("n")).toBe(2);
    expect(snap.get("at")).toBeInstanceOf(Timestamp);
  });

  it("arrayUnion appends missing elements and arrayRemove removes all equal ones", async () => {
    await db.doc("t/1").set({ tags: ["a", "b", "a"], nums: [1, 2, 3] });
    await db
      .doc("t/1")
      .update({ tags: FieldValue.arrayUnion("b", "c", "c"), nums: FieldValue.arrayRemove(1.0, 3) });
    expect((await db.doc("t/1").get()).data()).toEqual({ tags: ["a", "b", "a", "c"], nums: [2] });
  });

  it("maximum and minimum keep the larger or smaller number", async () => {
    await db.doc("t/1").set({ hi: 5, lo: 5 });
    const write = db.batch();
    write.update(db.doc("t/1"), {
      hi: FieldValue.maximum(3),
      lo: FieldValue.minimum(3),
      hi2: FieldValue.maximum(8),
    });
    await write.commit();
    await db.doc("t/1").update({ hi: FieldValue.maximum(9) });
    expect((await db.doc("t/1").get()).data()).toEqual({ hi: 9, lo: 3, hi2: 8 });
  });
});

describe("batches", () => {
  it("an update after a delete of the same document in one batch is INVALID_ARGUMENT", async () => {
    await db.doc("du/1").set({ v: 1 });
    const batch = db.batch();
    batch.delete(db.doc("du/1"));
    batch.update(db.doc("du/1"), { v: 2 });
    await expect(batch.commit()).rejects.toMatchObject({ code: 3 });
    expect((await db.doc("du/1").get()).data()).toEqual({ v: 1 });
  });

  it("a batch applies every write with one commit time", async () => {
    const batch = db.batch();
    batch.set(db.doc("b/1"), { v: 1 });
    batch.set(db.doc("b/2"), { v: 2 });
    batch.delete(db.doc("b/3"));
    const results = await batch.commit();
    expect(results[0]!.writeTime.isEqual(results[1]!.writeTime)).toBe(true);
    expect((await db.collection("b").get()).size).toBe(2);
  });

  it("a batch with one failing write applies nothing", async () => {
    await db.doc("b/exists").set({ v: 0 });
    const batch = db.batch();
    batch.set(db.doc("b/new"), { v: 1 });
    batch.create(db.doc("b/exists"), { v: 2 });
    await expect(batch.commit()).rejects.toMatchObject({ code: 6 });
    expect((await db.doc("b/new").get()).exists).toBe(false);
    expect((await db.doc("b/exists").get()).get("v")).toBe(0);
  });

  it("BulkWriter writes independently and reports per-write failures", async () => {
    await db.doc("bw/exists").set({ v: 0 });
    const writer = db.bulkWriter();
    writer.onWriteError(() => false);
    const ok = writer.set(db.doc("bw/1"), { v: 1 });
    const bad = writer.create(db.doc("bw/exists"), { v: 2 }).catch((error: unknown) => error);
    const ok2 = writer.update(db.doc("bw/exists"), { v: 3 });
    await writer.close();
    await expect(ok).resolves.toBeDefined();
    expect(await bad).toMatchObject({ code: 6 });
    await expect(ok2).resolves.toBeDefined();
    expect((await db.doc("bw/exists").get()).get("v")).toBe(3);
    expect((await db.doc("bw/1").get()).get("v")).toBe(1);
  });
});

describe("listing", () => {
  it("listCollections lists root and subcollection ids, including ones with only nested documents", async () => {
    await db.doc("a/1").set({});
    await db.doc("b/1/sub/x").set({});
    await db.doc("a/1/inner/y").set({});
    expect((await db.listCollections()).map((c) => c.id)).toEqual(["a", "b"]);
    expect((await db.doc("a/1").listCollections()).map((c) => c.id)).toEqual(["inner"]);
  });

  it("listDocuments includes missing documents that have subcollections", async () => {
    await db.doc("p/real").set({ v: 1 });
    await db.doc("p/phantom/kids/k").set({ v: 2 });
    const refs = await db.collection("p").listDocuments();
    expect(refs.map((r) => r.id).sort()).toEqual(["phantom", "real"]);
  });

  it("recursiveDelete removes a document and everything below it", async () => {
    await db.doc("r/1").set({ v: 1 });
    await db.doc("r/1/sub/a").set({ v: 2 });
    await db.doc("r/1/sub/a/deeper/b").set({ v: 3 });
    await db.doc("r/2").set({ v: 4 });
    await db.recursiveDelete(db.doc("r/1"));
    expect((await db.collectionGroup("sub").get()).size).toBe(0);
    expect((await db.collectionGroup("deeper").get()).size).toBe(0);
    expect((await db.collection("r").get()).docs.map((d) => d.id)).toEqual(["2"]);
  });

  it("recursiveDelete of a collection removes its documents, their subcollections and upper-case ids", async () => {
    await db.doc("rc/A").set({ v: 1 });
    await db.doc("rc/b").set({ v: 2 });
    await db.doc("rc/b/sub/c").set({ v: 3 });
    await db.doc("rc/__id5__").set({ v: 4 });
    await db.doc("rcx/keep").set({ v: 5 });
    await db.recursiveDelete(db.collection("rc"));
    expect((await db.collectionGroup("sub").get()).size).toBe(0);
    expect((await db.collection("rc").get()).size).toBe(0);
    expect((await db.collection("rcx").get()).size).toBe(1);
  });
});
