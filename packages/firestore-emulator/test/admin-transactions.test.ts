import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunningFirestoreEmulator } from "../src/index.ts";
import { adminFirestore, useAdminFirestore } from "./helpers.ts";

const PROJECT = "demo-admin-tx";
const fixture = useAdminFirestore(PROJECT);
let db: Firestore;
let emulator: RunningFirestoreEmulator;
beforeAll(() => {
  ({ db, emulator } = fixture);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("transactions", () => {
  it("10 concurrent read-modify-write transactions on one document end exact", async () => {
    const ref = db.doc("counters/c");
    await ref.set({ n: 0 });
    await Promise.all(
      Array.from({ length: 10 }, () =>
        db.runTransaction(async (tx) => {
          const snap = await tx.get(ref);
          await sleep(5);
          tx.update(ref, { n: snap.get("n") + 1 });
        }),
      ),
    );
    expect((await ref.get()).get("n")).toBe(10);
  });

  it("concurrent transactions from two clients are isolated too", async () => {
    const other = adminFirestore(emulator, PROJECT);
    try {
      const ref = "counters/shared";
      await db.doc(ref).set({ n: 0 });
      const bump = (client: Firestore) =>
        client.runTransaction(async (tx) => {
          const snap = await tx.get(client.doc(ref));
          tx.set(client.doc(ref), { n: snap.get("n") + 1 });
        });
      await Promise.all([bump(db), bump(other.db), bump(db), bump(other.db), bump(db), bump(other.db)]);
      expect((await db.doc(ref).get()).get("n")).toBe(6);
    } finally {
      await other.close();
    }
  });

  it("a plain write to a document read by an open transaction waits for the transaction to finish", async () => {
    const ref = db.doc("iso/doc");
    await ref.set({ v: "initial" });
    const order: string[] = [];
    let outside: Promise<unknown> | undefined;
    await db.runTransaction(async (tx) => {
      await tx.get(ref);
      outside = ref.set({ v: "outside" }).then(() => order.push("outside committed"));
      await sleep(100);
      order.push("transaction commits");
      tx.set(ref, { v: "transaction" });
    });
    await outside;
    expect(order).toEqual(["transaction commits", "outside committed"]);
    expect((await ref.get()).get("v")).toBe("outside");
  });

  it("transactional queries read and the writes commit atomically", async () => {
    await db.doc("q/a").set({ open: true, n: 1 });
    await db.doc("q/b").set({ open: true, n: 2 });
    await db.doc("q/c").set({ open: false, n: 3 });
    const total = await db.runTransaction(async (tx) => {
      const snap = await tx.get(db.collection("q").where("open", "==", true));
      for (const d of snap.docs) tx.update(d.ref, { open: false });
      return snap.docs.reduce((s, d) => s + d.get("n"), 0);
    });
    expect(total).toBe(3);
    expect((await db.collection("q").where("open", "==", true).get()).size).toBe(0);
  });

  it("a transaction create on an existing document fails with ALREADY_EXISTS and writes nothing", async () => {
    await db.doc("t/exists").set({ v: 1 });
    await expect(
      db.runTransaction(async (tx) => {
        tx.set(db.doc("t/other"), { v: 2 });
        tx.create(db.doc("t/exists"), { v: 3 });
      }),
    ).rejects.toMatchObject({ code: 6 });
    expect((await db.doc("t/other").get()).exists).toBe(false);
  });

  it("a transaction whose callback throws rolls back and releases its locks", async () => {
    const ref = db.doc("t/locked");
    await ref.set({ v: 1 });
    await expect(
      db.runTransaction(async (tx) => {
        await tx.get(ref);
        throw new Error("user abort");
      }),
    ).rejects.toThrow("user abort");
    await ref.set({ v: 2 });
    expect((await ref.get()).get("v")).toBe(2);
  });

  it("transaction aggregations count inside the transaction", async () => {
    await db.doc("agg/1").set({ v: 1 });
    await db.doc("agg/2").set({ v: 2 });
    const count = await db.runTransaction(
      async (tx) => (await tx.get(db.collection("agg").count())).data().count,
    );
    expect(count).toBe(2);
  });

  it("a read-only transaction reads one consistent snapshot", async () => {
    const ref = db.doc("ro/doc");
    await ref.set({ v: 1 });
    const seen = await db.runTransaction(
      async (tx) => {
        const first = (await tx.get(ref)).get("v");
        await db.doc("ro/doc").set({ v: 2 });
        const second = (await tx.get(ref)).get("v");
        return [first, second];
      },
      { readOnly: true },
    );
    expect(seen).toEqual([1, 1]);
  });

  it("a read-only transaction at a past read time sees the data as of then", async () => {
    const ref = db.doc("ro/past");
    const first = await ref.set({ v: 1 });
    await ref.set({ v: 2 });
    const v = await db.runTransaction(async (tx) => (await tx.get(ref)).get("v"), {
      readOnly: true,
      readTime: first.writeTime,
    });
    expect(v).toBe(1);
  });

  it("a query at a past read time sees the results as of then", async () => {
    const first = await db.doc("ro/a").set({ v: 1 });
    await db.doc("ro/a").set({ v: 2 });
    await db.doc("ro/b").set({ v: 3 });
    const values = await db.runTransaction(
      async (tx) => (await tx.get(db.collection("ro").orderBy("v"))).docs.map((d) => d.get("v")),
      { readOnly: true, readTime: first.writeTime },
    );
    expect(values).toEqual([1]);
  });

  it("increments committed in parallel without transactions are all applied", async () => {
    const ref = db.doc("inc/c");
    await Promise.all(
      Array.from({ length: 20 }, () => ref.set({ n: FieldValue.increment(1) }, { merge: true })),
    );
    expect((await ref.get()).get("n")).toBe(20);
  });
});
