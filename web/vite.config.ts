// The app's build and dev server. Without VITE_FIREBASE_API_KEY the app talks to the local emulators,
// whose addresses come from the same firebase.json `npm start` uses (ROOKERY_FIREBASE_CONFIG names
// another one, as the tests do); with it, to the real Firebase project the VITE_FIREBASE_* variables name.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv } from "vite";

const webRoot = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(webRoot, "..");

/** `VITE_*` defaults that point the app at the local emulators of a firebase.json. */
function localEmulatorEnv(configPath: string): Record<string, string> {
  const emulators = JSON.parse(readFileSync(configPath, "utf8")).emulators as Record<
    string,
    { host?: string; port: number }
  >;
  const address = (name: string) => `${emulators[name]?.host ?? "127.0.0.1"}:${emulators[name]?.port}`;
  return {
    VITE_FIREBASE_PROJECT_ID: "demo-rookery",
    VITE_AUTH_EMULATOR_HOST: address("auth"),
    VITE_DATACONNECT_EMULATOR_HOST: address("dataconnect"),
    VITE_FIRESTORE_EMULATOR_HOST: address("firestore"),
    VITE_FUNCTIONS_EMULATOR_HOST: address("functions"),
  };
}

export default defineConfig(({ mode }) => {
  const env = { ...loadEnv(mode, webRoot, "VITE_"), ...pick(process.env, "VITE_") };
  const defines: Record<string, string> = {};
  if (!env.VITE_FIREBASE_API_KEY) {
    const configPath = path.resolve(repoRoot, process.env.ROOKERY_FIREBASE_CONFIG ?? "firebase.json");
    const local = localEmulatorEnv(configPath);
    for (const [key, value] of Object.entries(local)) {
      if (!env[key]) defines[`import.meta.env.${key}`] = JSON.stringify(value);
    }
  }
  return {
    plugins: [react()],
    define: defines,
    server: {
      host: "127.0.0.1",
      port: Number(process.env.ROOKERY_WEB_PORT ?? 5173),
      // The URL `npm start` prints is the one that serves the app, or start fails and says why.
      strictPort: true,
    },
    preview: { host: "127.0.0.1", port: Number(process.env.ROOKERY_WEB_PORT ?? 4173), strictPort: true },
    build: { target: "es2022", sourcemap: true },
  };
});

function pick(source: NodeJS.ProcessEnv, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter((e): e is [string, string] => e[0].startsWith(prefix) && !!e[1]),
  );
}
