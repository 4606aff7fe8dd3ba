// What durability costs per write: the Firestore engine in memory only, and with a data directory
// (journal fsynced at commit) with and without group commit, and without fsync. Each configuration is
// the executable on a free port, written to through the admin SDK, one write at a time and with many
// in flight (where group commit shares one fsync among all waiting commits).
// Run: npm run bench -- firestore/durability
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deleteApp, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { runConcurrent } from "../lib/concurrency.ts";
import { type Cell, formatTable } from "../lib/table.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.join(root, "packages/firestore-emulator/bin/firestore-emulator");
const PROJECT = "demo-bench-durability";
const SEQUENTIAL = 400;
const CONCURRENT = 3000;
const IN_FLIGHT = 64;
/** Each row is the median of this many runs. */
const ROUNDS = 3;

const CONFIGURATIONS: { name: string; flags: (dir: string) => string[] }[] = [
  { name: "in memory (no --data_dir)", flags: () => [] },
  { name: "journal, fsync, group commit (default)", flags: (dir) => [`--data_dir=${dir}`] },
  { name: "journal, fsync per commit", flags: (dir) => [`--data_dir=${dir}`, "--group_commit=false"] },
  { name: "journal, no fsync (--fsync=false)", flags: (dir) => [`--data_dir=${dir}`, "--fsync=false"] },
];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function startEngine(
  port: number,
  flags: string[],
): Promise<{ proc: ChildProcess; output: () => string }> {
  const proc = spawn(BIN, ["--host=127.0.0.1", `--port=${port}`, `--project_id=${PROJECT}`, ...flags], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("Dev App Server is now running.")) resolve();
    });
    proc.on("exit", (code) => reject(new Error(`engine exited with ${code}`)));
  });
  return { proc, output: () => out };
}

/** Writes per group commit, from the line the engine prints on exit (with a data directory). */
function writesPerSync(output: string): string {
  const m = /Journal: (\d+) commits written in (\d+) group commits/.exec(output);
  return m ? (Number(m[1]) / Number(m[2])).toFixed(1) : "-";
}

process.env.METADATA_SERVER_DETECTION = "none";
const rows: Cell[][] = [];
const payload = { name: "a profile", bio: "x".repeat(300), tags: ["a", "b", "c"], n: 0 };

/** The two loads each configuration is measured under, each on a fresh engine. */
const LOADS = [
  { name: "1 in flight", clients: 1, writes: SEQUENTIAL },
  { name: `${IN_FLIGHT} in flight`, clients: IN_FLIGHT, writes: CONCURRENT },
];

/** One measurement: a fresh engine in this configuration, written to under this load. */
async function measure(
  configuration: (typeof CONFIGURATIONS)[number],
  load: (typeof LOADS)[number],
  id: number,
): Promise<{ opsPerSecond: number; p50: number; p99: number; engineOutput: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "fs-bench-durability-"));
  const port = await freePort();
  const engine = await startEngine(port, configuration.flags(dir));
  process.env.FIRESTORE_EMULATOR_HOST = `127.0.0.1:${port}`;
  const app = initializeApp({ projectId: PROJECT }, `durability-${id}`);
  const db = getFirestore(app);
  let result: Awaited<ReturnType<typeof runConcurrent>>;
  try {
    await db.doc("warm/up").set({ ok: true }); // the SDK's first call pays a one-off channel set-up
    result = await runConcurrent(load.clients, load.writes, (i) =>
      db.doc(`w/${i}`).set({ ...payload, n: i }),
    );
  } finally {
    await deleteApp(app);
    engine.proc.kill("SIGTERM");
    await new Promise((r) => engine.proc.once("exit", r));
    await rm(dir, { recursive: true, force: true });
  }
  // After the engine exited: its last line says how many writes each fsync carried.
  return {
    opsPerSecond: result.opsPerSecond,
    p50: result.latency.p50,
    p99: result.latency.p99,
    engineOutput: engine.output(),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// Rounds interleave the configurations, so a noisy neighbour on a shared machine hits all of them.
const results = new Map<string, { ops: number[]; p50: number[]; p99: number[]; perSync: string }>();
let id = 0;
for (let round = 0; round < ROUNDS; round++) {
  for (const configuration of CONFIGURATIONS) {
    for (const load of LOADS) {
      const key = `${configuration.name}\u0000${load.name}`;
      const m = await measure(configuration, load, ++id);
      const entry = results.get(key) ?? { ops: [], p50: [], p99: [], perSync: "-" };
      entry.ops.push(m.opsPerSecond);
      entry.p50.push(m.p50);
      entry.p99.push(m.p99);
      entry.perSync = writesPerSync(m.engineOutput);
      results.set(key, entry);
    }
  }
}
for (const configuration of CONFIGURATIONS) {
  for (const load of LOADS) {
    const r = results.get(`${configuration.name}\u0000${load.name}`)!;
    rows.push([
      configuration.name,
      load.name,
      String(load.writes),
      median(r.ops),
      median(r.p50),
      median(r.p99),
      r.perSync,
    ]);
  }
}

console.log(
  `Firestore engine: cost of durability per write, admin SDK set() over gRPC, median of ${ROUNDS} interleaved runs (${new Date().toISOString()})\n`,
);
console.log(
  formatTable(["configuration", "load", "writes", "writes/s", "p50 ms", "p99 ms", "writes per fsync"], rows),
);
