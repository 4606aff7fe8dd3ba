// `npm start`: builds what the emulators load, then runs the local stack offline until Ctrl-C:
// our Firestore engine, and firebase-tools' Auth, Functions and Data Connect emulators, the last one
// running our Data Connect engine (DATACONNECT_EMULATOR_BINARY_PATH) on firebase-tools' PGlite.
// Firestore document triggers reach the Functions emulator through scripts/lib/firestoreTriggerBridge.ts;
// mutation events and scheduled functions run in this process (scripts/lib/mutationEventRelay.ts).
// ROOKERY_FIREBASE_CONFIG names another firebase.json (the tests use one with free ports).
// ROOKERY_DATA_DIR moves the local data folder (default .rookery/). ROOKERY_SEED=off skips the demo graph.
// ROOKERY_WEB_PORT moves the web app (default 5173).
// ROOKERY_BUILD=off skips the build steps (when the generated SDKs and functions are known to be fresh).
//
// Supervision: every child runs in its own process group and is watched. If our Firestore engine
// dies it is restarted on its data (its journal holds every acknowledged write) and the Functions
// emulator's Firestore triggers are registered with it again; if the Data Connect engine or
// firebase-tools dies the whole stack stops, saying why (firebase-tools cannot restart its engine). The
// relay's functions run in this process: an error one of them leaks is logged, never fatal, and the
// schedules stop before the emulators do. Nothing outlives npm start: on a normal stop everything is ended in order, and a detached
// watchdog ends the rest if npm start itself is killed (kill -9); a leftover from an earlier run that
// had its watchdog killed too is ended at the next start.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AuthSnapshotter, hasAuthExport } from "./lib/authSnapshot.ts";
import { syncFirestoreTriggers } from "./lib/firestoreTriggerBridge.ts";
import { type MutationEventRelay, startMutationEventRelay } from "./lib/mutationEventRelay.ts";
import { type GuardedProcess, ProcessGuard, sweepProcesses } from "./lib/processGuard.ts";
import { commandOf, descendantsOf, isAlive } from "./lib/processTree.ts";
import { seedLocalStack } from "./seed.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const configPath = path.resolve(root, process.env.ROOKERY_FIREBASE_CONFIG ?? "firebase.json");
const emulators = JSON.parse(readFileSync(configPath, "utf8")).emulators;
const PROJECT = "demo-rookery";
/** Local data that survives restarts (gitignored; ROOKERY_DATA_DIR moves it, e.g. for tests). */
const DATA_DIR = path.resolve(root, process.env.ROOKERY_DATA_DIR ?? ".rookery");
const FIRESTORE_DATA = path.join(DATA_DIR, "firestore");
const AUTH_DATA = path.join(DATA_DIR, "auth");
/** What this run started, so a next run can end it if this one and its watchdog were both killed. */
const RUN_FILE = path.join(DATA_DIR, "npm-start.json");
/** A crashing Firestore engine is restarted at most this often within RESTART_WINDOW_MS. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const AUTH_SNAPSHOT_MS = 5_000;

const address = (name: string) => `${emulators[name].host ?? "127.0.0.1"}:${emulators[name].port}`;

// The generated Data Connect SDKs first (the app and functions import them), then the functions.
for (const step of process.env.ROOKERY_BUILD === "off"
  ? []
  : [
      ["run", "generate:sdk"],
      ["run", "build", "--workspace", "functions"],
    ]) {
  const run = spawnSync("npm", step, { cwd: root, stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

await mkdir(DATA_DIR, { recursive: true });
await endLeftoversOfEarlierRun();

const guard = new ProcessGuard((processes) => {
  void writeFile(RUN_FILE, JSON.stringify({ pid: process.pid, processes })).catch(() => {});
});
guard.start(1000);
const watchdog = spawn(process.execPath, [path.join(root, "scripts/lib/watchdog.ts"), String(process.pid)], {
  detached: true,
  stdio: ["pipe", "ignore", "inherit"],
});
watchdog.unref();
(watchdog.stdin as unknown as { unref(): void }).unref();

let stopping = false;
let exitCode = 0;
const live = new Set<ChildProcess>();
let firebase: ChildProcess | undefined;
let authSnapshots: AuthSnapshotter | undefined;
let relay: MutationEventRelay | undefined;
/** Set once every emulator is up: from then on, the Firestore engine needs the functions' triggers. */
let emulatorsReady = false;

