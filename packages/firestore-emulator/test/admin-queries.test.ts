import {
  AggregateField,
  FieldPath,
  FieldValue,
  Filter,
  type Firestore,
  GeoPoint,
  Timestamp,
} from "firebase-admin/firestore";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useAdminFirestore } from "./helpers.ts";

const PROJECT = "demo-admin-queries";
const fixture = useAdminFirestore(PROJECT);
let db: Firestore;
beforeAll(() => {
  ({ db } = fixture);
});

/** Writes documents `col/{id}` in one batch. */
async function seed(col: string, docs: Record<string, Record<string, unknown>>): Promise<void> {
  const batch = db.batch();
  for (const [id, data] of Object.entries(docs)) batch.set(db.collection(col).doc(id), data);
  await batch.commit();
}

async function ids(q: FirebaseFirestore.Query): Promise<string[]> {
  return (await q.get()).docs.map((d) => d.id);
}

describe("filters", () => {
  beforeEach(() =>
    seed("n", {
      a: { v: 1, tags: ["x", "y"], s: "apple", m: { depth: 1 } },
      b: { v: 2, tags: ["y"], s: "banana", m: { depth: 2 } },
      c: { v: 3.5, tags: [], s: "cherry", m: { depth: 3 } },
      d: { v: null, s: "date" },
      e: { s: "elder" },
      f: { v: "3", tags: ["z"] },
    }),
  );

  it("== matches equal values, treating integers and doubles as numbers", async () => {
    await seed("eq", { i: { v: 2 }, d: { v: 2.0 }, other: { v: 3 } });
    expect(await ids(db.collection("eq").where("v", "==", 2))).toEqual(["d", "i"]);
  });

  it("range filters only match values of the same type", async () => {
    expect(await ids(db.collection("n").where("v", ">", 1))).toEqual(["b", "c"]);
    expect(await ids(db.collection("n").where("v", "<=", 2))).toEqual(["a", "b"]);
    expect(await ids(db.collection("n").where("v", ">=", ""))).toEqual(["f"]);
  });

  it("!= excludes missing fields and nulls but crosses types", async () => {
    expect(await ids(db.collection("n").where("v", "!=", 2))).toEqual(["a", "c", "f"]);
  });

  it("== null matches null values only", async () => {
    expect(await ids(db.collection("n").where("v", "==", null))).toEqual(["d"]);
  });

  it("in and not-in match membership; not-in excludes missing and null", async () => {
    expect(await ids(db.collection("n").where("v", "in", [1, 3.5, "3"]))).toEqual(["a", "c", "f"]);
    expect(await ids(db.collection("n").where("v", "not-in", [1, 2]))).toEqual(["c", "f"]);
  });

  it("in and array-contains-any never match null or NaN, even when the list holds them", async () => {
    await seed("special", {
      n: { v: null, a: [null] },
      x: { v: Number.NaN, a: [Number.NaN] },
      one: { v: 1, a: [1] },
    });
    const q = db.collection("special");
    expect(await ids(q.where("v", "in", [null, Number.NaN]))).toEqual([]);
    expect(await ids(q.where("v", "in", [1, null]))).toEqual(["one"]);
    expect(await ids(q.where("a", "array-contains-any", [null, Number.NaN, 1]))).toEqual(["one"]);
  });

  it("in and not-in operands may hold arrays, matched as whole values", async () => {
    await seed("zips", { a: { zip: 98101 }, b: { zip: [98101, 98102] }, c: { zip: 98103 } });
    const q = db.collection("zips");
    expect(await ids(q.where("zip", "in", [98101, [98101, 98102]]))).toEqual(["a", "b"]);
    expect(await ids(q.where("zip", "not-in", [98101, [98101, 98102]]))).toEqual(["c"]);
  });

  it("NaN satisfies no range filter", async () => {
    await seed("ranges", { nan: { v: Number.NaN }, zero: { v: 0 } });
    expect(await ids(db.collection("ranges").where("v", "<=", 2))).toEqual(["zero"]);
    expect(await ids(db.collection("ranges").where("v", ">", -1))).toEqual(["zero"]);
  });

  it("array-contains and array-contains-any test array elements", async () => {
    expect(await ids(db.collection("n").where("tags", "array-contains", "y"))).toEqual(["a", "b"]);
    expect(await ids(db.collection("n").where("tags", "array-contains-any", ["x", "z"]))).toEqual(["a", "f"]);
  });

  it("filters on nested field paths", async () => {
    expect(await ids(db.collection("n").where("m.depth", ">=", 2))).toEqual(["b", "c"]);
    expect(await ids(db.collection("n").where(new FieldPath("m", "depth"), "==", 1))).toEqual(["a"]);
  });

  it("NaN matches with == NaN", async () => {
    await seed("nan", { x: { v: Number.NaN }, y: { v: 1 } });
    expect(await ids(db.collection("nan").where("v", "==", Number.NaN))).toEqual(["x"]);
  });

  it("Filter.or and nested and/or composites combine", async () => {
    const q = db
      .collection("n")
      .where(
        Filter.or(
          Filter.and(Filter.where("tags", "array-contains", "y"), Filter.where("s", "==", "banana")),
          Filter.where("s", "==", "elder"),
          Filter.or(Filter.where("v", "in", ["3", 3.5])),
        ),
      );
    expect(await ids(q)).toEqual(["b", "c", "e", "f"]);
  });

  it("an inequality in one OR branch excludes documents lacking that field from every branch", async () => {
    // The inequality on v implies orderBy v, and documents without v cannot be ordered.
    const q = db
      .collection("n")
      .where(Filter.or(Filter.where("v", ">=", 2), Filter.where("s", "==", "elder")));
    expect(await ids(q)).toEqual(["b", "c"]);
  });

  it("documentId filters compare document names", async () => {
    expect(await ids(db.collection("n").where(FieldPath.documentId(), ">", "d"))).toEqual(["e", "f"]);
    expect(await ids(db.collection("n").where(FieldPath.documentId(), "in", ["a", "c", "zz"]))).toEqual([
      "a",
      "c",
    ]);
    expect(await ids(db.collection("n").where(FieldPath.documentId(), "not-in", ["a", "b", "c"]))).toEqual([
      "d",
      "e",
      "f",
    ]);
  });
});

