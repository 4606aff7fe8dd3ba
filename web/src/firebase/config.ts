// Which Firebase the app talks to, from the VITE_* variables Vite puts in `import.meta.env`: a real
// project when VITE_FIREBASE_API_KEY is set, else the local emulators (vite.config.ts fills their
// addresses in from firebase.json, so `npm start` needs no configuration).
import type { FirebaseOptions } from "firebase/app";

/** host:port of each local emulator the app uses. */
export interface EmulatorHosts {
  auth: string;
  dataConnect: string;
  firestore: string;
  functions: string;
}

/** Everything the app needs to reach its backend. */
export interface AppConfig {
  options: FirebaseOptions;
  /** Set when the app runs against the local emulators. */
  emulators: EmulatorHosts | null;
}

/** Reads the app's configuration from `VITE_*` variables; throws naming what is missing. */
export function appConfigFromEnv(env: Record<string, string | boolean | undefined>): AppConfig {
  const get = (key: string) => {
    const value = env[key];
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  const apiKey = get("VITE_FIREBASE_API_KEY");
  if (apiKey) {
    const projectId = get("VITE_FIREBASE_PROJECT_ID");
    const appId = get("VITE_FIREBASE_APP_ID");
    const missing = [
      ["VITE_FIREBASE_PROJECT_ID", projectId],
      ["VITE_FIREBASE_APP_ID", appId],
    ].filter(([, value]) => !value);
    if (missing.length > 0) {
      throw new Error(`Set ${missing.map(([key]) => key).join(" and ")} (see web/README.md).`);
    }
    const options: FirebaseOptions = {
      apiKey,
      projectId,
      appId,
      authDomain: get("VITE_FIREBASE_AUTH_DOMAIN") ?? `${projectId}.firebaseapp.com`,
    };
    const bucket = get("VITE_FIREBASE_STORAGE_BUCKET");
    if (bucket) options.storageBucket = bucket;
    const sender = get("VITE_FIREBASE_MESSAGING_SENDER_ID");
    if (sender) options.messagingSenderId = sender;
    return { options, emulators: null };
  }
  const projectId = get("VITE_FIREBASE_PROJECT_ID") ?? "demo-rookery";
  return {
    // The emulators accept any API key; a `demo-` project keeps every SDK offline.
    options: { apiKey: "demo-api-key", projectId, authDomain: `${projectId}.firebaseapp.com` },
    emulators: {
      auth: get("VITE_AUTH_EMULATOR_HOST") ?? "127.0.0.1:9099",
      dataConnect: get("VITE_DATACONNECT_EMULATOR_HOST") ?? "127.0.0.1:9399",
      firestore: get("VITE_FIRESTORE_EMULATOR_HOST") ?? "127.0.0.1:8080",
      functions: get("VITE_FUNCTIONS_EMULATOR_HOST") ?? "127.0.0.1:5001",
    },
  };
}

/** Splits "host:port" (IPv6 hosts in brackets allowed). */
export function splitHostPort(address: string): { host: string; port: number } {
  const split = address.lastIndexOf(":");
  const port = Number(address.slice(split + 1));
  if (split <= 0 || !Number.isInteger(port) || port <= 0) throw new Error(`not a host:port: ${address}`);
  return { host: address.slice(0, split).replace(/^\[(.*)\]$/, "$1"), port };
}
