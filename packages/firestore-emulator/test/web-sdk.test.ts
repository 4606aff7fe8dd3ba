import {
  addDoc,
  and,
  arrayUnion,
  average,
  collection,
  collectionGroup,
  deleteDoc,
  doc,
  type Firestore,
  getAggregateFromServer,
  getCountFromServer,
  getDoc,
  getDocFromServer,
  getDocs,
  getDocsFromServer,
  increment,
  limit,
  onSnapshot,
  or,
  orderBy,
  query,
  runTransaction,
  serverTimestamp,
  setDoc,
  startAfter,
  sum,
  Timestamp,
  updateDoc,
  where,
  writeBatch,
} from "firebase/firestore";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningFirestoreEmulator } from "../src/index.ts";
import { adminFirestore, clearData, eventually, startTestEmulator, webFirestore } from "./helpers.ts";

const PROJECT = "demo-web-sdk";
let emulator: RunningFirestoreEmulator;
let db: Firestore;
let close: () => Promise<void>;

beforeAll(async () => {
  emulator = await startTestEmulator(PROJECT);
  ({ db, close } = webFirestore(emulator, PROJECT));
});
afterAll(async () => {
  await close();
  await emulator.stop();
});
beforeEach(() => clearData(emulator, PROJECT));

describe("web SDK writes over the Write stream", () => {
  it("setDoc then getDocFromServer returns the data", async () => {
    await setDoc(doc(db, "users/alice"), { name: "Alice" });
    const snap = await getDocFromServer(doc(db, "users/alice"));
    expect(snap.data()).toEqual({ name: "Alice" });
  });

  it("updateDoc, addDoc and deleteDoc reach the server", async () => {
    await setDoc(doc(db, "c/1"), { n: 1, tags: ["a"] });
    await updateDoc(doc(db, "c/1"), { n: increment(2), tags: arrayUnion("b"), at: serverTimestamp() });
    const added = await addDoc(collection(db, "c"), { n: 10 });
    await deleteDoc(doc(db, "c/1"));
    const fresh = webFirestore(emulator, PROJECT);
    try {
      const docs = await getDocsFromServer(collection(fresh.db, "c"));
      expect(docs.docs.map((d) => d.id)).toEqual([added.id]);
    } finally {
      await fresh.close();
    }
  });

  it("serverTimestamp and increment are applied by the server", async () => {
    await setDoc(doc(db, "t/1"), { n: 1 });
    await updateDoc(doc(db, "t/1"), { n: increment(2), at: serverTimestamp() });
    const snap = await getDocFromServer(doc(db, "t/1"));
    expect(snap.get("n")).toBe(3);
    expect(snap.get("at")).toBeInstanceOf(Timestamp);
  });

  it("updateDoc of a missing document fails with not-found", async () => {
    await expect(updateDoc(doc(db, "c/missing"), { n: 1 })).rejects.toMatchObject({ code: "not-found" });
  });

  it("a writeBatch with a failing write applies nothing, and later writes still work", async () => {
    const batch = writeBatch(db);
    batch.set(doc(db, "b/ok"), { v: 1 });
    batch.update(doc(db, "b/missing"), { v: 2 });
    await expect(batch.commit()).rejects.toMatchObject({ code: "not-found" });
    expect((await getDocFromServer(doc(db, "b/ok"))).exists()).toBe(false);
    await setDoc(doc(db, "b/after"), { v: 3 });
    expect((await getDocFromServer(doc(db, "b/after"))).get("v")).toBe(3);
  });

  it("web SDK writes are seen by the admin SDK", async () => {
    const admin = adminFirestore(emulator, PROJECT);
    try {
      await setDoc(doc(db, "shared/x"), { from: "web" });
      expect((await admin.db.doc("shared/x").get()).data()).toEqual({ from: "web" });
    } finally {
      await admin.close();
    }
  });
});

