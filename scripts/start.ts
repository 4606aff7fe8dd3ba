// `npm start`: builds what the emulators load, then runs the local stack offline until Ctrl-C:
// our Firestore engine, and firebase-tools' Auth, Functions and Data Connect emulators, the last one
// running our Data Connect engine (DATACONNECT_EMULATOR_BINARY_PATH) on firebase-tools' PGlite.
// Firestore document triggers reach the Functions emulator through scripts/lib/firestoreTriggerBridge.ts.
// ROOKERY_FIREBASE_CONFIG names another firebase.json (the tests use one with free ports).
// ROOKERY_DATA_DIR moves the local data folder (default .rookery/). ROOKERY_SEED=off skips the demo graph.
// ROOKERY_WEB_PORT moves the web app (default 5173).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { syncFirestoreTriggers } from "./lib/firestoreTriggerBridge.ts";
import { startMutationEventRelay } from "./lib/mutationEventRelay.ts";
import { seedLocalStack } from "./seed.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const configPath = path.resolve(root, process.env.ROOKERY_FIREBASE_CONFIG ?? "firebase.json");
const emulators = JSON.parse(readFileSync(configPath, "utf8")).emulators;
const PROJECT = "demo-rookery";
/** Local data that survives restarts (gitignored; ROOKERY_DATA_DIR moves it, e.g. for tests). */
const DATA_DIR = path.resolve(root, process.env.ROOKERY_DATA_DIR ?? ".rookery");

const address = (name: string) => `${emulators[name].host ?? "127.0.0.1"}:${emulators[name].port}`;

// The generated Data Connect SDKs first (the app and functions import them), then the functions.
for (const step of [
  ["run", "generate:sdk"],
  ["run", "build", "--workspace", "functions"],
]) {
  const run = spawnSync("npm", step, { cwd: root, stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, command: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["inherit", "pipe", "inherit"],
  });
  children.push(child);
  child.on("close", (code) => {
    if (!stopping) {
      console.error(`${name} stopped (exit ${code}); stopping the rest.`);
      stop("SIGINT");
    }
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(stopping ? 0 : 1);
  });
  return child;
}

function stop(signal: NodeJS.Signals): void {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
}

// Ctrl-C reaches every child too (same process group); a `kill` of this process alone must also stop them.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stop(signal));

// The web app: Vite's dev server, reading the emulators' addresses from the same firebase.json.
const webUrl = `http://127.0.0.1:${process.env.ROOKERY_WEB_PORT ?? 5173}/`;
const web = run("Web app (Vite)", path.join(root, "node_modules/.bin/vite"), ["web"], {
  ROOKERY_FIREBASE_CONFIG: configPath,
});
web.stdout?.pipe(process.stdout);

const [fsHost, fsPort] = [emulators.firestore.host ?? "127.0.0.1", String(emulators.firestore.port)];
const firestoreData = path.join(DATA_DIR, "firestore");
const firestore = run(
  "Firestore emulator",
  path.join(root, "packages/firestore-emulator/bin/firestore-emulator"),
  [
    `--host=${fsHost}`,
    `--port=${fsPort}`,
    `--project_id=${PROJECT}`,
    "--single_project_mode=true",
    `--rules=${path.join(root, "firestore.rules")}`,
    `--import=${firestoreData}`,
    `--export_on_exit=${firestoreData}`,
    // Where document triggers go, as firebase-tools passes it to the official emulator.
    `--functions_emulator=${address("functions")}`,
  ],
);
firestore.stdout?.pipe(process.stdout);
await new Promise<void>((resolve) => {
  firestore.stdout?.on("data", (chunk: Buffer) => {
    if (chunk.toString().includes("Dev App Server is now running")) resolve();
  });
});

// Mutation events → onMutationExecuted functions, which the Functions emulator would drop.
Object.assign(process.env, {
  GCLOUD_PROJECT: PROJECT,
  DATA_CONNECT_EMULATOR_HOST: address("dataconnect"),
  FIRESTORE_EMULATOR_HOST: address("firestore"),
  FIREBASE_AUTH_EMULATOR_HOST: address("auth"),
  METADATA_SERVER_DETECTION: "none",
});
const relay = await startMutationEventRelay({ functionsEntry: path.join(root, "functions/lib/index.js") });

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

const firebase = run(
  "firebase-tools",
  "firebase",
  ["emulators:start", "--config", configPath, "--project", PROJECT, "--only", "auth,functions,dataconnect"],
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
// The Functions emulator registers Firestore triggers only with a Firestore emulator it started, so
// the bridge registers them with ours (again after each functions reload).
let ready = false;
let resync: NodeJS.Timeout | undefined;
const syncTriggers = () =>
  syncFirestoreTriggers({
    functionsHost: address("functions"),
    firestoreHost: address("firestore"),
    projectId: PROJECT,
  }).then(
    (keys) =>
      console.log(`Firestore triggers registered with the Firestore engine: ${keys.join(", ") || "none"}`),
    (error: unknown) =>
      console.error(
        `Registering Firestore triggers failed: ${error instanceof Error ? error.message : error}`,
      ),
  );
firebase.stdout?.on("data", async (chunk: Buffer) => {
  process.stdout.write(chunk);
  const text = chunk.toString();
  if (ready && text.includes("Loaded functions definitions")) {
    clearTimeout(resync);
    resync = setTimeout(syncTriggers, 300);
  }
  if (text.includes("All emulators ready")) {
    ready = true;
    await syncTriggers();
    relay
      .startSchedules()
      .then(
        (names) =>
          names.length &&
          console.log(`  Scheduled functions  ${names.join(", ")} (run here, on their schedule)`),
      )
      .catch((error: unknown) =>
        console.error(`Scheduled functions not started: ${error instanceof Error ? error.message : error}`),
      );
    if (process.env.ROOKERY_SEED !== "off") {
      seedLocalStack({ dataConnectHost: address("dataconnect"), authHost: address("auth") }).catch(
        (error: unknown) =>
          console.error(`Seeding the demo graph failed: ${error instanceof Error ? error.message : error}`),
      );
    }
    console.log(`\nRookery is running offline (project ${PROJECT}):`);
    console.log(`  Web app              ${webUrl}`);
    console.log(`  Auth emulator        http://${address("auth")}`);
    console.log(`  Functions emulator   http://${address("functions")}/${PROJECT}/us-central1/<function>`);
    console.log(
      `  Firestore (Rookery)  ${address("firestore")}  (data kept in ${path.relative(root, firestoreData)})`,
    );
    console.log(
      `  Data Connect         http://${address("dataconnect")}  (Rookery engine on firebase-tools' PGlite)`,
    );
    console.log(
      `  Mutation events      ${relay.url} → onMutationExecuted functions (the Functions emulator skips them)`,
    );
    console.log(`  Document triggers    Firestore engine → Functions emulator (registered by the bridge)`);
    console.log("Press Ctrl-C to stop.\n");
  }
});
