// Firestore emulator throughput: admin-SDK writes (sequential and parallel), queries, and listener
// latency (write → snapshot), against the executable on a free port. Run: node bench/firestore/throughput.ts
import { deleteApp, initializeApp } from "firebase-admin/app";
import { type DocumentSnapshot, getFirestore } from "firebase-admin/firestore";
import { startFirestoreExecutable } from "../lib/firestore-emulator.ts";
import { type LatencySummary, summarize, timeSequential } from "../lib/stats.ts";
import { formatTable } from "../lib/table.ts";

const PROJECT = "demo-bench";
const DOCS = 1000;

type Row = [string, string, number, number, number, number, number];

function row(name: string, samples: number[], wallMs: number): Row {
  const s: LatencySummary = summarize(samples);
  return [name, String(s.count), (s.count / wallMs) * 1000, s.mean, s.p50, s.p95, s.p99];
}

const { proc: emulator, port } = await startFirestoreExecutable(PROJECT);
process.env.METADATA_SERVER_DETECTION = "none";
process.env.FIRESTORE_EMULATOR_HOST = `127.0.0.1:${port}`;
const app = initializeApp({ projectId: PROJECT }, "bench");
const db = getFirestore(app);
const rows: Row[] = [];

try {
  await db.doc("warm/up").set({ ok: true }); // the SDK's first call pays a one-off channel set-up

  let start = performance.now();
  let samples = await timeSequential(500, (i) =>
    db.doc(`seq/${i}`).set({ i, group: i % 10, name: `doc ${i}` }),
  );
  rows.push(row("set, sequential", samples, performance.now() - start));

  start = performance.now();
  samples = [];
  const CONCURRENCY = 50;
  for (let base = 0; base < DOCS; base += CONCURRENCY) {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, k) => {
        const t = performance.now();
        await db.doc(`par/${base + k}`).set({ i: base + k, group: (base + k) % 10 });
        samples.push(performance.now() - t);
      }),
    );
  }
  rows.push(row(`set, ${CONCURRENCY} in flight`, samples, performance.now() - start));

  start = performance.now();
  samples = await timeSequential(200, (i) =>
    db
      .collection("par")
      .where("group", "==", i % 10)
      .orderBy("i", "desc")
      .limit(20)
      .get(),
  );
  rows.push(row(`query (${DOCS} docs, ==, orderBy, limit 20)`, samples, performance.now() - start));

  start = performance.now();
  samples = await timeSequential(100, () => db.collection("par").where("i", ">=", 900).count().get());
  rows.push(row(`count() over a range of ${DOCS} docs`, samples, performance.now() - start));

  // Listener latency: time from issuing a write to the snapshot that shows it.
  const ref = db.doc("listen/target");
  await ref.set({ v: -1 });
  let waiting: { v: number; since: number; resolve: (ms: number) => void } | undefined;
  let ready: () => void = () => {};
  const first = new Promise<void>((r) => (ready = r));
  const unsubscribe = ref.onSnapshot((snap: DocumentSnapshot) => {
    ready();
    if (waiting && snap.get("v") === waiting.v) waiting.resolve(performance.now() - waiting.since);
  });
  await first;
  start = performance.now();
  samples = [];
  for (let v = 0; v < 100; v++) {
    samples.push(
      await new Promise<number>((resolve) => {
        waiting = { v, since: performance.now(), resolve };
        void ref.set({ v });
      }),
    );
  }
  rows.push(row("listener latency, write → snapshot", samples, performance.now() - start));
  unsubscribe();

  start = performance.now();
  samples = [];
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      const t = performance.now();
      await db.runTransaction(async (tx) => {
        const snap = await tx.get(db.doc("tx/counter"));
        tx.set(db.doc("tx/counter"), { n: (snap.get("n") ?? 0) + 1 });
      });
      samples.push(performance.now() - t);
    }),
  );
  rows.push(row("contended transaction (20 at once)", samples, performance.now() - start));

  console.log(`Firestore emulator, admin SDK over gRPC (${PROJECT}, ${new Date().toISOString()})\n`);
  console.log(formatTable(["operation", "count", "ops/s", "mean ms", "p50 ms", "p95 ms", "p99 ms"], rows));
} finally {
  await deleteApp(app);
  emulator.kill("SIGTERM");
}
