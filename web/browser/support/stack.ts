// Global setup: `npm start` (scripts/start.ts) on free ports with a fresh data folder and the demo graph,
// exactly as a person runs it; the suite reads the addresses with `inject("stack")`.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { tempFirebaseConfig } from "../../../test/e2e/support/config.ts";
import { freePort } from "../../../test/e2e/support/ports.ts";
import { collectOutput } from "../../../test/e2e/support/process.ts";
import { pinnedPath, repoRoot } from "../../../test/e2e/support/repo.ts";

/** Where the running stack is. */
export interface Stack {
  webUrl: string;
  authUrl: string;
  dataConnectUrl: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: Stack;
  }
}

export default async function setup(project: TestProject) {
  const config = await tempFirebaseConfig();
  const webPort = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "rookery-web-"));
  const child = spawn("node", [path.join(repoRoot, "scripts/start.ts")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PATH: pinnedPath(),
      ROOKERY_FIREBASE_CONFIG: config.path,
      ROOKERY_DATA_DIR: dataDir,
      ROOKERY_WEB_PORT: String(webPort),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  const exit = new Promise((resolve) => child.on("close", resolve));
  const teardown = async () => {
    child.kill("SIGINT");
    await exit;
    await config.dispose();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await output.waitFor(/Press Ctrl-C to stop/, 180_000);
    // The demo graph, and the demo sign-in's Auth trigger having run.
    await output.waitFor(/Demo graph loaded in/, 120_000);
    await output.waitFor(/Finished "us-central1-onAuthUserCreated"/, 60_000);
  } catch (error) {
    await teardown();
    throw error;
  }
  project.provide("stack", {
    webUrl: `http://127.0.0.1:${webPort}/`,
    authUrl: `http://127.0.0.1:${config.ports.auth}`,
    dataConnectUrl: `http://127.0.0.1:${config.ports.dataconnect}`,
  });
  return teardown;
}