describe("ordering, cursors, offset and limit", () => {
  beforeEach(() =>
    seed("o", {
      a: { n: 3, g: "x" },
      b: { n: 1, g: "y" },
      c: { n: 2, g: "x" },
      d: { n: 2, g: "y" },
      e: { g: "z" },
    }),
  );

  it("orderBy sorts, ties break by document name, and documents lacking the field are excluded", async () => {
    expect(await ids(db.collection("o").orderBy("n"))).toEqual(["b", "c", "d", "a"]);
    expect(await ids(db.collection("o").orderBy("n", "desc"))).toEqual(["a", "d", "c", "b"]);
  });

  it("an inequality orders implicitly by its field", async () => {
    expect(await ids(db.collection("o").where("n", "<", 3))).toEqual(["b", "c", "d"]);
  });

  it("multiple orderBy clauses apply in sequence", async () => {
    expect(await ids(db.collection("o").orderBy("g", "desc").orderBy("n"))).toEqual(["b", "d", "c", "a"]);
  });

  it("startAt, startAfter, endAt and endBefore bound by values", async () => {
    const q = db.collection("o").orderBy("n");
    expect(await ids(q.startAt(2))).toEqual(["c", "d", "a"]);
    expect(await ids(q.startAfter(2))).toEqual(["a"]);
    expect(await ids(q.endAt(2))).toEqual(["b", "c", "d"]);
    expect(await ids(q.endBefore(2))).toEqual(["b"]);
    expect(await ids(q.startAfter(1).endBefore(3))).toEqual(["c", "d"]);
  });

  it("a snapshot cursor continues after that exact document", async () => {
    const c = await db.doc("o/c").get();
    expect(await ids(db.collection("o").orderBy("n").startAfter(c))).toEqual(["d", "a"]);
  });

  it("cursors on a descending order bound in that direction", async () => {
    expect(await ids(db.collection("o").orderBy("n", "desc").startAfter(3).endAt(2))).toEqual(["d", "c"]);
  });

  it("offset skips and limit caps the results", async () => {
    expect(await ids(db.collection("o").orderBy("n").offset(1).limit(2))).toEqual(["c", "d"]);
  });

  it("limitToLast returns the last documents in query order", async () => {
    expect(await ids(db.collection("o").orderBy("n").limitToLast(2))).toEqual(["d", "a"]);
  });

  it("pagination with startAfter visits every document once", async () => {
    const seen: string[] = [];
    let q = db.collection("o").orderBy("g").limit(2);
    for (;;) {
      const page = await q.get();
      seen.push(...page.docs.map((d) => d.id));
      if (page.size < 2) break;
      q = db
        .collection("o")
        .orderBy("g")
        .startAfter(page.docs[page.size - 1]!)
        .limit(2);
    }
    expect(seen).toEqual(["a", "c", "b", "d", "e"]);
  });
});

