import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type TempFirebaseConfig, tempFirebaseConfig } from "./config.ts";
import { freePort } from "./ports.ts";
import { type CollectedOutput, collectOutput } from "./process.ts";
import { pinnedPath, repoRoot } from "./repo.ts";

/** A running `npm start` (scripts/start.ts) on free ports with its own data folder. */
export interface LocalStack {
  config: TempFirebaseConfig;
  webPort: number;
  output: CollectedOutput;
  /** Stops the stack (Ctrl-C) and removes its configuration and data. */
  stop(): Promise<void>;
}

/**
 * Starts the local stack as a person does, and waits until it is ready with the demo graph loaded and
 * the demo sign-in's Auth trigger run. Stops it again if it never gets there.
 */
export async function startLocalStack(
  options: {
    /** Extra environment for scripts/start.ts (e.g. a benchmark's variant flags). */
    env?: Record<string, string>;
    timeoutMs?: number;
  } = {},
): Promise<LocalStack> {
  const config = await tempFirebaseConfig();
  const webPort = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "rookery-stack-"));
  const child = spawn("node", [path.join(repoRoot, "scripts/start.ts")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PATH: pinnedPath(),
      ROOKERY_FIREBASE_CONFIG: config.path,
      ROOKERY_DATA_DIR: dataDir,
      ROOKERY_WEB_PORT: String(webPort),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  const exit = new Promise((resolve) => child.on("close", resolve));
  const stop = async () => {
    child.kill("SIGINT");
    await exit;
    await config.dispose();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await output.waitFor(/Press Ctrl-C to stop/, options.timeoutMs ?? 180_000);
    await output.waitFor(/Demo graph loaded in/, 120_000);
    await output.waitFor(/Finished "us-central1-onAuthUserCreated"/, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { config, webPort, output, stop };
}
