// `npm start`: builds what the emulators load, then runs the local stack offline until Ctrl-C.
// ROOKERY_FIREBASE_CONFIG names another firebase.json (the tests use one with free ports).
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const configPath = path.resolve(root, process.env.ROOKERY_FIREBASE_CONFIG ?? "firebase.json");
const config = JSON.parse(readFileSync(configPath, "utf8"));
const PROJECT = "demo-rookery";

/** The emulators `npm start` runs, with what each one serves. */
const SERVICES: { name: string; label: string; path?: string }[] = [
  { name: "auth", label: "Auth emulator" },
  { name: "functions", label: "Functions emulator", path: `/${PROJECT}/us-central1/<function>` },
];

const build = spawnSync("npm", ["run", "build", "--workspace", "functions"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const only = SERVICES.map((s) => s.name).join(",");
const firebase = spawn(
  "firebase",
  ["emulators:start", "--config", configPath, "--project", PROJECT, "--only", only],
  {
    cwd: root,
    // Turns off firebase-tools' probe of the cloud metadata server, which would wait on a network we lack.
    env: { ...process.env, METADATA_SERVER_DETECTION: "none" },
    stdio: ["inherit", "pipe", "inherit"],
  },
);

firebase.stdout.on("data", (chunk: Buffer) => {
  process.stdout.write(chunk);
  if (chunk.toString().includes("All emulators ready")) printBanner();
});

function printBanner(): void {
  console.log(`\nRookery is running offline (project ${PROJECT}):`);
  for (const { name, label, path: suffix = "" } of SERVICES) {
    const { host = "127.0.0.1", port } = config.emulators[name];
    console.log(`  ${label.padEnd(20)} http://${host}:${port}${suffix}`);
  }
  console.log("Press Ctrl-C to stop.\n");
}

// Ctrl-C reaches firebase-tools too (same process group); a `kill` of this process alone must also stop it.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (firebase.exitCode === null) firebase.kill(signal);
  });
}
firebase.on("close", (code, signal) => process.exit(signal ? 0 : (code ?? 0)));