describe("document ids and the key", () => {
  it("numeric ids (__id<int64>__) sort first by their integer, before every other id", async () => {
    await seed("num", { __id12__: {}, __id7__: {}, "__id-2__": {}, A: {}, __id: {}, a: {} });
    expect(await ids(db.collection("num").orderBy(FieldPath.documentId()))).toEqual([
      "__id-2__",
      "__id7__",
      "__id12__",
      "A",
      "__id",
      "a",
    ]);
    const range = db
      .collection("num")
      .where(FieldPath.documentId(), ">", "__id7__")
      .where(FieldPath.documentId(), "<=", "Aa");
    expect(await ids(range)).toEqual(["__id12__", "A"]);
  });

  it("rejects a key order followed by an inequality's implicit order", async () => {
    const q = db.collection("k").where("key", "!=", 42).orderBy(FieldPath.documentId());
    await expect(q.get()).rejects.toThrow(/order by clause cannot contain more fields after the key/);
  });

  it("rejects key equality combined with inequalities on other fields only", async () => {
    const q = db.collection("k").where("key", "!=", 42).where(FieldPath.documentId(), "==", "doc1");
    await expect(q.get()).rejects.toThrow(
      "Equality on key is not allowed if there are other inequality fields and key does not appear in inequalities.",
    );
  });
});

describe("value ordering across types", () => {
  it("orders null < booleans < numbers < timestamps < strings < bytes < references < geo points < arrays < maps", async () => {
    await seed("mix", {
      map: { v: { a: 1 } },
      arr: { v: [1] },
      geo: { v: new GeoPoint(0, 0) },
      ref: { v: db.doc("x/y") },
      bytes: { v: Buffer.from([1]) },
      str: { v: "s" },
      ts: { v: Timestamp.fromMillis(0) },
      num: { v: 1 },
      nan: { v: Number.NaN },
      bool: { v: false },
      nul: { v: null },
      vec: { v: FieldValue.vector([1]) },
    });
    expect(await ids(db.collection("mix").orderBy("v"))).toEqual([
      "nul",
      "bool",
      "nan",
      "num",
      "ts",
      "str",
      "bytes",
      "ref",
      "geo",
      "arr",
      "vec",
      "map",
    ]);
  });

  it("orders strings by UTF-8 bytes and numbers by value across int and double", async () => {
    await seed("strs", { a: { v: "z" }, b: { v: "é" }, c: { v: "😀" }, d: { v: "\uffff" } });
    expect(await ids(db.collection("strs").orderBy("v"))).toEqual(["a", "b", "d", "c"]);
    await seed("nums", { a: { v: 2.5 }, b: { v: 2 }, c: { v: -1 }, d: { v: 3 } });
    expect(await ids(db.collection("nums").orderBy("v"))).toEqual(["c", "b", "a", "d"]);
  });
});

