// The web SDK in Chromium against our engine: document CRUD, every value type, queries and
// aggregations, over WebChannel (Write/Listen) and the JSON POSTs (runAggregationQuery).
import { describe, expect, it } from "vitest";
import { useBrowserFirestore } from "./support/firestore-fixture.ts";

const PROJECT = "demo-browser-docs";
const fixture = useBrowserFirestore(PROJECT);

describe("documents from a browser", () => {
  it("creates, reads, updates and deletes a document", async () => {
    const page = await fixture.openPage();
    const steps = await page.evaluate(async () => {
      const { doc, setDoc, getDoc, updateDoc, deleteDoc } = window.sdk;
      const ref = doc(window.db, "profiles/alice");
      await setDoc(ref, { name: "Alice", bio: "hi" });
      const created = (await getDoc(ref)).data();
      await updateDoc(ref, { bio: "hello" });
      const updated = (await getDoc(ref)).data();
      await deleteDoc(ref);
      const deleted = (await getDoc(ref)).exists();
      return { created, updated, deleted };
    });
    expect(steps).toEqual({
      created: { name: "Alice", bio: "hi" },
      updated: { name: "Alice", bio: "hello" },
      deleted: false,
    });
  });

  it("stores what the browser wrote where a gRPC client reads it", async () => {
    const page = await fixture.openPage();
    const id = await page.evaluate(async () => {
      const { addDoc, collection } = window.sdk;
      return (await addDoc(collection(window.db, "drafts"), { text: "draft one" })).id;
    });
    const response = await fetch(
      `http://${fixture.engine.address}/v1/projects/${PROJECT}/databases/(default)/documents:batchGet`,
      {
        method: "POST",
        body: JSON.stringify({
          documents: [`projects/${PROJECT}/databases/(default)/documents/drafts/${id}`],
        }),
      },
    );
    const [result] = (await response.json()) as [{ found: { fields: unknown } }];
    expect(result.found.fields).toEqual({ text: { stringValue: "draft one" } });
  });

  it("round-trips every value type", async () => {
    const page = await fixture.openPage();
    const read = await page.evaluate(async () => {
      const { doc, setDoc, getDocFromServer, Timestamp, GeoPoint, Bytes } = window.sdk;
      const ref = doc(window.db, "types/all");
      await setDoc(ref, {
        null: null,
        bool: true,
        int: 9007199254740991,
        negative: -42,
        double: 1.5,
        nan: Number.NaN,
        infinity: Number.NEGATIVE_INFINITY,
        timestamp: new Timestamp(1700000000, 123456000),
        string: "héllo ✓ 😀",
        bytes: Bytes.fromUint8Array(new Uint8Array([0, 1, 254, 255])),
        reference: doc(window.db, "profiles/alice"),
        geo: new GeoPoint(48.85, 2.35),
        array: [1, "two", { three: 3 }],
        map: { nested: { deep: ["x"] }, "dotted.key": 1 },
      });
      const data = (await getDocFromServer(ref)).data()!;
      return {
        null: data.null,
        bool: data.bool,
        int: data.int,
        negative: data.negative,
        double: data.double,
        nan: Number.isNaN(data.nan),
        infinity: data.infinity === Number.NEGATIVE_INFINITY,
        timestamp: [data.timestamp.seconds, data.timestamp.nanoseconds],
        string: data.string,
        bytes: Array.from(data.bytes.toUint8Array()),
        reference: data.reference.path,
        geo: [data.geo.latitude, data.geo.longitude],
        array: data.array,
        map: data.map,
      };
    });
    expect(read).toEqual({
      null: null,
      bool: true,
      int: 9007199254740991,
      negative: -42,
      double: 1.5,
      nan: true,
      infinity: true,
      timestamp: [1700000000, 123456000],
      string: "héllo ✓ 😀",
      bytes: [0, 1, 254, 255],
      reference: "profiles/alice",
      geo: [48.85, 2.35],
      array: [1, "two", { three: 3 }],
      map: { nested: { deep: ["x"] }, "dotted.key": 1 },
    });
  });

  it("applies server timestamps, increments and array transforms", async () => {
    const page = await fixture.openPage();
    const data = await page.evaluate(async () => {
      const {
        doc,
        setDoc,
        updateDoc,
        getDocFromServer,
        serverTimestamp,
        increment,
        arrayUnion,
        arrayRemove,
      } = window.sdk;
      const ref = doc(window.db, "counters/c");
      await setDoc(ref, { n: 1, tags: ["a", "b"] });
      await updateDoc(ref, { n: increment(41), tags: arrayUnion("c"), at: serverTimestamp() });
      await updateDoc(ref, { tags: arrayRemove("a") });
      const snap = (await getDocFromServer(ref)).data()!;
      return { n: snap.n, tags: snap.tags, atIsRecent: Math.abs(snap.at.toMillis() - Date.now()) < 60_000 };
    });
    expect(data).toEqual({ n: 42, tags: ["b", "c"], atIsRecent: true });
  });

  it("reports a failed precondition as the SDK's error code", async () => {
    const page = await fixture.openPage();
    const code = await page.evaluate(async () => {
      const { doc, updateDoc } = window.sdk;
      try {
        await updateDoc(doc(window.db, "profiles/nobody"), { bio: "x" });
        return "no error";
      } catch (error) {
        return (error as { code: string }).code;
      }
    });
    expect(code).toBe("not-found");
  });
});