/** Spawns a child in its own process group, guarded by us and by the watchdog. */
function run(command: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  if (child.pid) {
    guard.watch(child.pid, `${command} ${args.join(" ")}`);
    watchdog.stdin?.write(`${JSON.stringify({ watch: child.pid })}\n`);
  }
  live.add(child);
  child.on("close", () => live.delete(child));
  return child;
}

/** Resolves once `child` printed `pattern`; rejects if it exits first. */
function readyLine(child: ChildProcess, pattern: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4096);
      if (seen.includes(pattern)) {
        child.stdout?.off("data", onData);
        child.off("close", onClose);
        resolve();
      }
    };
    const onClose = (code: number | null, signal: string | null) =>
      reject(new Error(`exited (${signal ?? `code ${code}`}) before it was ready`));
    child.stdout?.on("data", onData);
    child.once("close", onClose);
  });
}

/**
 * Stops the stack: the relay's schedules and event intake first (nothing new starts while the
 * emulators go down), Auth accounts saved, firebase-tools and the engine asked to stop, leftovers ended.
 */
async function stop(reason: string, code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  if (reason) console.error(reason);
  const relayClosed = relay?.close().catch(() => {});
  await authSnapshots?.snapshot().catch(() => false);
  authSnapshots?.stop();
  for (const child of live) child.kill(child === firebase ? "SIGINT" : "SIGTERM");
  const deadline = Date.now() + 20_000;
  while (live.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  guard.stop();
  const leftovers = await guard.sweep(3000);
  if (leftovers.length > 0) console.error(`Ended ${leftovers.length} process(es) that did not stop in time.`);
  await Promise.race([relayClosed, new Promise((r) => setTimeout(r, 1000))]);
  await rm(RUN_FILE, { force: true });
  process.exit(exitCode);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop("", 0));
// The relay runs the functions' code in this process; whatever one of them leaks must not end the stack.
for (const event of ["uncaughtException", "unhandledRejection"] as const) {
  process.on(event, (error: unknown) =>
    console.error(
      `Unexpected error in npm start (a function run by the relay?), still running: ${error instanceof Error ? (error.stack ?? error.message) : error}`,
    ),
  );
}

// --- The web app: Vite's dev server, reading the emulators' addresses from the same firebase.json ----
const webUrl = `http://127.0.0.1:${process.env.ROOKERY_WEB_PORT ?? 5173}/`;
const web = run(path.join(root, "node_modules/.bin/vite"), ["web"], { ROOKERY_FIREBASE_CONFIG: configPath });
web.stdout?.pipe(process.stdout);
web.on("close", (code, signal) => {
  if (!stopping)
    console.error(`The web app's dev server stopped (${signal ?? `code ${code}`}); the rest keeps running.`);
});

// --- Firestore: our engine, restarted on its data if it dies ---------------------------------------
const [fsHost, fsPort] = [emulators.firestore.host ?? "127.0.0.1", String(emulators.firestore.port)];
const legacyExport = path.join(FIRESTORE_DATA, "firestore-data.json");
const hasStore = () =>
  existsSync(FIRESTORE_DATA) && readdirSync(FIRESTORE_DATA).some((f) => /^(snapshot|journal)-\d+\./.test(f));
const firestoreArgs = [
  `--host=${fsHost}`,
  `--port=${fsPort}`,
  `--project_id=${PROJECT}`,
  "--single_project_mode=true",
  `--rules=${path.join(root, "firestore.rules")}`,
  `--data_dir=${FIRESTORE_DATA}`,
  // Where document triggers go, as firebase-tools passes it to the official emulator.
  `--functions_emulator=${address("functions")}`,
  // An export written by earlier versions (on exit) seeds the store once.
  ...(existsSync(legacyExport) && !hasStore() ? [`--import=${FIRESTORE_DATA}`] : []),
];
const restarts: number[] = [];

async function startFirestore(): Promise<void> {
  const child = run(path.join(root, "packages/firestore-emulator/bin/firestore-emulator"), firestoreArgs);
  child.stdout?.pipe(process.stdout);
  child.on("close", (code, signal) => {
    if (stopping) return;
    const how = signal ?? `exit code ${code}`;
    const now = Date.now();
    while (restarts.length > 0 && restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length >= MAX_RESTARTS) {
      void stop(
        `\nThe Firestore engine exited unexpectedly (${how}) for the ${MAX_RESTARTS + 1}th time within a minute; stopping the whole stack. Its data is kept in ${path.relative(root, FIRESTORE_DATA)}.`,
        1,
      );
      return;
    }
    restarts.push(now);
    console.error(
      `\nThe Firestore engine exited unexpectedly (${how}); restarting it on its data in ${path.relative(root, FIRESTORE_DATA)} (every acknowledged write is kept).`,
    );
    startFirestore().then(
      () => {
        console.error(`The Firestore engine is serving again on ${fsHost}:${fsPort}.`);
        // Its trigger registrations lived in the process that died.
        if (emulatorsReady) void syncTriggers();
      },
      (error: Error) =>
        void stop(
          `The Firestore engine could not be restarted: ${error.message}. Stopping the whole stack.`,
          1,
        ),
    );
  });
  await readyLine(child, "Dev App Server is now running");
}

try {
  await startFirestore();
} catch (error) {
  await stop(`The Firestore engine failed to start: ${(error as Error).message}`, 1);
}

// --- firebase-tools: Auth, Functions, Data Connect (with our engine) -------------------------------
// Mutation events → onMutationExecuted functions, which the Functions emulator would drop.
Object.assign(process.env, {
  GCLOUD_PROJECT: PROJECT,
  DATA_CONNECT_EMULATOR_HOST: address("dataconnect"),
  FIRESTORE_EMULATOR_HOST: address("firestore"),
  FIREBASE_AUTH_EMULATOR_HOST: address("auth"),
  METADATA_SERVER_DETECTION: "none",
});
relay = await startMutationEventRelay({ functionsEntry: path.join(root, "functions/lib/index.js") });
const firebaseToolsVersion = JSON.parse(
  await readFile(path.join(root, "node_modules/firebase-tools/package.json"), "utf8"),
).version as string;

// Data Connect (issue #10): firebase-tools' PGlite gateway writes each Postgres message as its own small
// TCP write, and with Nagle's algorithm every statement then waits ~40 ms for a delayed ACK. This preload
// gives firebase-tools' TCP servers TCP_NODELAY (see the engine's README). ROOKERY_TCP_NODELAY=off
// leaves it out (the benchmark's "before").
const nodelayPreload: Record<string, string> =
  process.env.ROOKERY_TCP_NODELAY === "off"
    ? {}
    : {
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(
          path.join(root, "packages/dataconnect-emulator/preload/tcp-nodelay.cjs"),
        )}`.trim(),
      };

firebase = run(
  "firebase",
  [
    "emulators:start",
    "--config",
    configPath,
    "--project",
    PROJECT,
    "--only",
    "auth,functions,dataconnect",
    // The Auth accounts saved by the last run (see authSnapshot.ts).
    ...(hasAuthExport(AUTH_DATA) ? ["--import", AUTH_DATA] : []),
  ],
  // Functions reach our Firestore through the variable the Admin SDK reads. The metadata-server
  // probe is firebase-tools' only network call we can turn off.
  {
    FIRESTORE_EMULATOR_HOST: address("firestore"),
    DATACONNECT_EMULATOR_BINARY_PATH: path.join(
      root,
      "packages/dataconnect-emulator/bin/dataconnect-emulator",
    ),
    DATACONNECT_EVENT_SINK_URLS: relay.url,
    METADATA_SERVER_DETECTION: "none",
    ...nodelayPreload,
  },
);
firebase.on("close", (code, signal) => {
  if (!stopping)
    void stop(
      `\nfirebase-tools exited unexpectedly (${signal ?? `exit code ${code}`}); stopping the whole stack.`,
      1,
    );
});

/** Watches the Data Connect engine (firebase-tools' child): if it dies, the stack stops, saying so. */
function watchDataConnectEngine(): void {
  const engine = descendantsOf([firebase!.pid!]).find((p) => p.command.includes("dataconnect-emulator"));
  if (!engine) {
    console.error("Could not find the Data Connect engine's process; it is not supervised.");
    return;
  }
  const timer = setInterval(() => {
    if (stopping) clearInterval(timer);
    else if (!isAlive(engine.pid)) {
      clearInterval(timer);
      void stop(
        `\nThe Data Connect engine (pid ${engine.pid}) exited unexpectedly; firebase-tools cannot restart it, so the whole stack stops now. Its data is kept; run npm start again.`,
        1,
      );
    }
  }, 500);
  timer.unref();
}

// The Functions emulator registers Firestore triggers only with a Firestore emulator it started, so
// the bridge registers them with ours (again after each functions reload, and after an engine restart).
let resync: NodeJS.Timeout | undefined;
function syncTriggers(): Promise<void> {
  return syncFirestoreTriggers({
    functionsHost: address("functions"),
    firestoreHost: address("firestore"),
    projectId: PROJECT,
  }).then(
    (keys) =>
      console.log(`Firestore triggers registered with the Firestore engine: ${keys.join(", ") || "none"}`),
    (error: unknown) => {
      if (!stopping)
        console.error(
          `Registering Firestore triggers failed: ${error instanceof Error ? error.message : error}`,
        );
    },
  );
}

firebase.stdout?.on("data", async (chunk: Buffer) => {
  process.stdout.write(chunk);
  const text = chunk.toString();
  if (emulatorsReady && text.includes("Loaded functions definitions")) {
    clearTimeout(resync);
    resync = setTimeout(syncTriggers, 300);
  }
  if (text.includes("All emulators ready")) {
    emulatorsReady = true;
    watchDataConnectEngine();
    await syncTriggers();
    relay!
      .startSchedules()
      .then(
        (names) =>
          names.length &&
          console.log(`  Scheduled functions  ${names.join(", ")} (run here, on their schedule)`),
      )
      .catch((error: unknown) =>
        console.error(`Scheduled functions not started: ${error instanceof Error ? error.message : error}`),
      );
    authSnapshots = new AuthSnapshotter({
      host: address("auth"),
      project: PROJECT,
      dir: AUTH_DATA,
      firebaseToolsVersion,
    });
    authSnapshots.start(AUTH_SNAPSHOT_MS, (error) =>
      console.error(`Saving the Auth accounts failed: ${error.message}`),
    );
    if (process.env.ROOKERY_SEED !== "off") {
      seedLocalStack({ dataConnectHost: address("dataconnect"), authHost: address("auth") })
        .then(() => authSnapshots?.snapshot())
        .catch((error: unknown) =>
          console.error(`Seeding the demo graph failed: ${error instanceof Error ? error.message : error}`),
        );
    }
    console.log(`\nRookery is running offline (project ${PROJECT}):`);
    console.log(`  Web app              ${webUrl}`);
    console.log(
      `  Auth emulator        http://${address("auth")}  (accounts kept in ${path.relative(root, AUTH_DATA)})`,
    );
    console.log(`  Functions emulator   http://${address("functions")}/${PROJECT}/us-central1/<function>`);
    console.log(
      `  Firestore (Rookery)  ${address("firestore")}  (data kept in ${path.relative(root, FIRESTORE_DATA)})`,
    );
    console.log(
      `  Data Connect         http://${address("dataconnect")}  (Rookery engine on firebase-tools' PGlite)`,
    );
    console.log(
      `  Mutation events      ${relay!.url} → onMutationExecuted functions (the Functions emulator skips them)`,
    );
    console.log(`  Document triggers    Firestore engine → Functions emulator (registered by the bridge)`);
    console.log("Press Ctrl-C to stop.\n");
  }
});

/**
 * Ends what an earlier `npm start` left running when it and its watchdog were both killed, so its
 * ports are free again. Only processes whose command line is still the recorded one are touched.
 */
async function endLeftoversOfEarlierRun(): Promise<void> {
  let previous: { pid: number; processes: GuardedProcess[] };
  try {
    previous = JSON.parse(await readFile(RUN_FILE, "utf8"));
  } catch {
    return;
  }
  if (isAlive(previous.pid) && commandOf(previous.pid)?.includes("start.ts")) {
    console.error(`Another npm start (pid ${previous.pid}) is running on ${DATA_DIR}; stop it first.`);
    process.exit(1);
  }
  const leftovers = previous.processes.filter((p) => isAlive(p.pid) && commandOf(p.pid) === p.command);
  if (leftovers.length > 0) {
    console.error(
      `Ending ${leftovers.length} process(es) left running by an earlier npm start that was killed.`,
    );
    await sweepProcesses(leftovers, 5000);
  }
  await rm(RUN_FILE, { force: true });
}
