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

let appCount = 0;
for (const configuration of CONFIGURATIONS) {
  for (const load of LOADS) {
    const dir = await mkdtemp(path.join(tmpdir(), "fs-bench-durability-"));
    const port = await freePort();
    const engine = await startEngine(port, configuration.flags(dir));
    process.env.FIRESTORE_EMULATOR_HOST = `127.0.0.1:${port}`;
    const app = initializeApp({ projectId: PROJECT }, `durability-${++appCount}`);
    const db = getFirestore(app);
    try {
      await db.doc("warm/up").set({ ok: true }); // the SDK's first call pays a one-off channel set-up
      const result = await runConcurrent(load.clients, load.writes, (i) =>
        db.doc(`w/${i}`).set({ ...payload, n: i }),
      );
      rows.push([
        configuration.name,
        load.name,
        String(load.writes),
        result.opsPerSecond,
        result.latency.p50,
        result.latency.p99,
      ]);
    } finally {
      await deleteApp(app);
      engine.proc.kill("SIGTERM");
      await new Promise((r) => engine.proc.once("exit", r));
      rows.at(-1)?.push(writesPerSync(engine.output()));
      await rm(dir, { recursive: true, force: true });
    }
  }
}

console.log(
  `Firestore engine: cost of durability per write, admin SDK set() over gRPC (${new Date().toISOString()})\n`,
);
console.log(
  formatTable(["configuration", "load", "writes", "writes/s", "p50 ms", "p99 ms", "writes per fsync"], rows),
);
