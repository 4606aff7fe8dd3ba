// Firestore emulator latency by transport, one run: the web SDK over gRPC (Node) next to the web SDK in
// headless Chromium over WebChannel, streaming and long-polling. Each measures a write until the
// server acknowledges it, and listener latency: another client's write → the snapshot showing it.
// Run: node bench/firestore/transports.ts
import { deleteApp, initializeApp } from "firebase/app";
import {
  connectFirestoreEmulator,
  doc,
  type Firestore,
  initializeFirestore,
  onSnapshot,
  setDoc,
  terminate,
} from "firebase/firestore";
import { bundleForBrowser } from "../../test/browser/support/bundle.ts";
import { launchChromium } from "../../test/browser/support/chromium.ts";
import { executableEngine } from "../../test/browser/support/engines.ts";
import { type BrowserTransportMode, initFirestore } from "../../test/browser/support/firestore-page.ts";
import { SDK_PAGE, serveStatic } from "../../test/browser/support/static-site.ts";
import { summarize } from "../lib/stats.ts";
import { formatTable } from "../lib/table.ts";

const PROJECT = "demo-bench-transports";
const WRITES = 200;
const ROUND_TRIPS = 100;

interface Samples {
  readonly writes: number[];
  readonly listener: number[];
}

/** The web SDK in Node (gRPC): a writer and a listener, each its own Firestore instance. */
async function measureGrpc(port: number): Promise<Samples> {
  const open = (name: string): Firestore => {
    const db = initializeFirestore(initializeApp({ projectId: PROJECT, apiKey: "bench" }, name), {});
    connectFirestoreEmulator(db, "127.0.0.1", port);
    return db;
  };
  const [db, writer] = [open("grpc-listener"), open("grpc-writer")];
  try {
    await setDoc(doc(db, "warm/up"), { ok: true });
    const writes: number[] = [];
    for (let i = 0; i < WRITES; i++) {
      const t = performance.now();
      await setDoc(doc(db, `grpc-writes/w${i}`), { i });
      writes.push(performance.now() - t);
    }
    const listener: number[] = [];
    let waiting: { v: number; since: number; resolve: () => void } | undefined;
    let ready!: () => void;
    const first = new Promise<void>((r) => (ready = r));
    const stop = onSnapshot(doc(db, "grpc-listen/target"), (snap) => {
      ready();
      if (waiting && snap.get("v") === waiting.v) {
        listener.push(performance.now() - waiting.since);
        waiting.resolve();
      }
    });
    await first;
    for (let v = 0; v < ROUND_TRIPS; v++) {
      await new Promise<void>((resolve) => {
        waiting = { v, since: performance.now(), resolve };
        void setDoc(doc(writer, "grpc-listen/target"), { v });
      });
    }
    stop();
    return { writes, listener };
  } finally {
    for (const d of [db, writer]) {
      await terminate(d);
      await deleteApp(d.app);
    }
  }
}

/** The web SDK in a Chromium page, over WebChannel in the given mode; the writer is a second app. */
async function measureBrowser(
  page: import("playwright-core").Page,
  port: number,
  transport: BrowserTransportMode,
): Promise<Samples> {
  await initFirestore(page, { projectId: PROJECT, emulator: { host: "127.0.0.1", port }, transport });
  return page.evaluate(
    async ({ projectId, port, transport, writesCount, roundTrips }) => {
      const sdk = window.sdk;
      const writerApp = sdk.initializeApp({ projectId, apiKey: "bench" }, "writer");
      const writer = sdk.initializeFirestore(writerApp, {
        experimentalForceLongPolling: transport === "long-polling",
        experimentalAutoDetectLongPolling: false,
      });
      sdk.connectFirestoreEmulator(writer, "127.0.0.1", port);
      const db = window.db;
      await sdk.setDoc(sdk.doc(db, "warm/up"), { ok: true });
      const writes: number[] = [];
      for (let i = 0; i < writesCount; i++) {
        const t = performance.now();
        await sdk.setDoc(sdk.doc(db, `${transport}-writes/w${i}`), { i });
        writes.push(performance.now() - t);
      }
      const listener: number[] = [];
      let waiting: { v: number; since: number; resolve: () => void } | undefined;
      let ready!: () => void;
      const first = new Promise<void>((r) => (ready = r));
      const stop = sdk.onSnapshot(sdk.doc(db, `${transport}-listen/target`), (snap) => {
        ready();
        if (waiting && snap.get("v") === waiting.v) {
          listener.push(performance.now() - waiting.since);
          waiting.resolve();
        }
      });
      await first;
      for (let v = 0; v < roundTrips; v++) {
        await new Promise<void>((resolve) => {
          waiting = { v, since: performance.now(), resolve };
          void sdk.setDoc(sdk.doc(writer, `${transport}-listen/target`), { v });
        });
      }
      stop();
      await sdk.terminate(writer);
      await sdk.terminate(db);
      return { writes, listener };
    },
    { projectId: PROJECT, port, transport, writesCount: WRITES, roundTrips: ROUND_TRIPS },
  );
}

type Row = [string, string, string, number, number, number, number];

function rows(transport: string, samples: Samples): Row[] {
  return (
    [
      ["setDoc, until acknowledged", samples.writes],
      ["listener: other client's write → snapshot", samples.listener],
    ] as const
  ).map(([operation, values]) => {
    const s = summarize(values);
    return [transport, operation, String(s.count), s.mean, s.p50, s.p95, s.p99];
  });
}

const emulator = await executableEngine(PROJECT);
const { port } = emulator;
const [sdk, browser] = await Promise.all([
  bundleForBrowser("test/browser/support/firestore-sdk.ts"),
  launchChromium(),
]);
const site = await serveStatic({ "/": SDK_PAGE, "/sdk.js": { body: sdk, type: "text/javascript" } });
const table: Row[] = [];
try {
  table.push(...rows("gRPC (web SDK in Node)", await measureGrpc(port)));
  for (const transport of ["streaming", "long-polling"] as const) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.origin}/`);
    table.push(...rows(`WebChannel ${transport} (Chromium)`, await measureBrowser(page, port, transport)));
    await context.close();
  }
  console.log(`Firestore emulator by transport (${PROJECT}, ${new Date().toISOString()})\n`);
  console.log(
    formatTable(["transport", "operation", "count", "mean ms", "p50 ms", "p95 ms", "p99 ms"], table),
  );
} finally {
  await browser.close();
  await site.close();
  await emulator.stop();
}
