// firebase/firestore/lite speaks the REST API (fetch, JSON) instead of gRPC: these run it unchanged.
import { deleteApp, initializeApp } from "firebase/app";
import {
  arrayUnion,
  Bytes,
  collection,
  collectionGroup,
  connectFirestoreEmulator,
  count,
  deleteDoc,
  doc,
  type Firestore,
  GeoPoint,
  getAggregate,
  getCount,
  getDoc,
  getDocs,
  getFirestore,
  increment,
  limit,
  orderBy,
  query,
  runTransaction,
  serverTimestamp,
  setDoc,
  setLogLevel,
  sum,
  Timestamp,
  terminate,
  updateDoc,
  vector,
  where,
  writeBatch,
} from "firebase/firestore/lite";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningFirestoreEmulator } from "../src/index.ts";
import { adminFirestore, clearData, startTestEmulator } from "./helpers.ts";

const PROJECT = "demo-lite-sdk";
let emulator: RunningFirestoreEmulator;
let db: Firestore;
let app: ReturnType<typeof initializeApp>;

beforeAll(async () => {
  // Expected failures (retried transactions, not-found) are logged as warnings; keep output clean.
  setLogLevel("error");
  emulator = await startTestEmulator(PROJECT);
  app = initializeApp({ projectId: PROJECT, apiKey: "fake-api-key" }, "lite-sdk-tests");
  db = getFirestore(app);
  connectFirestoreEmulator(db, "127.0.0.1", emulator.port);
});
afterAll(async () => {
  await terminate(db);
  await deleteApp(app);
  await emulator.stop();
});
beforeEach(() => clearData(emulator, PROJECT));

