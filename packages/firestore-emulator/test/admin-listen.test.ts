import type { DocumentSnapshot, Firestore, QuerySnapshot } from "firebase-admin/firestore";
import { beforeAll, describe, expect, it } from "vitest";
import { eventually, useAdminFirestore } from "./helpers.ts";

const PROJECT = "demo-admin-listen";
const fixture = useAdminFirestore(PROJECT);
let db: Firestore;
beforeAll(() => {
  ({ db } = fixture);
});

describe("admin onSnapshot", () => {
  it("a document listener sees the initial state, updates and the delete", async () => {
    const ref = db.doc("l/doc");
    await ref.set({ v: 1 });
    const seen: unknown[] = [];
    const stop = ref.onSnapshot((s: DocumentSnapshot) => seen.push(s.exists ? s.get("v") : "deleted"));
    await eventually(() => seen.length === 1);
    await ref.update({ v: 2 });
    await ref.delete();
    await eventually(() => seen.length === 3);
    stop();
    expect(seen).toEqual([1, 2, "deleted"]);
  });

  it("a listener on a missing document reports it missing, then created", async () => {
    const seen: boolean[] = [];
    const stop = db.doc("l/later").onSnapshot((s) => seen.push(s.exists));
    await eventually(() => seen.length === 1);
    await db.doc("l/later").set({ v: 1 });
    await eventually(() => seen.length === 2);
    stop();
    expect(seen).toEqual([false, true]);
  });

  it("a query listener reports added, modified and removed documents in commit order", async () => {
    await db.doc("q/a").set({ score: 1 });
    const changes: string[][] = [];
    const stop = db
      .collection("q")
      .where("score", ">", 0)
      .onSnapshot((s: QuerySnapshot) => changes.push(s.docChanges().map((c) => `${c.type}:${c.doc.id}`)));
    await eventually(() => changes.length === 1);
    await db.doc("q/b").set({ score: 2 });
    await db.doc("q/a").update({ score: 5 });
    await db.doc("q/b").update({ score: 0 });
    await eventually(() => changes.length === 4);
    stop();
    expect(changes).toEqual([["added:a"], ["added:b"], ["modified:a"], ["removed:b"]]);
  });

  it("a limit query listener pulls the next document into the window when one leaves", async () => {
    for (const [id, n] of [
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ] as const) {
      await db.doc(`top/${id}`).set({ n });
    }
    const windows: string[][] = [];
    const stop = db
      .collection("top")
      .orderBy("n")
      .limit(2)
      .onSnapshot((s) => windows.push(s.docs.map((d) => d.id)));
    await eventually(() => windows.length === 1);
    await db.doc("top/a").delete();
    await eventually(() => windows.length === 2);
    await db.doc("top/z").set({ n: 0 });
    await eventually(() => windows.length === 3);
    stop();
    expect(windows).toEqual([
      ["a", "b"],
      ["b", "c"],
      ["z", "b"],
    ]);
  });

  it("a collection-group listener sees documents at any depth", async () => {
    const seen: number[] = [];
    const stop = db.collectionGroup("comments").onSnapshot((s) => seen.push(s.size));
    await eventually(() => seen.length === 1);
    await db.doc("posts/p/comments/c1").set({});
    await eventually(() => seen.length === 2);
    await db.doc("x/y/z/w/comments/c2").set({});
    await eventually(() => seen.length === 3);
    stop();
    expect(seen).toEqual([0, 1, 2]);
  });

  it("a batch touching several documents arrives as one snapshot", async () => {
    const sizes: number[] = [];
    const stop = db.collection("batch").onSnapshot((s) => sizes.push(s.size));
    await eventually(() => sizes.length === 1);
    const batch = db.batch();
    for (let i = 0; i < 5; i++) batch.set(db.doc(`batch/${i}`), { i });
    await batch.commit();
    await eventually(() => sizes.length === 2);
    stop();
    expect(sizes).toEqual([0, 5]);
  });
});