describe("queries from a browser", () => {
  it("filters, orders, limits and pages with cursors", async () => {
    const page = await fixture.openPage();
    const pages = await page.evaluate(async () => {
      const { collection, doc, writeBatch, query, where, orderBy, limit, startAfter, getDocsFromServer } =
        window.sdk;
      const batch = writeBatch(window.db);
      for (let i = 0; i < 12; i++) batch.set(doc(window.db, `posts/p${i}`), { i, even: i % 2 === 0 });
      await batch.commit();
      const base = query(
        collection(window.db, "posts"),
        where("even", "==", true),
        orderBy("i", "desc"),
        limit(3),
      );
      const first = await getDocsFromServer(base);
      const second = await getDocsFromServer(query(base, startAfter(first.docs.at(-1)!)));
      return [first.docs.map((d) => d.id), second.docs.map((d) => d.id)];
    });
    expect(pages).toEqual([
      ["p10", "p8", "p6"],
      ["p4", "p2", "p0"],
    ]);
  });

  it("runs or, in and array-contains queries", async () => {
    const page = await fixture.openPage();
    const ids = await page.evaluate(async () => {
      const { collection, doc, setDoc, query, where, or, getDocsFromServer } = window.sdk;
      const users = collection(window.db, "users");
      await setDoc(doc(users, "a"), { city: "Paris", tags: ["x"] });
      await setDoc(doc(users, "b"), { city: "Oslo", tags: ["y"] });
      await setDoc(doc(users, "c"), { city: "Rome", tags: ["x", "y"] });
      const ids = async (q: ReturnType<typeof query>) => (await getDocsFromServer(q)).docs.map((d) => d.id);
      return {
        or: await ids(query(users, or(where("city", "==", "Oslo"), where("tags", "array-contains", "x")))),
        in: await ids(query(users, where("city", "in", ["Paris", "Rome"]))),
      };
    });
    expect(ids).toEqual({ or: ["a", "b", "c"], in: ["a", "c"] });
  });

  it("counts, sums and averages on the server", async () => {
    const page = await fixture.openPage();
    const result = await page.evaluate(async () => {
      const { collection, doc, setDoc, getCountFromServer, getAggregateFromServer, sum, average, count } =
        window.sdk;
      const scores = collection(window.db, "scores");
      for (const [id, points] of [
        ["a", 10],
        ["b", 20],
        ["c", 60],
      ] as const) {
        await setDoc(doc(scores, id), { points });
      }
      const counted = (await getCountFromServer(scores)).data().count;
      const agg = (
        await getAggregateFromServer(scores, { total: sum("points"), mean: average("points"), n: count() })
      ).data();
      return { counted, ...agg };
    });
    expect(result).toEqual({ counted: 3, total: 90, mean: 30, n: 3 });
  });
});