describe("web SDK reads and listeners over one Listen stream", () => {
  it("getDoc of a missing document reports it missing", async () => {
    expect((await getDoc(doc(db, "nothing/here"))).exists()).toBe(false);
  });

  it("several listeners on one client each get their own results, and unsubscribing one keeps the others", async () => {
    await setDoc(doc(db, "m/a"), { kind: "x", n: 1 });
    await setDoc(doc(db, "m/b"), { kind: "y", n: 2 });
    const xs: string[][] = [];
    const ys: string[][] = [];
    const docA: unknown[] = [];
    const stopX = onSnapshot(query(collection(db, "m"), where("kind", "==", "x")), (s) =>
      xs.push(s.docs.map((d) => d.id)),
    );
    const stopY = onSnapshot(query(collection(db, "m"), where("kind", "==", "y")), (s) =>
      ys.push(s.docs.map((d) => d.id)),
    );
    const stopA = onSnapshot(doc(db, "m/a"), (s) => docA.push(s.get("n")));
    await eventually(() => xs.length >= 1 && ys.length >= 1 && docA.length >= 1);
    stopY();
    const admin = adminFirestore(emulator, PROJECT);
    try {
      await admin.db.doc("m/c").set({ kind: "x", n: 3 });
      await admin.db.doc("m/d").set({ kind: "y", n: 4 });
      await admin.db.doc("m/a").update({ n: 10 });
      await eventually(() => xs.at(-1)?.join() === "a,c" && docA.at(-1) === 10);
    } finally {
      await admin.close();
    }
    stopX();
    stopA();
    expect(ys.at(-1)).toEqual(["b"]);
    expect(docA.at(-1)).toBe(10);
  });

  it("re-listening after unsubscribe gets fresh results", async () => {
    await setDoc(doc(db, "r/1"), { v: 1 });
    const first: number[] = [];
    const stop1 = onSnapshot(collection(db, "r"), (s) => first.push(s.size));
    await eventually(() => first.length >= 1);
    stop1();
    await setDoc(doc(db, "r/2"), { v: 2 });
    const second: number[] = [];
    const stop2 = onSnapshot(collection(db, "r"), { includeMetadataChanges: true }, (s) => {
      if (!s.metadata.fromCache) second.push(s.size);
    });
    await eventually(() => second.length >= 1);
    stop2();
    expect(second.at(-1)).toBe(2);
  });

  it("a listener sees a document change made by another client", async () => {
    const other = webFirestore(emulator, PROJECT);
    try {
      const seen: unknown[] = [];
      const stop = onSnapshot(doc(db, "live/x"), (s) => seen.push(s.exists() ? s.get("v") : null));
      await eventually(() => seen.length >= 1);
      await setDoc(doc(other.db, "live/x"), { v: "hello" });
      await eventually(() => seen.at(-1) === "hello");
      stop();
    } finally {
      await other.close();
    }
  });
});

describe("web SDK queries", () => {
  beforeEach(async () => {
    const batch = writeBatch(db);
    for (const [id, n] of [
      ["a", 1],
      ["b", 2],
      ["c", 3],
      ["d", 4],
    ] as const) {
      batch.set(doc(db, `q/${id}`), { n, even: n % 2 === 0 });
    }
    await batch.commit();
  });

  it("orderBy with startAfter and limit pages through results", async () => {
    const page = await getDocsFromServer(query(collection(db, "q"), orderBy("n"), startAfter(2), limit(1)));
    expect(page.docs.map((d) => d.id)).toEqual(["c"]);
  });

  it("or() and and() composite filters", async () => {
    const q = query(
      collection(db, "q"),
      or(where("n", "==", 1), and(where("even", "==", true), where("n", ">", 2))),
    );
    expect((await getDocsFromServer(q)).docs.map((d) => d.id)).toEqual(["a", "d"]);
  });

  it("collectionGroup finds nested collections", async () => {
    await setDoc(doc(db, "users/u/q/nested"), { n: 9 });
    const q = query(collectionGroup(db, "q"), where("n", ">=", 4));
    expect((await getDocsFromServer(q)).docs.map((d) => d.id).sort()).toEqual(["d", "nested"]);
  });

  it("getDocs returns the server results", async () => {
    expect(
      (await getDocs(query(collection(db, "q"), where("even", "==", false)))).docs.map((d) => d.id),
    ).toEqual(["a", "c"]);
  });

  it("count, sum and average aggregate on the server", async () => {
    expect((await getCountFromServer(collection(db, "q"))).data().count).toBe(4);
    const agg = await getAggregateFromServer(collection(db, "q"), { total: sum("n"), mean: average("n") });
    expect(agg.data()).toEqual({ total: 10, mean: 2.5 });
  });
});