describe("the lite SDK over REST", () => {
  it("every value type round-trips through the REST JSON encoding", async () => {
    const data = {
      nothing: null,
      yes: true,
      big: 9007199254740993n.toString(),
      int: 42,
      neg: -7,
      pi: Math.PI,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      when: new Timestamp(1700000000, 123456000),
      text: "héllo 🐦",
      raw: Bytes.fromUint8Array(new Uint8Array([0, 1, 254, 255])),
      ref: doc(db, "other/thing"),
      geo: new GeoPoint(48.85, 2.35),
      list: [1, "two", { three: 3 }],
      nested: { a: { b: [true, null] } },
      vec: vector([1, 2.5, -3]),
    };
    await setDoc(doc(db, "types/all"), data);
    const snap = await getDoc(doc(db, "types/all"));
    const read = snap.data()!;
    expect(read.nothing).toBeNull();
    expect(read.yes).toBe(true);
    expect(read.int).toBe(42);
    expect(read.neg).toBe(-7);
    expect(read.pi).toBe(Math.PI);
    expect(read.nan).toBeNaN();
    expect(read.inf).toBe(Number.POSITIVE_INFINITY);
    expect((read.when as Timestamp).isEqual(new Timestamp(1700000000, 123456000))).toBe(true);
    expect(read.text).toBe("héllo 🐦");
    expect((read.raw as Bytes).toUint8Array()).toEqual(new Uint8Array([0, 1, 254, 255]));
    expect(read.ref.path).toBe("other/thing");
    expect((read.geo as GeoPoint).isEqual(new GeoPoint(48.85, 2.35))).toBe(true);
    expect(read.list).toEqual([1, "two", { three: 3 }]);
    expect(read.nested).toEqual({ a: { b: [true, null] } });
    expect(read.vec.toArray()).toEqual([1, 2.5, -3]);
  });

  it("int64 values keep full precision", async () => {
    const admin = adminFirestore(emulator, PROJECT);
    try {
      await admin.db.doc("n/big").set({ v: 9007199254740993n });
    } finally {
      await admin.close();
    }
    // The lite SDK reads integers as JS numbers; the wire carries the exact decimal string.
    const res = await fetch(
      `http://${emulator.address}/v1/projects/${PROJECT}/databases/(default)/documents/n/big`,
    );
    expect(((await res.json()) as { fields: unknown }).fields).toEqual({
      v: { integerValue: "9007199254740993" },
    });
  });

  it("updateDoc applies field transforms on the server", async () => {
    await setDoc(doc(db, "t/1"), { n: 1, tags: ["a"] });
    await updateDoc(doc(db, "t/1"), { n: increment(2), tags: arrayUnion("b"), at: serverTimestamp() });
    const snap = await getDoc(doc(db, "t/1"));
    expect(snap.get("n")).toBe(3);
    expect(snap.get("tags")).toEqual(["a", "b"]);
    expect(snap.get("at")).toBeInstanceOf(Timestamp);
  });

  it("updateDoc of a missing document fails with not-found", async () => {
    await expect(updateDoc(doc(db, "t/missing"), { n: 1 })).rejects.toMatchObject({ code: "not-found" });
  });

  it("deleteDoc removes the document", async () => {
    await setDoc(doc(db, "t/2"), { n: 1 });
    await deleteDoc(doc(db, "t/2"));
    expect((await getDoc(doc(db, "t/2"))).exists()).toBe(false);
  });

  it("queries filter, order and limit on the server; collection groups reach every depth", async () => {
    const batch = writeBatch(db);
    for (const [id, n] of [
      ["a", 3],
      ["b", 1],
      ["c", 2],
    ] as const) {
      batch.set(doc(db, "q", id), { n });
      batch.set(doc(db, "q", id, "items", "x"), { n });
    }
    await batch.commit();
    const ordered = await getDocs(query(collection(db, "q"), where("n", ">=", 2), orderBy("n"), limit(5)));
    expect(ordered.docs.map((d) => d.id)).toEqual(["c", "a"]);
    expect((await getDocs(collectionGroup(db, "items"))).size).toBe(3);
    expect((await getDocs(query(collection(db, "q"), where("n", ">", 99)))).empty).toBe(true);
  });

  it("count, sum and aggregate run on the server", async () => {
    await setDoc(doc(db, "agg/a"), { v: 2 });
    await setDoc(doc(db, "agg/b"), { v: 5 });
    expect((await getCount(collection(db, "agg"))).data().count).toBe(2);
    expect((await getAggregate(collection(db, "agg"), { total: sum("v"), n: count() })).data()).toEqual({
      total: 7,
      n: 2,
    });
  });

  it("transactions read and write atomically (BeginTransaction, BatchGet, Commit)", async () => {
    await setDoc(doc(db, "acct/a"), { balance: 10 });
    await setDoc(doc(db, "acct/b"), { balance: 0 });
    await runTransaction(db, async (tx) => {
      const a = await tx.get(doc(db, "acct/a"));
      const b = await tx.get(doc(db, "acct/b"));
      tx.update(doc(db, "acct/a"), { balance: a.get("balance") - 4 });
      tx.update(doc(db, "acct/b"), { balance: b.get("balance") + 4 });
    });
    expect((await getDoc(doc(db, "acct/a"))).get("balance")).toBe(6);
    expect((await getDoc(doc(db, "acct/b"))).get("balance")).toBe(4);
  });

  it("concurrent lite transactions on one document all apply", async () => {
    await setDoc(doc(db, "cnt/x"), { n: 0 });
    await Promise.all(
      Array.from({ length: 5 }, () =>
        runTransaction(db, async (tx) => {
          const snap = await tx.get(doc(db, "cnt/x"));
          tx.update(doc(db, "cnt/x"), { n: snap.get("n") + 1 });
        }),
      ),
    );
    expect((await getDoc(doc(db, "cnt/x"))).get("n")).toBe(5);
  });

  it("sees what the admin SDK wrote over gRPC", async () => {
    const admin = adminFirestore(emulator, PROJECT);
    try {
      await admin.db.doc("shared/1").set({ from: "admin" });
    } finally {
      await admin.close();
    }
    expect((await getDoc(doc(db, "shared/1"))).data()).toEqual({ from: "admin" });
  });
});