describe("collection groups, projections and scope", () => {
  it("a collection-group query finds the collection id at every depth", async () => {
    await db.doc("users/a/posts/p1").set({ n: 1 });
    await db.doc("users/b/posts/p2").set({ n: 2 });
    await db.doc("posts/p3").set({ n: 3 });
    await db.doc("users/a/drafts/p4").set({ n: 4 });
    expect(await ids(db.collectionGroup("posts").orderBy("n"))).toEqual(["p1", "p2", "p3"]);
    expect(await ids(db.collectionGroup("posts").where("n", ">", 1))).toEqual(["p2", "p3"]);
  });

  it("a collection query only sees its direct children", async () => {
    await db.doc("c/1").set({});
    await db.doc("c/1/c/2").set({});
    expect(await ids(db.collection("c"))).toEqual(["1"]);
    expect(await ids(db.collection("c/1/c"))).toEqual(["2"]);
  });

  it("collection-group partitions by documentId cover the group", async () => {
    await db.doc("a/1/g/x").set({});
    await db.doc("b/1/g/y").set({});
    const parts = [];
    for await (const p of db.collectionGroup("g").getPartitions(3)) parts.push(p);
    const all = (await Promise.all(parts.map((p) => p.toQuery().get()))).flatMap((s) =>
      s.docs.map((d) => d.id),
    );
    expect(all.sort()).toEqual(["x", "y"]);
  });

  it("select returns only the projected fields", async () => {
    await db.doc("p/1").set({ a: 1, b: 2, m: { x: 1, y: 2 } });
    const snap = await db.collection("p").select("a", "m.y").get();
    expect(snap.docs[0]!.data()).toEqual({ a: 1, m: { y: 2 } });
    const names = await db.collection("p").select().get();
    expect(names.docs[0]!.data()).toEqual({});
  });
});

describe("aggregations", () => {
  beforeEach(() => seed("agg", { a: { v: 1, w: 1.5 }, b: { v: 2, w: 2 }, c: { v: "x" }, d: {} }));

  it("count counts the query's documents", async () => {
    expect((await db.collection("agg").count().get()).data().count).toBe(4);
    expect((await db.collection("agg").where("v", ">=", 2).count().get()).data().count).toBe(1);
  });

  it("sum and average ignore non-numeric values; average of nothing is null", async () => {
    const agg = db.collection("agg");
    expect((await agg.aggregate({ total: AggregateField.sum("v") }).get()).data()).toEqual({ total: 3 });
    expect((await agg.aggregate({ mean: AggregateField.average("w") }).get()).data()).toEqual({ mean: 1.75 });
    expect((await agg.aggregate({ none: AggregateField.average("missing") }).get()).data()).toEqual({
      none: null,
    });
  });

  it("several aggregations only aggregate documents holding every summed or averaged field", async () => {
    await seed("books", {
      a: { pages: 100, year: 1980 },
      b: { pages: 50, year: 2020 },
      c: { pages: 150, year: 2021 },
      d: { pages: 50 },
    });
    const snap = await db
      .collection("books")
      .aggregate({
        totalPages: AggregateField.sum("pages"),
        averageYear: AggregateField.average("year"),
        count: AggregateField.count(),
      })
      .get();
    expect(snap.data()).toEqual({ totalPages: 300, averageYear: 2007, count: 3 });
  });

  it("more than five aggregations are rejected with production's wording", async () => {
    const six = Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`c${i}`, AggregateField.count()]));
    await expect(db.collection("agg").aggregate(six).get()).rejects.toThrow(/maximum number of aggregations/);
  });

  it("aggregations respect the query's limit", async () => {
    expect((await db.collection("agg").limit(2).count().get()).data().count).toBe(2);
  });
});