describe("web SDK transactions", () => {
  it("runTransaction reads and writes atomically", async () => {
    await setDoc(doc(db, "acct/a"), { balance: 10 });
    await setDoc(doc(db, "acct/b"), { balance: 0 });
    await runTransaction(db, async (tx) => {
      const a = await tx.get(doc(db, "acct/a"));
      const b = await tx.get(doc(db, "acct/b"));
      tx.update(doc(db, "acct/a"), { balance: a.get("balance") - 4 });
      tx.update(doc(db, "acct/b"), { balance: b.get("balance") + 4 });
    });
    const a = await getDocFromServer(doc(db, "acct/a"));
    const b = await getDocFromServer(doc(db, "acct/b"));
    expect([a.get("balance"), b.get("balance")]).toEqual([6, 4]);
  });

  it("a transaction that only reads some documents commits them as verify writes", async () => {
    await setDoc(doc(db, "ro/a"), { n: 1 });
    await setDoc(doc(db, "ro/b"), { n: 2 });
    const total = await runTransaction(db, async (tx) => {
      const a = await tx.get(doc(db, "ro/a"));
      const b = await tx.get(doc(db, "ro/b"));
      tx.set(doc(db, "ro/sum"), { n: a.get("n") + b.get("n") });
      return a.get("n") + b.get("n");
    });
    expect(total).toBe(3);
    expect((await getDocFromServer(doc(db, "ro/sum"))).get("n")).toBe(3);
  });

  it("a read-only document that changed before commit fails its verify, and the retry sees the change", async () => {
    await setDoc(doc(db, "rv/src"), { n: 1 });
    const other = adminFirestore(emulator, PROJECT);
    try {
      let attempts = 0;
      await runTransaction(db, async (tx) => {
        attempts++;
        const src = await tx.get(doc(db, "rv/src"));
        if (attempts === 1) await other.db.doc("rv/src").set({ n: 50 });
        tx.set(doc(db, "rv/copy"), { n: src.get("n") });
      });
      expect(attempts).toBe(2);
      expect((await getDocFromServer(doc(db, "rv/copy"))).get("n")).toBe(50);
    } finally {
      await other.close();
    }
  });

  it("a transaction deleting then updating one document fails with invalid-argument", async () => {
    await setDoc(doc(db, "du/x"), { n: 1 });
    await expect(
      runTransaction(db, async (tx) => {
        tx.delete(doc(db, "du/x"));
        tx.update(doc(db, "du/x"), { n: 2 });
      }),
    ).rejects.toMatchObject({ code: "invalid-argument" });
  });

  it("a transaction whose read document changed before commit is retried and ends exact", async () => {
    await setDoc(doc(db, "cnt/x"), { n: 0 });
    const other = adminFirestore(emulator, PROJECT);
    try {
      let attempts = 0;
      await runTransaction(db, async (tx) => {
        attempts++;
        const snap = await tx.get(doc(db, "cnt/x"));
        if (attempts === 1) await other.db.doc("cnt/x").set({ n: 100 });
        tx.update(doc(db, "cnt/x"), { n: snap.get("n") + 1 });
      });
      expect(attempts).toBe(2);
      expect((await getDocFromServer(doc(db, "cnt/x"))).get("n")).toBe(101);
    } finally {
      await other.close();
    }
  });
});
