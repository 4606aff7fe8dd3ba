import { randomUUID } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { freePort } from "./ports.ts";
import { repoRoot } from "./repo.ts";

/** Every emulator firebase-tools may start, including the ones it starts implicitly with functions. */
const EMULATORS = [
  "hub",
  "logging",
  "auth",
  "functions",
  "firestore",
  "dataconnect",
  "hosting",
  "eventarc",
  "tasks",
];

/** A copy of firebase.json beside the original whose emulator ports are all free ones. */
export interface TempFirebaseConfig {
  path: string;
  ports: Record<string, number>;
  dispose(): Promise<void>;
}

/** Writes a TempFirebaseConfig, so a running `npm start` and parallel suites never collide on ports. */
export async function tempFirebaseConfig(): Promise<TempFirebaseConfig> {
  const config = JSON.parse(await readFile(path.join(repoRoot, "firebase.json"), "utf8"));
  const ports: Record<string, number> = {};
  for (const name of EMULATORS) {
    ports[name] = await freePort();
    config.emulators[name] = { ...config.emulators[name], host: "127.0.0.1", port: ports[name] };
  }
  // firebase-tools' PGlite gateway for Data Connect: its own free port, and in-memory data.
  config.emulators.dataconnect.postgresPort = await freePort();
  delete config.emulators.dataconnect.dataDir;
  // Beside firebase.json, because firebase-tools resolves `functions.source` and friends from here.
  const configPath = path.join(repoRoot, `firebase.e2e-${randomUUID().slice(0, 8)}.tmp.json`);
  await writeFile(configPath, JSON.stringify(config, null, 2));
  return { path: configPath, ports, dispose: () => rm(configPath, { force: true }) };
}
